// Demo purchasing: a few purchase orders in different states and the
// purchase-to-pay story (a request approved, converted, received and
// invoiced; invoices matched, disputed, approved and half paid).
#include <spdlog/spdlog.h>

#include "engine/clock.h"
#include "engine/purchasing/commands.h"
#include "tools/demo.h"
#include "tools/purchasing/context.h"

namespace ledger::purchasing {
namespace {

domain::PoLineInput Line(const char* product, const char* qty, const char* price,
                         const char* cost_center, const char* discount = "0") {
  domain::PoLineInput l;
  l.product = product;
  l.quantity = *Decimal::Parse(qty);
  l.unit_price = *Decimal::Parse(price);
  l.discount = *Decimal::Parse(discount);
  l.cost_center = cost_center;
  return l;
}

}  // namespace

Status LoadDemo(Engine& engine) {
  const Actor buyer{"alice", {"buyer"}};
  const std::string today = IsoDate(SystemClock().NowMicros());
  const std::string year = today.substr(0, 4);
  // Purchase orders: one confirmed, one with a request for quotation sent,
  // one draft, one cancelled.
  auto create = [&](const char* supplier, std::vector<domain::PoLineInput> lines) {
    domain::PoHeaderInput h;
    h.supplier = supplier;
    return RunAs(engine, domain::CreatePurchaseOrder{h, {}, std::move(lines)}, buyer);
  };
  auto po1 = create("ACME", {Line("LAPTOP-14", "3", "1249.00", "IT"),
                             Line("MONITOR-27", "3", "329.90", "IT", "5")});
  if (!po1.ok()) return po1.status();
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::ConfirmPo{po1->stream_id}, buyer).status());
  auto po2 = create("GLOBEX", {Line("OFFICE-SEAT", "25", "96.00", "OPS")});
  if (!po2.ok()) return po2.status();
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::SendRfq{po2->stream_id}, buyer).status());
  auto po3 = create("INITECH", {Line("SUPPORT-H", "12.5", "110.00", "IT")});
  if (!po3.ok()) return po3.status();
  auto po4 = create("ACME", {Line("MONITOR-27", "1", "329.90", "HR")});
  if (!po4.ok()) return po4.status();
  LEDGER_RETURN_IF_ERROR(
      RunAs(engine, domain::CancelPo{po4->stream_id, "ordered by mistake"}, buyer).status());

  // The purchase-to-pay story: PO 1 received and invoiced (matched,
  // approved, half paid); a request approved by manager and finance,
  // converted, confirmed, partly received and invoiced in full (disputed).
  const Actor rita{"rita", {"requester"}}, bob{"bob", {"approver_manager"}},
      fred{"fred", {"approver_finance"}}, rob{"rob", {"receiver"}}, anna{"anna", {"accountant"}};
  auto receive = [&](const std::string& po, const char* qty) {
    domain::ReceiptInput in{po, today, std::nullopt, {{1, *Decimal::Parse(qty), "", "", "", ""}}};
    return RunAs(engine, domain::RecordReceipt{std::move(in)}, rob).status();
  };
  auto invoice = [&](const std::string& po, const char* ref, const char* qty, const char* price) {
    domain::SiInput in;
    in.supplier = "ACME";
    in.supplier_ref = ref;
    in.date = today;
    in.purchase_order = po;
    in.lines.push_back({1, "", *Decimal::Parse(qty), *Decimal::Parse(price), std::nullopt});
    return RunAs(engine, domain::CaptureInvoice{std::move(in)}, anna);
  };
  LEDGER_RETURN_IF_ERROR(receive(po1->stream_id, "3"));
  auto si1 = invoice(po1->stream_id, "ACME-F-1001", "3", "1249.00");
  if (!si1.ok()) return si1.status();
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::ApproveInvoice{si1->stream_id}, fred).status());
  const domain::PaymentInput half{*Decimal::Parse("2000.00"), "bank_transfer", "VIR-0001", ""};
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::PayInvoice{si1->stream_id, half}, anna).status());

  domain::PrLineInput want;
  want.product = "LAPTOP-14";
  want.quantity = *Decimal::Parse("2");
  want.estimated_unit_price = *Decimal::Parse("1249.00");
  want.currency = "EUR";
  want.cost_center = "IT";
  domain::PrInput request{"Two laptops for the new developers", {want}, {}};
  auto pr = RunAs(engine, domain::CreatePr{request}, rita);
  if (!pr.ok()) return pr.status();
  const std::string& pr_id = pr->stream_id;
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::SubmitPr{pr_id}, rita).status());
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::ApprovePr{pr_id, "for the new team"}, bob).status());
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::ApprovePr{pr_id, ""}, fred).status());
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::ConvertPr{pr_id, {}, "ACME"}, buyer).status());
  auto converted = engine.Load<domain::PurchaseRequest>(pr->stream_id);
  const std::string po5 = converted->orders.at(0);
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::ConfirmPo{po5}, buyer).status());
  LEDGER_RETURN_IF_ERROR(receive(po5, "1"));
  auto si2 = invoice(po5, "ACME-F-1002", "2", "1249.00");
  if (!si2.ok()) return si2.status();

  spdlog::info("demo data loaded: suppliers ACME, GLOBEX, INITECH; orders {} {} {} {} {}; "
               "request {}; invoices {} (half paid) {} (disputed); budget IT-{}",
               po1->stream_id, po2->stream_id, po3->stream_id, po4->stream_id, po5,
               pr->stream_id, si1->stream_id, si2->stream_id, year);
  return Status::Ok();
}

}  // namespace ledger::purchasing
