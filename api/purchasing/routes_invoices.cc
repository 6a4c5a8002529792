// Supplier invoices: capture with matching, differences, credit notes, approval,
// payments, cancellation, and the match rates.
#include <fmt/format.h>

#include "api/request_context.h"
#include "api/purchasing/bodies.h"
#include "api/purchasing/routes.h"
#include "engine/purchasing/commands.h"
#include "projections/purchasing/matching.h"

namespace ledger::api {

namespace {

using namespace domain;  // NOLINT: route handlers read as the domain does

const std::vector<std::string> kFinance = {"approver_finance", "approver_direction"};

Json DiscrepanciesJson(const std::vector<SiDiscrepancy>& ds) {
  Json out = Json::array();
  for (const auto& d : ds) {
    out.push_back({{"line", d.line}, {"kind", d.kind}, {"expected", d.expected},
                   {"invoiced", d.invoiced}});
  }
  return out;
}

Json InvoiceJson(const std::string& id, const AggregateState& state) {
  const auto& si = *StateCast<SupplierInvoice>(&state);
  auto money = [&](const Decimal& d) { return d.ToString(si.digits); };
  Json lines = Json::array();
  for (const auto& l : si.lines) {
    lines.push_back({{"n", l.line_no},
                     {"po_line", l.po_line},
                     {"description", l.description},
                     {"quantity", l.quantity.ToString()},
                     {"unit_price", l.unit_price.ToString()},
                     {"tax_code", l.tax_code},
                     {"untaxed", money(l.untaxed)},
                     {"cost_center", l.cost_center},
                     {"category", l.category},
                     {"project", l.project},
                     {"credited_quantity", l.credited_quantity.ToString()},
                     {"credited_amount", money(l.credited_amount)}});
  }
  Json j{{"id", id},
         {"status", Label(si.status)},
         {"version", state.version},
         {"supplier", si.supplier},
         {"supplier_ref", si.supplier_ref},
         {"date", si.date},
         {"due_date", si.due_date},
         {"currency", si.currency},
         {"rate", si.rate.ToString()},
         {"purchase_order", si.purchase_order},
         {"match",
          {{"mode", si.match_mode},
           {"discrepancies", DiscrepanciesJson(si.discrepancies)},
           {"accepted_by", si.accepted_by}}},
         {"lines", lines},
         {"totals", {{"untaxed", money(si.untaxed)}, {"tax", money(si.tax)}, {"total", money(si.total)}}},
         {"credited", money(si.credited_total)},
         {"paid", money(si.paid)},
         {"remaining", money(Remaining(si))},
         {"credit_notes", si.credit_notes},
         {"captured_by", si.capturer}};
  if (!si.stated_total.empty()) {
    j["stated_totals"] = {{"untaxed", si.stated_untaxed}, {"tax", si.stated_tax},
                          {"total", si.stated_total}};
  }
  return j;
}

}  // namespace

void AddInvoiceRoutes(Routes& r) {
  const std::string sis = "/v1/supplier-invoices";
  r.Add("POST", sis, {"accountant"}, "Capture a supplier invoice (matched at once)",
      [](RequestContext& rc) {
        SiInput in = ParseSupplierInvoice(rc.body());
        rc.Submit(NewDocument<SupplierInvoice>("", [in](DecideContext& ctx) {
          return DecideCaptureInvoice(in, ctx);
        }));
      });
  using SiAction = std::function<Decision(const SupplierInvoice&, DecideContext&)>;
  auto si_action = [&r, sis](const std::string& suffix, std::vector<std::string> roles,
                               const std::string& summary,
                               std::function<SiAction(RequestContext&)> make) {
    r.Add("POST", sis + "/{id}" + suffix, std::move(roles), summary, [make](RequestContext& rc) {
      rc.Submit(OnStream<SupplierInvoice>(rc.path(1), make(rc)));
    });
  };
  si_action("/accept-difference", kFinance, "Accept a disputed difference (approver recorded)",
            [](RequestContext& rc) -> SiAction {
              std::string reason = rc.body().str("reason");
              return [reason](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideAcceptDifference(si, reason, ctx);
              };
            });
  si_action("/credit-notes", {"accountant"}, "Record the supplier's credit note",
            [](RequestContext& rc) -> SiAction {
              CreditNoteInput in = ParseCreditNote(rc.body());
              return [in](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideCreditNote(si, in, ctx);
              };
            });
  si_action("/approve", {"approver_finance", "approver_direction", "accountant"},
            "Approve a matched invoice for payment", [](RequestContext&) -> SiAction {
              return [](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideApproveInvoice(si, ctx);
              };
            });
  si_action("/payments", {"accountant"}, "Record a payment (partial payments allowed)",
            [](RequestContext& rc) -> SiAction {
              PaymentInput p = ParsePayment(rc.body());
              return [p](const SupplierInvoice& si, DecideContext& ctx) {
                return DecidePayInvoice(si, p, ctx);
              };
            });
  si_action("/cancel", {"accountant"}, "Cancel an unpaid invoice (gives the budget back)",
            [](RequestContext& rc) -> SiAction {
              std::string reason = rc.optional_field("reason");
              return [reason](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideCancelInvoice(si, reason, ctx);
              };
            });
  r.AddDocumentReads(sis, "supplier_invoice", "supplier invoice", InvoiceJson);
  r.Add("GET", "/v1/matching/stats", {"*"}, "Match rates: 3-way matched without dispute",
      [](RequestContext& rc) {
        auto s = QueryMatchingStats(rc.ctx.store);
        if (!s.ok()) Fail(s.status());
        WriteJson(rc.res, 200,
                  Json{{"invoices", s->invoices},
                       {"three_way", s->three_way},
                       {"three_way_without_dispute", s->three_way_clean},
                       {"three_way_match_rate", s->three_way_match_rate},
                       {"disputed_now", s->disputed_now},
                       {"ever_disputed", s->ever_disputed}});
      });
}

}  // namespace ledger::api
