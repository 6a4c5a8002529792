// The stream types of purchasing: requests, orders, receipts, supplier
// invoices and the documents and attachments they claim. Each state declares
// its own (StreamTraits); the listed ones are named with their listings.
#include "engine/purchasing/attachment_filings.h"
#include "engine/purchasing/listings.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/receipt.h"
#include "engine/purchasing/streams.h"
#include "engine/purchasing/supplier_document.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::purchasing {
namespace {

using namespace domain;

constexpr StreamType kTypes[] = {
    Listed(StreamTypeOf<PurchaseOrder>(), &kPurchaseOrderListing, &kPurchaseOrderLineListing),
    Listed(StreamTypeOf<PurchaseRequest>(), &kPurchaseRequestListing),
    Listed(StreamTypeOf<Receipt>(), &kReceiptListing),
    Listed(StreamTypeOf<SupplierInvoice>(), &kSupplierInvoiceListing),
    StreamTypeOf<SupplierDocument>(),
    StreamTypeOf<AttachmentFilings>(),
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::purchasing
