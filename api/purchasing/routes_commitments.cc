// Commitments: what confirmed orders commit, grouped for finance.
#include "api/purchasing/routes.h"
#include "api/request_context.h"
#include "projections/purchasing/commitments.h"

namespace ledger::api {

namespace {

// GET /v1/commitments
void ReadCommitments(RequestContext& rc) {
  auto group = SplitComma(Param(rc.req, "group_by").value_or("cost_center"));
  auto rows = QueryCommitments(rc.ctx.store, group);
  if (!rows.ok()) Fail(rows.status());
  Json out = Json::array();
  for (const auto& r : *rows) {
    Json row = {{"currency", r.currency}, {"committed", r.committed}};
    for (const auto& g : group) {
      row[g] = g == "cost_center" ? r.cost_center : g == "supplier" ? r.supplier : r.month;
    }
    out.push_back(row);
  }
  WriteJson(rc.res, 200, Json{{"group_by", group}, {"rows", out}});
}

}  // namespace

void AddCommitmentRoutes(Routes& r) {
  r.Add("GET", "/v1/commitments", {"*"},
      "Committed untaxed amounts grouped by cost_center, supplier and/or month", &ReadCommitments);
}

}  // namespace ledger::api
