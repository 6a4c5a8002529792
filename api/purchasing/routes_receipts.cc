// Receipts of goods and services against confirmed orders.
#include <fmt/format.h>

#include "api/request_context.h"
#include "api/purchasing/bodies.h"
#include "api/purchasing/routes.h"
#include "engine/purchasing/commands.h"

namespace ledger::api {

namespace {

using namespace domain;  // NOLINT: route handlers read as the domain does

Json ReceiptJson(const std::string& id, const AggregateState& state) {
  const auto& r = *StateCast<Receipt>(&state);
  Json lines = Json::array();
  for (const auto& l : r.lines) {
    Json j{{"line", l.line_no}, {"quantity", l.quantity.ToString()}};
    if (!l.acceptance.empty()) {
      j["period_from"] = l.period_from;
      j["period_to"] = l.period_to;
      j["proof"] = l.proof;
      j["acceptance"] = l.acceptance;
    }
    lines.push_back(std::move(j));
  }
  return Json{{"id", id},
              {"version", state.version},
              {"purchase_order", r.purchase_order},
              {"date", r.date},
              {"warehouse", r.warehouse},
              {"lines", lines}};
}

RecordReceipt ParseRecordReceipt(const RequestContext& rc) { return {ParseReceipt(rc.body())}; }

}  // namespace

void AddReceiptRoutes(Routes& r) {
  r.Command("POST", "/v1/receipts", {"receiver", "buyer"},
            "Record goods or services received against a confirmed order", &ParseRecordReceipt);
  r.AddDocumentReads<Receipt>("/v1/receipts", "receipt", ReceiptJson);
}

}  // namespace ledger::api
