// CSV exports for an ERP (SPEC §6, `ledgerctl export`): folded straight from
// the log with the aggregates' own evolve functions, so an export is exactly
// what the ledger holds, independent of any projection. Each bounded context
// declares its exports (BoundedContext::exports): today `invoices` (one row
// per supplier invoice line), `budget-lines` (one row per budget line and
// month) and `cost-centers`.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/log.h"

namespace ledger {

// Writes the export `what` as RFC 4180 CSV (comma, CRLF, quoted when needed).
Status ExportCsv(EventLog& log, const std::string& what, std::ostream& out);

// One RFC 4180 row.
void CsvRow(std::ostream& out, const std::vector<std::string>& fields);

// The current state of every stream of the given types, by type and id, in
// one pass over the whole log.
using FoldedStates = std::map<std::string, std::unique_ptr<AggregateState>>;
Result<std::map<std::string, FoldedStates>> FoldStreams(EventLog& log,
                                                        std::vector<std::string> types);

}  // namespace ledger
