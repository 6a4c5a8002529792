#include "api/budgets/routes.h"

namespace ledger::budgets {

void AddRoutes(api::Routes& routes) {
  api::AddBudgetRoutes(routes);
}

}  // namespace ledger::budgets
