// How the licensing documents are listed (engine/listing.h): the
// collections, their filters and dates. The Describe functions are declared
// beside each state.
#pragma once

#include "engine/listing.h"

namespace ledger::licensing {

extern const Listing kLicencePoolListing;
extern const Listing kTeamListing;

}  // namespace ledger::licensing
