#include "tools/budgets/context.h"

#include "api/budgets/routes.h"
#include "engine/budgets/streams.h"
#include "projections/budgets/budget_ledger.h"

namespace ledger::budgets {
namespace {

void AddProjections(std::vector<std::unique_ptr<Projection>>* out) {
  out->push_back(std::make_unique<BudgetLedgerProjection>());
}

constexpr CsvExport kExports[] = {{"budget-lines", &domain::ExportBudgetLines}};

}  // namespace

const BoundedContext& Context() {
  static const BoundedContext kContext{
      .name = "budgets",
      .stream_types = &StreamTypes,
      .add_projections = &AddProjections,
      .add_routes = &AddRoutes,
      .load_demo = &LoadDemo,
      .exports = kExports,
  };
  return kContext;
}

}  // namespace ledger::budgets
