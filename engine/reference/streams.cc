// The stream types of reference data, users and API tokens.
#include "engine/reference/listings.h"
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
    {"tax_code", Topic::kReference, "", 2, &Make<ReferenceState>, &kTaxCodeListing},
    {"fiscal_position", Topic::kReference, "", 2, &Make<ReferenceState>, &kFiscalPositionListing},
    {"payment_term", Topic::kReference, "", 2, &Make<ReferenceState>, &kPaymentTermListing},
    {"cost_center", Topic::kReference, "", 2, &Make<ReferenceState>, &kCostCenterListing},
    {"category", Topic::kReference, "", 2, &Make<ReferenceState>, &kCategoryListing},
    {"project", Topic::kReference, "", 2, &Make<ReferenceState>, &kProjectListing},
    {"supplier", Topic::kReference, "", 2, &Make<ReferenceState>, &kSupplierListing},
    {"product", Topic::kReference, "", 2, &Make<ReferenceState>, &kProductListing},
    {"user", Topic::kReference, "", 2, &Make<ReferenceState>, &kUserListing},
    {"user_directory", Topic::kReference, "", 1, &Make<AdminDirectory>},
    {"api_token", Topic::kReference, "", 2, &Make<ApiToken>},
    {"approval_policy", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"matching_policy", Topic::kReference, "", 2, &Make<ReferenceState>},
    {"exchange_rate", Topic::kReference, "", 2, &Make<ReferenceState>, &kExchangeRateListing},
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::reference
