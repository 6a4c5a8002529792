// How budgets are listed (engine/listing.h).
#pragma once

#include "engine/listing.h"

namespace ledger::budgets {

extern const Listing kBudgetListing;

}  // namespace ledger::budgets
