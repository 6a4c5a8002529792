// Purchase orders: creation, edits, the RFQ, confirmation, cancellation.
#include <fmt/format.h>

#include "api/purchasing/bodies.h"
#include "api/purchasing/routes.h"
#include "api/request_context.h"
#include "engine/purchasing/commands.h"

namespace ledger::api {
namespace {

using domain::PoHeaderInput;
using domain::PoLineInput;
using domain::PoNotesInput;
using domain::PoStatus;
using domain::PurchaseOrder;

uint32_t LineNo(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
    FailMalformed("line numbers are positive integers");
  }
  return static_cast<uint32_t>(std::stoul(text));
}

Json StepsJson(const PurchaseOrder& po) {
  Json steps = Json::object();
  for (const auto& [name, step] : po.steps) {
    steps[name] = {{"at", IsoTimestamp(step.at_us)}, {"actor", step.actor}};
  }
  return steps;
}

// What is still to receive, one expected receipt per warehouse and date (as
// Open-Prod prepares them at confirmation).
Json PendingReceiptsJson(const PurchaseOrder& po) {
  Json out = Json::array();
  if (po.status != PoStatus::kConfirmed && po.status != PoStatus::kPartiallyReceived) return out;
  std::map<std::pair<std::string, std::string>, Json> groups;
  for (const auto& l : po.lines) {
    auto left = l.quantity.CheckedSub(l.received);
    if (!left || *left <= Decimal()) continue;
    std::string date = l.expected_date.empty() ? po.expected_date : l.expected_date;
    Json& g = groups[{l.warehouse, date}];
    if (g.is_null()) g = {{"warehouse", l.warehouse}, {"date", date}, {"lines", Json::array()}};
    g["lines"].push_back({{"line", l.line_no}, {"quantity", left->ToString()}});
  }
  for (auto& [k, g] : groups) out.push_back(std::move(g));
  return out;
}

Json PurchaseOrderJson(const std::string& id, const AggregateState& state) {
  const auto& po = *StateCast<PurchaseOrder>(&state);
  auto amounts = domain::Amounts(po);
  if (!amounts.ok()) Fail(amounts.status());
  Json lines = Json::array();
  for (size_t i = 0; i < po.lines.size(); ++i) {
    const auto& l = po.lines[i];
    lines.push_back({{"n", l.line_no},
                     {"product", l.product},
                     {"description", l.description},
                     {"quantity", l.quantity.ToString()},
                     {"unit_price", l.unit_price.ToString()},
                     {"discount", l.discount.ToString()},
                     {"tax_code", l.tax_code},
                     {"tax_rate", l.tax_rate.ToString()},
                     {"cost_center", l.cost_center},
                     {"project", l.project},
                     {"category", l.category},
                     {"expected_date", l.expected_date},
                     {"warehouse", l.warehouse},
                     {"request_line", l.request_line},
                     {"received", l.received.ToString()},
                     {"invoiced", l.invoiced.ToString()},
                     {"subtotal", amounts->lines[i].subtotal.ToString(po.digits)},
                     {"tax", amounts->lines[i].tax.ToString(po.digits)},
                     {"total", amounts->lines[i].total.ToString(po.digits)}});
  }
  return Json{{"id", id},
              {"status", Label(po.status)},
              {"version", state.version},
              {"supplier", po.supplier},
              {"currency", po.currency},
              {"tax_rounding", po.tax_rounding},
              {"payment_terms", po.payment_terms},
              {"billing_method", po.billing_method},
              {"incoterm", po.incoterm},
              {"fiscal_position", po.fiscal_position},
              {"purchase_request", po.purchase_request},
              {"expected_date", po.expected_date},
              {"notes",
               {{"supplier", po.note_supplier},
                {"receipt", po.note_receipt},
                {"billing", po.note_billing},
                {"internal", po.note_internal}}},
              {"lines", lines},
              {"totals",
               {{"untaxed", amounts->untaxed.ToString(po.digits)},
                {"tax", amounts->tax.ToString(po.digits)},
                {"total", amounts->total.ToString(po.digits)}}},
              {"steps", StepsJson(po)},
              {"invoices", po.invoices},
              {"pending_receipts", PendingReceiptsJson(po)}};
}

domain::CreatePurchaseOrder ParseCreatePurchaseOrder(const RequestContext& rc) {
  NewPurchaseOrder po = ParseNewPurchaseOrder(rc.body());
  return {std::move(po.header), std::move(po.notes), std::move(po.lines)};
}
domain::AddPoLine ParseAddPoLine(const RequestContext& rc) {
  return {rc.path(1), ParseNewPoLine(rc.body())};
}
domain::UpdatePoLine ParseUpdatePoLine(const RequestContext& rc) {
  return {rc.path(1), LineNo(rc.path(2)), ParsePoLine(rc.body())};
}
domain::RemovePoLine ParseRemovePoLine(const RequestContext& rc) {
  return {rc.path(1), LineNo(rc.path(2))};
}
domain::UpdatePoHeader ParseUpdatePoHeader(const RequestContext& rc) {
  PoHeaderInput h = ParsePoHeader(rc.body());
  if (h.purchase_request) FailMalformed("purchase_request is set at creation only");
  return {rc.path(1), std::move(h)};
}
domain::SendRfq ParseSendRfq(const RequestContext& rc) { return {rc.path(1)}; }
domain::ConfirmPo ParseConfirmPo(const RequestContext& rc) { return {rc.path(1)}; }
domain::ResetPoToDraft ParseResetPoToDraft(const RequestContext& rc) { return {rc.path(1)}; }
domain::CancelPo ParseCancelPo(const RequestContext& rc) {
  return {rc.path(1), rc.optional_field("reason")};
}
domain::UpdatePoNotes ParseUpdatePoNotes(const RequestContext& rc) {
  return {rc.path(1), ParsePoNotes(rc.body())};
}

}  // namespace

void AddPurchaseOrderRoutes(Routes& r) {
  const std::vector<std::string> buyers = {"buyer"};
  const std::string base = "/v1/purchase-orders";

  r.Command("POST", base, buyers, "Create a draft purchase order", &ParseCreatePurchaseOrder);
  r.Command("POST", base + "/{id}/lines", buyers, "Add a line", &ParseAddPoLine);
  r.Command("POST", base + "/{id}/lines/{n}/update", buyers, "Change a line", &ParseUpdatePoLine);
  r.Command("POST", base + "/{id}/lines/{n}/remove", buyers, "Remove a line", &ParseRemovePoLine);
  r.Command("POST", base + "/{id}/update", buyers, "Change the header", &ParseUpdatePoHeader);
  r.Command("POST", base + "/{id}/send-rfq", buyers, "Send the request for quotation",
            &ParseSendRfq);
  r.Command("POST", base + "/{id}/confirm", buyers, "Confirm the order (commits the budget)",
            &ParseConfirmPo);
  r.Command("POST", base + "/{id}/reset-to-draft", buyers,
            "Reset to draft (releases the commitment)", &ParseResetPoToDraft);
  r.Command("POST", base + "/{id}/cancel", buyers, "Cancel the order", &ParseCancelPo);
  r.Command("POST", base + "/{id}/notes", buyers, "Change the notes (any state)",
            &ParseUpdatePoNotes);

  r.AddDocumentReads<PurchaseOrder>(base, "purchase order", PurchaseOrderJson);
}

}  // namespace ledger::api
