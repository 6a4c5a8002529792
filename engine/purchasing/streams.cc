// The stream types of purchasing: requests, orders, receipts, supplier
// invoices and the documents and attachments they claim.
#include "engine/purchasing/attachment_filings.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/receipt.h"
#include "engine/purchasing/streams.h"
#include "engine/purchasing/supplier_document.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::purchasing {
namespace {

using namespace domain;

template <class S>
std::unique_ptr<AggregateState> Make() {
  return std::make_unique<StateOf<S>>();
}

// Formats: purchase_order 3, purchase_request 2 and supplier_invoice 2 keep
// their status as an enum (engine/lifecycle.h), no longer as its label.
constexpr StreamType kTypes[] = {
    {"purchase_order", Topic::kPurchasing, "PO", 3, &Make<PurchaseOrder>},
    {"purchase_request", Topic::kPurchasing, "PR", 2, &Make<PurchaseRequest>},
    {"receipt", Topic::kPurchasing, "RC", 1, &Make<Receipt>},
    {"supplier_invoice", Topic::kPurchasing, "SI", 2, &Make<SupplierInvoice>},
    {"supplier_document", Topic::kPurchasing, "", 1, &Make<SupplierDocument>},
    {"attachment", Topic::kPurchasing, "", 1, &Make<AttachmentFilings>},
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::purchasing
