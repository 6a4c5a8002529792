// The list of budgets: name, currency, policy and totals over every line and
// month, filtered by the cost centres, categories and projects they cover.
#include "engine/budgets/listings.h"

#include "engine/budgets/budget.h"

namespace ledger {
namespace budgets {
namespace {

constexpr std::string_view kDates[] = {"created"};
constexpr std::string_view kFilters[] = {"currency", "policy", "cost_center", "category",
                                         "project"};

}  // namespace

constinit const Listing kBudgetListing{"budgets", "budgets", "created", kDates, kFilters};

}  // namespace budgets

namespace domain {

void Describe(const Budget& b, ListEntry& out) {
  out.Filter("currency", b.currency);
  out.Filter("policy", b.policy);
  out.text = b.name;
  // Totals saturate rather than fail: a list shows what it can, the budget's
  // own report is exact.
  Decimal amount, committed, actual;
  for (const auto& [key, cell] : b.cells) {
    const BudgetLineKey line = SplitCellKey(key).first;
    out.Filter("cost_center", line.cost_center);
    out.Filter("category", line.category);
    out.Filter("project", line.project);
    amount = amount.CheckedAdd(cell.amount).value_or(amount);
    committed = committed.CheckedAdd(cell.committed).value_or(committed);
    actual = actual.CheckedAdd(cell.actual).value_or(actual);
  }
  const int digits = CurrencyDigits(b.currency).value_or(2);
  out.summary.Text("name", b.name);
  out.summary.Text("currency", b.currency);
  out.summary.Text("policy", b.policy);
  out.summary.Amount("amount", amount, digits);
  out.summary.Amount("committed", committed, digits);
  out.summary.Amount("actual", actual, digits);
}

}  // namespace domain
}  // namespace ledger
