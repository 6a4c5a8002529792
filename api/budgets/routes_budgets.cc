// Budgets: creation, amendments, transfers and the report of a budget.
#include <fmt/format.h>

#include "api/request_context.h"
#include "api/budgets/bodies.h"
#include "api/budgets/routes.h"
#include "engine/budgets/budget.h"
#include "engine/commands.h"
#include "projections/budgets/budget_ledger.h"

namespace ledger::api {

namespace {

using namespace domain;  // NOLINT: route handlers read as the domain does

const std::vector<std::string> kFinance = {"approver_finance", "approver_direction"};

Json BudgetJson(const std::string& id, const AggregateState& state) {
  const auto& b = *StateCast<Budget>(&state);
  std::map<std::string, Json> lines;  // by line key, in key order
  for (const auto& [key, cell] : b.cells) {
    auto [line, period] = SplitCellKey(key);
    std::string lk = line.cost_center + '\x1f' + line.category + '\x1f' + line.project;
    Json& l = lines[lk];
    if (l.is_null()) {
      l = {{"cost_center", line.cost_center},
           {"category", line.category},
           {"project", line.project},
           {"periods", Json::object()}};
    }
    Decimal available = Available(cell);
    l["periods"][period] = {{"amount", Digits(cell.amount, b.currency)},
                            {"committed", Digits(cell.committed, b.currency)},
                            {"actual", Digits(cell.actual, b.currency)},
                            {"available", Digits(available, b.currency)}};
  }
  Json arr = Json::array();
  for (auto& [k, l] : lines) arr.push_back(std::move(l));
  return Json{{"id", id},        {"version", state.version}, {"name", b.name},
              {"currency", b.currency}, {"policy", b.policy},     {"lines", arr}};
}

Json ReportRowJson(const BudgetReportRow& r, const std::vector<std::string>& group_by) {
  Json j = Json::object();
  for (const auto& g : group_by) {
    if (g == "cost_center") j[g] = r.cost_center;
    if (g == "category") j[g] = r.category;
    if (g == "project") j[g] = r.project;
    if (g == "month") j[g] = r.month;
    if (g == "supplier") j[g] = r.supplier;
  }
  j["amount"] = r.amount;
  j["committed"] = r.committed;
  j["actual"] = r.actual;
  j["available"] = r.available;
  return j;
}

DefineBudget ParseDefineBudget(const RequestContext& rc) {
  Body b = rc.body();
  // The id is checked before the rest of the body is read.
  CheckClientId(b.str("id"));
  NewBudget nb = ParseNewBudget(b);
  return {std::move(nb.id), std::move(nb.name), std::move(nb.currency), std::move(nb.policy),
          std::move(nb.lines)};
}
AmendBudget ParseAmendBudget(const RequestContext& rc) {
  BudgetAmendment a = ParseBudgetAmendment(rc.body());
  return {rc.path(1), std::move(a.line), std::move(a.period), a.delta, std::move(a.reason)};
}
TransferBudget ParseTransferBudget(const RequestContext& rc) {
  BudgetTransfer t = ParseBudgetTransfer(rc.body());
  return {rc.path(1), std::move(t.from), std::move(t.to), std::move(t.period), t.amount,
          std::move(t.reason)};
}

// GET /v1/budgets/{id}/report
void ReadBudgetReport(RequestContext& rc) {
  std::vector<std::string> group_by;
  if (auto g = Param(rc.req, "group_by")) {
    size_t start = 0;
    while (start <= g->size()) {
      size_t comma = g->find(',', start);
      std::string part =
          g->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) group_by.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::optional<int64_t> as_of;
  if (auto t = Param(rc.req, "as_of")) {
    int64_t us = 0;
    if (!ParseTimestamp(*t, &us)) FailMalformed("as_of must be an RFC 3339 timestamp");
    as_of = us;
  }
  auto report = QueryBudgetReport(rc.ctx.store, rc.path(1), group_by, as_of);
  if (!report.ok()) Fail(report.status());
  Json rows = Json::array();
  for (const auto& r : report->rows) rows.push_back(ReportRowJson(r, group_by));
  Json out{{"budget", rc.path(1)},
           {"currency", report->currency},
           {"group_by", group_by},
           {"rows", rows},
           {"total", ReportRowJson(report->total, {})}};
  if (as_of) out["as_of"] = IsoTimestamp(*as_of);
  WriteJson(rc.res, 200, out);
}

}  // namespace

void AddBudgetRoutes(Routes& r) {
  r.Command("POST", "/v1/budgets", kFinance, "Create a budget with its lines and monthly amounts",
            &ParseDefineBudget);
  r.Command("POST", "/v1/budgets/{id}/amend", kFinance, "Increase or decrease a line's month",
            &ParseAmendBudget);
  r.Command("POST", "/v1/budgets/{id}/transfer", kFinance, "Move an amount between two lines",
            &ParseTransferBudget);
  r.AddDocumentReads<Budget>("/v1/budgets", "budget", BudgetJson);
  r.Add("GET", "/v1/budgets/{id}/report", {"*"},
      "Amount, committed, actual and available, grouped (?group_by=, ?as_of=)", &ReadBudgetReport);
}

}  // namespace ledger::api
