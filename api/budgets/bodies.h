// Request bodies parsed into the domain's inputs: what each command route
// reads from its JSON, in one place, so that it can be tested and fuzzed
// without a server (fuzz/body_fuzz.cc).
//
// Contract: each function reads an already parsed `Body` (http.h) and either
// returns the input or throws ApiError (400 `malformed`, naming the field);
// no other exception leaves it. None touches the engine, the log or the
// attachment store; fields are read in the order the routes always read
// them, so the first fault named stays the same.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"
#include "engine/budgets/budget.h"

namespace ledger::api {

// Budgets.
domain::BudgetLineKey ParseBudgetLineKey(const Body& b);

struct NewBudget {
  std::string id, name, currency, policy;
  std::vector<domain::BudgetLineInput> lines;
};
// POST /v1/budgets. The id is read but not checked: the route checks it
// (CheckClientId) before anything else.
NewBudget ParseNewBudget(const Body& b);

struct BudgetAmendment {
  domain::BudgetLineKey line;
  std::string period;
  Decimal delta;
  std::string reason;
};
BudgetAmendment ParseBudgetAmendment(const Body& b);

struct BudgetTransfer {
  domain::BudgetLineKey from, to;
  std::string period;
  Decimal amount;
  std::string reason;
};
BudgetTransfer ParseBudgetTransfer(const Body& b);

}  // namespace ledger::api
