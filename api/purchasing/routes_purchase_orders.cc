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

}  // namespace

void AddPurchaseOrderRoutes(Routes& r) {
  const std::vector<std::string> buyers = {"buyer"};
  const std::string base = "/v1/purchase-orders";

  r.Add("POST", base, buyers, "Create a draft purchase order", [](RequestContext& rc) {
    NewPurchaseOrder po = ParseNewPurchaseOrder(rc.body());
    rc.Submit(domain::CreatePurchaseOrder(std::move(po.header), po.notes, std::move(po.lines)));
  });

  // Actions without a body: path suffix, summary, decision.
  using Action = std::function<Decision(const PurchaseOrder&, DecideContext&)>;
  auto action = [&](const std::string& suffix, const std::string& summary, Action act) {
    r.Add("POST", base + "/{id}" + suffix, buyers, summary, [act](RequestContext& rc) {
      rc.Submit(domain::OnPurchaseOrder(rc.path(1), act));
    });
  };

  r.Add("POST", base + "/{id}/lines", buyers, "Add a line", [](RequestContext& rc) {
    PoLineInput line = ParseNewPoLine(rc.body());
    rc.Submit(domain::OnPurchaseOrder(
        rc.path(1), [line](const PurchaseOrder& po, DecideContext& ctx) {
          return domain::DecideAddPoLine(po, line, ctx);
        }));
  });
  r.Add("POST", base + "/{id}/lines/{n}/update", buyers, "Change a line", [](RequestContext& rc) {
    uint32_t n = LineNo(rc.path(2));
    PoLineInput line = ParsePoLine(rc.body());
    rc.Submit(domain::OnPurchaseOrder(
        rc.path(1), [n, line](const PurchaseOrder& po, DecideContext& ctx) {
          return domain::DecideUpdatePoLine(po, n, line, ctx);
        }));
  });
  r.Add("POST", base + "/{id}/lines/{n}/remove", buyers, "Remove a line", [](RequestContext& rc) {
    uint32_t n = LineNo(rc.path(2));
    rc.Submit(domain::OnPurchaseOrder(
        rc.path(1),
        [n](const PurchaseOrder& po, DecideContext&) { return domain::DecideRemovePoLine(po, n); }));
  });
  r.Add("POST", base + "/{id}/update", buyers, "Change the header", [](RequestContext& rc) {
    PoHeaderInput h = ParsePoHeader(rc.body());
    if (h.purchase_request) FailMalformed("purchase_request is set at creation only");
    rc.Submit(domain::OnPurchaseOrder(
        rc.path(1), [h](const PurchaseOrder& po, DecideContext& ctx) {
          return domain::DecideUpdatePoHeader(po, h, ctx);
        }));
  });
  action("/send-rfq", "Send the request for quotation",
         [](const PurchaseOrder& po, DecideContext&) { return domain::DecideSendRfq(po); });
  action("/confirm", "Confirm the order (commits the budget)",
         [](const PurchaseOrder& po, DecideContext& ctx) { return domain::DecideConfirmPo(po, ctx); });
  action("/reset-to-draft", "Reset to draft (releases the commitment)",
         [](const PurchaseOrder& po, DecideContext& ctx) { return domain::DecideResetPoToDraft(po, ctx); });
  r.Add("POST", base + "/{id}/cancel", buyers, "Cancel the order", [](RequestContext& rc) {
    std::string reason = rc.optional_field("reason");
    rc.Submit(domain::OnPurchaseOrder(
        rc.path(1), [reason](const PurchaseOrder& po, DecideContext& ctx) {
          return domain::DecideCancelPo(po, reason, ctx);
        }));
  });
  r.Add("POST", base + "/{id}/notes", buyers, "Change the notes (any state)", [](RequestContext& rc) {
    PoNotesInput n = ParsePoNotes(rc.body());
    rc.Submit(domain::OnPurchaseOrder(
        rc.path(1),
        [n](const PurchaseOrder& po, DecideContext&) { return domain::DecideUpdatePoNotes(po, n); }));
  });

  r.AddDocumentReads(base, "purchase_order", "purchase order", PurchaseOrderJson);
}

}  // namespace ledger::api
