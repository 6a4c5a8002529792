// The budget ledger (SPEC §5): per budget, line (cost centre × category ×
// project), month and supplier, the budgeted amount, what is committed and
// what is spent (actual), in the company currency; available = amount −
// committed − actual. Budgeted amounts belong to no supplier.
//
// Keys:
//   "c/<budget>"                                 -> currency
//   "r/<budget>\x1f<cc>\x1f<cat>\x1f<proj>\x1f<month>\x1f<supplier>"
//                                                -> "amount;committed;actual" (now)
//   "h/<budget>\x1f<recorded_at BE8><partition BE4><offset BE8>"
//                                                -> the event's row deltas
// `as_of` folds the budget's deltas up to an instant, so it answers exactly
// as the ledger stood then; without it the current rows are read.
#pragma once

#include <optional>

#include "projections/projection.h"

namespace ledger {

class BudgetLedgerProjection final : public Projection {
 public:
  std::string_view name() const override { return "budget_ledger"; }
  uint32_t version() const override { return 1; }
  Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) override;
};

struct BudgetReportRow {
  // Empty when not grouped by.
  std::string cost_center, category, project, month, supplier;
  std::string amount, committed, actual, available;  // decimal text
};

struct BudgetReport {
  std::string currency;
  std::vector<BudgetReportRow> rows;
  BudgetReportRow total;
};

// `group_by`: any of cost_center, category, project, supplier, month.
// `not_found` if the budget has no event (at `as_of_us`).
Result<BudgetReport> QueryBudgetReport(rocksdb::DB* store, const std::string& budget,
                                       const std::vector<std::string>& group_by,
                                       std::optional<int64_t> as_of_us);

}  // namespace ledger
