// The routes of budgets, one file per group (api/budgets/routes_*.cc).
#pragma once

#include "api/routes.h"
#include "api/server.h"

namespace ledger::api {

void AddBudgetRoutes(Routes& r);

}  // namespace ledger::api

namespace ledger::budgets {

// Every route of the context (the list of contexts registers it).
void AddRoutes(api::Routes& routes);

}  // namespace ledger::budgets
