// CSV exports for an ERP (SPEC §6, `ledgerctl export`): folded straight from
// the log with the aggregates' own evolve functions, so an export is exactly
// what the ledger holds, independent of any projection.
//
//   invoices      one row per supplier invoice line, with its cost centre,
//                 category and project, amounts and status
//   budget-lines  one row per budget line and month: amount, committed,
//                 actual, available
//   cost-centers  the cost centres
#pragma once

#include <ostream>
#include <string>

#include "engine/log.h"

namespace ledger {

// Writes the export `what` as RFC 4180 CSV (comma, CRLF, quoted when needed).
Status ExportCsv(EventLog& log, const std::string& what, std::ostream& out);

}  // namespace ledger
