// The stream types of budgets. Each state declares its own (StreamTraits);
// budgets are listed.
#include "engine/budgets/budget.h"
#include "engine/budgets/budget_scope.h"
#include "engine/budgets/listings.h"
#include "engine/budgets/streams.h"

namespace ledger::budgets {
namespace {

constexpr StreamType kTypes[] = {
    Listed(StreamTypeOf<domain::Budget>(), &kBudgetListing),
    StreamTypeOf<domain::BudgetScope>(),
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::budgets
