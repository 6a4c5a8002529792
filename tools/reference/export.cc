// CSV export of cost centres (ledgerctl export cost-centers).
#include "tools/export.h"
#include "engine/reference/reference_entity.h"
#include "tools/reference/context.h"

namespace ledger::domain {

Status ExportCostCenters(EventLog& log, std::ostream& out) {
  const std::string type(kReferenceType<events::CostCenterDefined>);
  auto folded = FoldStreams(log, {type});
  if (!folded.ok()) return folded.status();
  CsvRow(out, {"cost_center", "name"});
  for (const auto& [id, state] : (*folded)[type]) {
    const auto* s = StateCast<domain::ReferenceState>(state.get());
    const auto* t = domain::TableOf<events::CostCenterDefined>(*s);
    CsvRow(out, {id, t ? events::Str(t->name()) : ""});
  }
  return Status::Ok();
}

}  // namespace ledger::domain
