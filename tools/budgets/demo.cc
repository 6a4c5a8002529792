// Demo budget: the IT hardware budget of the year, 20,000 a month.
#include <fmt/format.h>

#include "engine/budgets/budget.h"
#include "engine/clock.h"
#include "engine/commands.h"
#include "tools/budgets/context.h"
#include "tools/demo.h"

namespace ledger::budgets {

Status LoadDemo(Engine& engine) {
  const std::string today = IsoDate(SystemClock().NowMicros());
  const std::string year = today.substr(0, 4);
  domain::BudgetLineInput hardware{{"IT", "hardware", ""}, {}};
  for (int m = 1; m <= 12; ++m) {
    hardware.periods.emplace_back(fmt::format("{}-{:02}", year, m), *Decimal::Parse("20000"));
  }
  domain::DefineBudget define{"IT-" + year, "IT hardware " + year, "EUR", "block", {hardware}};
  LEDGER_RETURN_IF_ERROR(RunAs(engine, std::move(define), Actor{"fred", {"approver_finance"}})
                             .status());
  return Status::Ok();
}

}  // namespace ledger::budgets
