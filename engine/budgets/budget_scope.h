// Budget scopes (SPEC §4.2), stream `budget_scope/<cost centre>`: which
// budget holds each line and month of a cost centre, so that one line and
// month belongs to one budget only and any document finds its budget with one
// lookup. A budget claims its lines' months when defined, amended or given a
// transfer.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/aggregate.h"
#include "engine/budgets/budget.h"

namespace ledger::domain {

struct BudgetScope {
  static constexpr StreamTraits kStream = {
      .type = "budget_scope", .topic = Topic::kBudgets, .series = "", .snapshot_format = 1};
  // "category\x1fproject\x1fYYYY-MM" -> budget id.
  std::map<std::string, std::string> owner;
};
void Apply(BudgetScope& s, const events::Envelope& e);
std::string_view Label(const BudgetScope& s);
template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, BudgetScope> {
  a(s.owner);
}
bool Valid(const BudgetScope& s);

// The budget that holds a line's month ("YYYY-MM"), or "".
std::string BudgetOwnerOf(DecideContext& ctx, const BudgetLineKey& line, std::string_view period);

// The event that claims `periods` of a line for `budget`; budget_overlap if
// another budget holds one of them.
Result<NewEvent> ClaimBudgetScope(DecideContext& ctx, const std::string& budget,
                                  const BudgetLineKey& line,
                                  const std::vector<std::string>& periods);

}  // namespace ledger::domain
