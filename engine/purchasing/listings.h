// How the purchasing documents are listed (engine/listing.h): the
// collections, their filters and dates. The Describe functions are declared
// beside each state.
#pragma once

#include "engine/listing.h"

namespace ledger::purchasing {

extern const Listing kPurchaseRequestListing;
extern const Listing kPurchaseOrderListing;
extern const Listing kPurchaseOrderLineListing;
extern const Listing kReceiptListing;
extern const Listing kSupplierInvoiceListing;

}  // namespace ledger::purchasing
