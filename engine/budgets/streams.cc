// The stream types of budgets. Each state declares its own (StreamTraits).
#include "engine/budgets/budget.h"
#include "engine/budgets/budget_scope.h"
#include "engine/budgets/streams.h"

namespace ledger::budgets {
namespace {

constexpr StreamType kTypes[] = {
    StreamTypeOf<domain::Budget>(),
    StreamTypeOf<domain::BudgetScope>(),
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::budgets
