#include "api/licensing/routes.h"

namespace ledger::licensing {

void AddRoutes(api::Routes& routes) {
  api::AddLicencePoolRoutes(routes);
  api::AddTeamRoutes(routes);
}

}  // namespace ledger::licensing
