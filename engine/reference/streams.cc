// The stream types of reference data, users and API tokens.
#include "engine/reference/reference.h"
#include "engine/reference/streams.h"

namespace ledger::reference {
namespace {

using domain::AdminDirectory;
using domain::ApiToken;
using domain::ReferenceState;

template <class S>
std::unique_ptr<AggregateState> Make() {
  return std::make_unique<StateOf<S>>();
}

// Format 2: reference states no longer carry a `revoked` flag (tokens have
// a state of their own).
constexpr StreamType kTypes[] = {
    {"settings", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"tax_code", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"fiscal_position", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"payment_term", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"cost_center", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"category", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"project", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"supplier", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"product", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"user", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"user_directory", Topic::kReference, "", 1, &Make<AdminDirectory>},
    {"api_token", Topic::kReference, "", 2, &Make<ApiToken>},
    {"approval_policy", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"matching_policy", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"exchange_rate", Topic::kReference, "", 2, &Make<ReferenceState>},
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::reference
