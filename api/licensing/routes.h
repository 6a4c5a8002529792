// The routes of licensing, one file per group (api/licensing/routes_*.cc).
#pragma once

#include "api/routes.h"
#include "api/server.h"

namespace ledger::api {

void AddLicencePoolRoutes(Routes& r);
void AddTeamRoutes(Routes& r);

}  // namespace ledger::api

namespace ledger::licensing {

// Every route of the context (the list of contexts registers it).
void AddRoutes(api::Routes& routes);

}  // namespace ledger::licensing
