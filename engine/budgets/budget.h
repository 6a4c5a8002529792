// Budgets and the budget ledger (SPEC §4.2).
//
// A budget (stream `budget/<id>`, topic ledger.budgets) has lines, cost
// centre × purchase category × optional project, each with an amount per
// month, in the company currency. Its state keeps, per line and month, the
// amount and what the ledger has committed (confirmed order lines not yet
// invoiced) and spent (actual): available = amount − committed − actual.
//
// Which budget holds a line and month is kept per cost centre
// (engine/budgets/budget_scope.h), so one line and month belongs to one
// budget only and any document finds its budget with one lookup.
//
// Other documents move the ledger through BudgetMovements: an order's
// confirmation commits, an invoice moves committed to actual, cancellations
// and credit notes release. Under a `block` policy a commitment (or a
// request's submission, through CheckBudget) that exceeds the available
// amount is refused with `budget_exceeded`; under `warn` it goes through and
// a BudgetWarningRecorded event keeps the figures.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/aggregate.h"

namespace ledger::domain {

struct BudgetLineKey {
  std::string cost_center, category, project;
  auto operator<=>(const BudgetLineKey&) const = default;
};

struct BudgetCell {
  Decimal amount, committed, actual;
};
// amount − committed − actual.
Decimal Available(const BudgetCell& c);

struct Budget {
  static constexpr StreamTraits kStream = {
      .type = "budget", .topic = Topic::kBudgets, .series = "", .snapshot_format = 1};
  std::string name, currency, policy;
  // "cost_center\x1fcategory\x1fproject\x1fYYYY-MM" -> figures.
  std::map<std::string, BudgetCell> cells;
};

void Apply(Budget& b, const events::Envelope& e);
std::string_view Label(const Budget& b);
// Listed in budgets (listings.cc).
void Describe(const Budget& b, ListEntry& out);
template <class A, class Self>
void Fields(A& a, Self& c) requires std::is_same_v<std::remove_const_t<Self>, BudgetCell> {
  a(c.amount, c.committed, c.actual);
}
template <class A, class Self>
void Fields(A& a, Self& b) requires std::is_same_v<std::remove_const_t<Self>, Budget> {
  a(b.name, b.currency, b.policy, b.cells);
}
bool Valid(const Budget& b);

std::string CellKey(const BudgetLineKey& line, std::string_view period);
// "cost_center/category[/project]", as messages name a line.
std::string LineName(const BudgetLineKey& line);
// Splits a cell key back into its line and period.
std::pair<BudgetLineKey, std::string> SplitCellKey(const std::string& key);
// "YYYY-MM"
bool IsPeriod(std::string_view text);

struct BudgetLineInput {
  BudgetLineKey line;
  std::vector<std::pair<std::string, Decimal>> periods;  // "YYYY-MM" -> amount
};

// The commands on budgets (engine/commands.h), each with its Decide. A
// budget is named by the client: `budget` is its id.
struct DefineBudget {
  using Target = Budget;
  std::string budget;
  std::string name, currency, policy;
  std::vector<BudgetLineInput> lines;
  static constexpr auto kStreamId = &DefineBudget::budget;
};
struct AmendBudget {
  using Target = Budget;
  std::string budget;
  BudgetLineKey line;
  std::string period;  // "YYYY-MM"
  Decimal delta;
  std::string reason;
  static constexpr auto kStreamId = &AmendBudget::budget;
};
struct TransferBudget {
  using Target = Budget;
  std::string budget;
  BudgetLineKey from, to;
  std::string period;  // "YYYY-MM"
  Decimal amount;
  std::string reason;
  static constexpr auto kStreamId = &TransferBudget::budget;
};

Decision Decide(const DefineBudget& cmd, DecideContext& ctx);
Decision Decide(const Budget& b, const AmendBudget& cmd, DecideContext& ctx);
Decision Decide(const Budget& b, const TransferBudget& cmd, DecideContext& ctx);

// What a document does to the budget ledger, line by line.
struct BudgetUse {
  BudgetLineKey line;
  std::string period;      // "YYYY-MM"
  Decimal amount;          // company currency
  Decimal source_amount;   // document currency
  uint32_t source_line = 0;
};
struct BudgetSource {
  std::string type, id, supplier, currency;
  Decimal rate;
};
enum class Movement { kCommit, kReleaseCommitment, kActual, kReleaseActual };

// The events `uses` add to the budgets holding their lines (lines no budget
// holds have no budget effect). With `check`, each budget's policy applies to
// the cells the uses increase.
Result<std::vector<NewEvent>> BudgetMovements(DecideContext& ctx, Movement kind,
                                              const BudgetSource& source,
                                              const std::vector<BudgetUse>& uses, bool check);
// The policy check alone (a request's submission): warnings or a refusal.
Result<std::vector<NewEvent>> CheckBudget(DecideContext& ctx, const BudgetSource& source,
                                          const std::vector<BudgetUse>& uses);

}  // namespace ledger::domain
