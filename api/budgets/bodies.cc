// Request bodies of budgets (see api/budgets/bodies.h).
#include "api/budgets/bodies.h"

#include <memory>

namespace ledger::api {

using namespace domain;  // NOLINT: parsers read as the domain does

// Budgets.

BudgetLineKey ParseBudgetLineKey(const Body& b) {
  return {b.str("cost_center"), b.str("category"), b.opt_str("project").value_or("")};
}

NewBudget ParseNewBudget(const Body& b) {
  NewBudget out;
  out.id = b.str("id");
  for (const auto& l : b.objects("lines")) {
    BudgetLineInput in{ParseBudgetLineKey(l), {}};
    if (!l.has("periods") || !l.json().at("periods").is_object()) {
      FailMalformed("\"periods\" must be an object {\"YYYY-MM\": \"amount\"}");
    }
    Body periods(l.json().at("periods"), "periods.");
    for (const auto& [period, _] : l.json().at("periods").items()) {
      in.periods.emplace_back(period, periods.dec(period.c_str()));
    }
    out.lines.push_back(std::move(in));
  }
  out.name = b.opt_str("name").value_or(out.id);
  out.currency = b.str("currency");
  out.policy = b.str("policy");
  return out;
}

BudgetAmendment ParseBudgetAmendment(const Body& b) {
  BudgetAmendment a;
  a.line = ParseBudgetLineKey(b.object("line"));
  a.period = b.str("period");
  a.delta = b.dec("delta");
  a.reason = b.str("reason");
  return a;
}

BudgetTransfer ParseBudgetTransfer(const Body& b) {
  BudgetTransfer t;
  t.from = ParseBudgetLineKey(b.object("from"));
  t.to = ParseBudgetLineKey(b.object("to"));
  t.period = b.str("period");
  t.amount = b.dec("amount");
  t.reason = b.str("reason");
  return t;
}

}  // namespace ledger::api
