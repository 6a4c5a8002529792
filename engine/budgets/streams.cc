// The stream types of budgets.
#include "engine/budgets/budget.h"
#include "engine/budgets/streams.h"

namespace ledger::budgets {
namespace {

template <class S>
std::unique_ptr<AggregateState> Make() {
  return std::make_unique<StateOf<S>>();
}

constexpr StreamType kTypes[] = {
    {"budget", Topic::kBudgets, "", 1, &Make<domain::Budget>},
    {"budget_scope", Topic::kBudgets, "", 1, &Make<domain::BudgetScope>},
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::budgets
