// The stream types of purchasing: requests, orders, receipts, supplier
// invoices and the documents and attachments they claim.
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/streams.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::purchasing {
namespace {

using namespace domain;

template <class S>
std::unique_ptr<AggregateState> Make() {
  return std::make_unique<StateOf<S>>();
}

constexpr StreamType kTypes[] = {
    {"purchase_order", Topic::kPurchasing, "PO", 2, &Make<PurchaseOrder>},
    {"purchase_request", Topic::kPurchasing, "PR", 1, &Make<PurchaseRequest>},
    {"receipt", Topic::kPurchasing, "RC", 1, &Make<Receipt>},
    {"supplier_invoice", Topic::kPurchasing, "SI", 1, &Make<SupplierInvoice>},
    {"supplier_document", Topic::kPurchasing, "", 1, &Make<SupplierDocument>},
    {"attachment", Topic::kPurchasing, "", 1, &Make<AttachmentFilings>},
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::purchasing
