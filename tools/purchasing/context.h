// The purchasing context (requests, orders, receipts, supplier invoices) as
// the binaries see it.
#pragma once

#include "tools/bounded_context.h"

namespace ledger::purchasing {

const BoundedContext& Context();
Status LoadDemo(Engine& engine);

}  // namespace ledger::purchasing

namespace ledger::domain {
Status ExportInvoices(EventLog& log, std::ostream& out);
}  // namespace ledger::domain
