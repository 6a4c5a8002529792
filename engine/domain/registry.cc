// The registry of stream types: the one place a new aggregate type is listed.
#include "engine/domain/budget.h"
#include "engine/domain/purchase_order.h"
#include "engine/domain/purchase_request.h"
#include "engine/domain/supplier_invoice.h"
#include "engine/domain/reference.h"

namespace ledger {
namespace {

template <class S>
std::unique_ptr<AggregateState> Make() {
  return std::make_unique<StateOf<S>>();
}

using domain::AdminDirectory;
using domain::ApiToken;
using domain::AttachmentFilings;
using domain::Budget;
using domain::BudgetScope;
using domain::PurchaseOrder;
using domain::PurchaseRequest;
using domain::Receipt;
using domain::SupplierDocument;
using domain::SupplierInvoice;
using domain::ReferenceState;

}  // namespace

const std::vector<StreamType>& AllStreamTypes() {
  static const std::vector<StreamType> kTypes = {
      // Format 2: reference states no longer carry a `revoked` flag (tokens
      // have a state of their own).
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
      {"purchase_order", Topic::kPurchasing, "PO", 2, &Make<PurchaseOrder>},
      {"purchase_request", Topic::kPurchasing, "PR", 1, &Make<PurchaseRequest>},
      {"receipt", Topic::kPurchasing, "RC", 1, &Make<Receipt>},
      {"supplier_invoice", Topic::kPurchasing, "SI", 1, &Make<SupplierInvoice>},
      {"supplier_document", Topic::kPurchasing, "", 1, &Make<SupplierDocument>},
      {"attachment", Topic::kPurchasing, "", 1, &Make<AttachmentFilings>},
      {"budget", Topic::kBudgets, "", 1, &Make<Budget>},
      {"budget_scope", Topic::kBudgets, "", 1, &Make<BudgetScope>},
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
