// How reference data is listed (engine/listing.h): one collection per kind
// of definition, each with the fields it is filtered by.
#pragma once

#include "engine/listing.h"

namespace ledger::reference {

extern const Listing kTaxCodeListing;
extern const Listing kFiscalPositionListing;
extern const Listing kPaymentTermListing;
extern const Listing kCostCenterListing;
extern const Listing kCategoryListing;
extern const Listing kProjectListing;
extern const Listing kSupplierListing;
extern const Listing kProductListing;
extern const Listing kUserListing;
extern const Listing kExchangeRateListing;

}  // namespace ledger::reference
