// The reference context (settings, tax codes, fiscal positions, payment
// terms, cost centres, categories, projects, suppliers, products, users, API
// tokens, policies and exchange rates) as the binaries see it.
#pragma once

#include "tools/bounded_context.h"

namespace ledger::reference {

const BoundedContext& Context();

// Lists the enabled admins on the admin directory when the ledger has
// users but no directory (a log written before it existed), so that the
// last-admin rule counts every admin. Does nothing otherwise.
Status ListAdminsOnce(Engine& engine);
// Ensures an enabled user "admin" with role admin (break glass: the admin
// token authenticates as it). Issues no token: the admin token is checked
// against the configuration, never stored.
Status EnsureAdmin(Engine& engine);

bool HasDemo(const Engine& engine);
Status LoadDemo(Engine& engine);

}  // namespace ledger::reference

namespace ledger::domain {
Status ExportCostCenters(EventLog& log, std::ostream& out);
}  // namespace ledger::domain
