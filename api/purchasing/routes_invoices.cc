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

CaptureInvoice ParseCaptureInvoice(const RequestContext& rc) {
  return {ParseSupplierInvoice(rc.body())};
}
AcceptDifference ParseAcceptDifference(const RequestContext& rc) {
  return {rc.path(1), rc.body().str("reason")};
}
RecordCreditNote ParseRecordCreditNote(const RequestContext& rc) {
  return {rc.path(1), ParseCreditNote(rc.body())};
}
ApproveInvoice ParseApproveInvoice(const RequestContext& rc) { return {rc.path(1)}; }
PayInvoice ParsePayInvoice(const RequestContext& rc) {
  return {rc.path(1), ParsePayment(rc.body())};
}
CancelInvoice ParseCancelInvoice(const RequestContext& rc) {
  return {rc.path(1), rc.optional_field("reason")};
}

// GET /v1/matching/stats
void ReadMatchingStats(RequestContext& rc) {
  auto s = QueryMatchingStats(rc.ctx.store);
  if (!s.ok()) Fail(s.status());
  WriteJson(rc.res, 200,
            Json{{"invoices", s->invoices},
                 {"three_way", s->three_way},
                 {"three_way_without_dispute", s->three_way_clean},
                 {"three_way_match_rate", s->three_way_match_rate},
                 {"disputed_now", s->disputed_now},
                 {"ever_disputed", s->ever_disputed}});
}

}  // namespace

void AddInvoiceRoutes(Routes& r) {
  const std::string sis = "/v1/supplier-invoices";
  r.Command("POST", sis, {"accountant"}, "Capture a supplier invoice (matched at once)",
            &ParseCaptureInvoice);
  r.Command("POST", sis + "/{id}/accept-difference", kFinance,
            "Accept a disputed difference (approver recorded)", &ParseAcceptDifference);
  r.Command("POST", sis + "/{id}/credit-notes", {"accountant"},
            "Record the supplier's credit note", &ParseRecordCreditNote);
  r.Command("POST", sis + "/{id}/approve", {"approver_finance", "approver_direction", "accountant"},
            "Approve a matched invoice for payment", &ParseApproveInvoice);
  r.Command("POST", sis + "/{id}/payments", {"accountant"},
            "Record a payment (partial payments allowed)", &ParsePayInvoice);
  r.Command("POST", sis + "/{id}/cancel", {"accountant"},
            "Cancel an unpaid invoice (gives the budget back)", &ParseCancelInvoice);
  r.AddDocumentReads<SupplierInvoice>(sis, "supplier invoice", InvoiceJson);
  r.Add("GET", "/v1/matching/stats", {"*"}, "Match rates: 3-way matched without dispute",
      &ReadMatchingStats);
}

}  // namespace ledger::api
