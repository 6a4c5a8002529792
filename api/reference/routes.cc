#include "api/reference/routes.h"

namespace ledger::reference {

void AddRoutes(api::Routes& routes) {
  api::AddReferenceRoutes(routes);
  api::AddPolicyRoutes(routes);
  api::AddTokenRoutes(routes);
}

}  // namespace ledger::reference
