// The budgets context as the binaries see it.
#pragma once

#include "tools/bounded_context.h"

namespace ledger::budgets {

const BoundedContext& Context();
Status LoadDemo(Engine& engine);

}  // namespace ledger::budgets

namespace ledger::domain {
Status ExportBudgetLines(EventLog& log, std::ostream& out);
}  // namespace ledger::domain
