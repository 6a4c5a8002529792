// CSV export of budget lines by month (ledgerctl export budget-lines).
#include "tools/export.h"
#include "engine/budgets/budget.h"
#include "tools/budgets/context.h"

namespace ledger::domain {

Status ExportBudgetLines(EventLog& log, std::ostream& out) {
  const std::string budgets(Budget::kStream.type);
  auto folded = FoldStreams(log, {budgets});
  if (!folded.ok()) return folded.status();
  CsvRow(out, {"budget", "currency", "policy", "cost_center", "category", "project", "period",
            "amount", "committed", "actual", "available"});
  for (const auto& [id, state] : (*folded)[budgets]) {
    const auto* b = StateCast<domain::Budget>(state.get());
    const int digits = CurrencyDigits(b->currency).value_or(2);
    for (const auto& [key, cell] : b->cells) {
      auto [line, period] = domain::SplitCellKey(key);
      Decimal available = domain::Available(cell);
      CsvRow(out, {id, b->currency, b->policy, line.cost_center, line.category, line.project, period,
                cell.amount.ToString(digits), cell.committed.ToString(digits),
                cell.actual.ToString(digits), available.ToString(digits)});
    }
  }
  return Status::Ok();
}

}  // namespace ledger::domain
