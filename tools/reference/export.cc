// CSV export of cost centres (ledgerctl export cost-centers).
#include "tools/export.h"
#include "engine/reference/reference.h"
#include "tools/reference/context.h"

namespace ledger::domain {

Status ExportCostCenters(EventLog& log, std::ostream& out) {
  auto folded = FoldStreams(log, {"cost_center"});
  if (!folded.ok()) return folded.status();
  CsvRow(out, {"cost_center", "name"});
  for (const auto& [id, state] : (*folded)["cost_center"]) {
    const auto* s = StateCast<domain::ReferenceState>(state.get());
    const auto* t = domain::TableOf<events::CostCenterDefined>(*s);
    CsvRow(out, {id, t ? events::Str(t->name()) : ""});
  }
  return Status::Ok();
}

}  // namespace ledger::domain
