// The registry of stream types: the one place a new aggregate type is listed.
#include "engine/domain/purchase_order.h"
#include "engine/domain/reference.h"

namespace ledger {
namespace {

template <class S>
std::unique_ptr<AggregateState> Make() {
  return std::make_unique<StateOf<S>>();
}

using domain::PurchaseOrder;
using domain::ReferenceState;

}  // namespace

const std::vector<StreamType>& AllStreamTypes() {
  static const std::vector<StreamType> kTypes = {
      {"settings", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"tax_code", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"fiscal_position", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"payment_term", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"cost_center", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"category", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"project", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"supplier", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"product", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"user", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"api_token", Topic::kReference, "", 1, &Make<ReferenceState>},
      {"purchase_order", Topic::kPurchasing, "PO", 1, &Make<PurchaseOrder>},
  };
  return kTypes;
}

const StreamType* FindStreamType(std::string_view name) {
  for (const auto& t : AllStreamTypes()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace ledger
