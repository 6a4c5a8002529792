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
    return RunAs(engine, domain::CreatePurchaseOrder(h, {}, std::move(lines)), buyer);
  };
  auto act = [&](const std::string& id, auto decide) {
    return RunAs(engine, domain::OnPurchaseOrder(id, decide), buyer).status();
  };
  auto po1 = create("ACME", {Line("LAPTOP-14", "3", "1249.00", "IT"),
                             Line("MONITOR-27", "3", "329.90", "IT", "5")});
  if (!po1.ok()) return po1.status();
  LEDGER_RETURN_IF_ERROR(act(po1->stream_id, [](const domain::PurchaseOrder& po, DecideContext& c) {
    return domain::DecideConfirmPo(po, c);
  }));
  auto po2 = create("GLOBEX", {Line("OFFICE-SEAT", "25", "96.00", "OPS")});
  if (!po2.ok()) return po2.status();
  LEDGER_RETURN_IF_ERROR(act(po2->stream_id, [](const domain::PurchaseOrder& po, DecideContext&) {
    return domain::DecideSendRfq(po);
  }));
  auto po3 = create("INITECH", {Line("SUPPORT-H", "12.5", "110.00", "IT")});
  if (!po3.ok()) return po3.status();
  auto po4 = create("ACME", {Line("MONITOR-27", "1", "329.90", "HR")});
  if (!po4.ok()) return po4.status();
  LEDGER_RETURN_IF_ERROR(act(po4->stream_id, [](const domain::PurchaseOrder& po, DecideContext& c) {
    return domain::DecideCancelPo(po, "ordered by mistake", c);
  }));

  // The purchase-to-pay story: PO 1 received and invoiced (matched,
  // approved, half paid); a request approved by manager and finance,
  // converted, confirmed, partly received and invoiced in full (disputed).
  const Actor rita{"rita", {"requester"}}, bob{"bob", {"approver_manager"}},
      fred{"fred", {"approver_finance"}}, rob{"rob", {"receiver"}}, anna{"anna", {"accountant"}};
  auto receive = [&](const std::string& po, const char* qty) {
    domain::ReceiptInput in{po, today, std::nullopt, {{1, *Decimal::Parse(qty), "", "", "", ""}}};
    return RunAs(engine, NewDocument<domain::Receipt>("", [in](DecideContext& c) {
                 return domain::DecideRecordReceipt(in, c);
               }),
               rob)
        .status();
  };
  auto invoice = [&](const std::string& po, const char* ref, const char* qty, const char* price) {
    domain::SiInput in;
    in.supplier = "ACME";
    in.supplier_ref = ref;
    in.date = today;
    in.purchase_order = po;
    in.lines.push_back({1, "", *Decimal::Parse(qty), *Decimal::Parse(price), std::nullopt});
    return RunAs(engine, NewDocument<domain::SupplierInvoice>("", [in](DecideContext& c) {
                 return domain::DecideCaptureInvoice(in, c);
               }),
               anna);
  };
  auto on_invoice = [&](const std::string& id, const Actor& who, auto decide) {
    return RunAs(engine, OnStream<domain::SupplierInvoice>(id, decide), who)
        .status();
  };
  LEDGER_RETURN_IF_ERROR(receive(po1->stream_id, "3"));
  auto si1 = invoice(po1->stream_id, "ACME-F-1001", "3", "1249.00");
  if (!si1.ok()) return si1.status();
  LEDGER_RETURN_IF_ERROR(on_invoice(si1->stream_id, fred, [](const auto& si, DecideContext& c) {
    return domain::DecideApproveInvoice(si, c);
  }));
  LEDGER_RETURN_IF_ERROR(on_invoice(si1->stream_id, anna, [](const auto& si, DecideContext& c) {
    return domain::DecidePayInvoice(si, {*Decimal::Parse("2000.00"), "bank_transfer", "VIR-0001", ""},
                                    c);
  }));

  domain::PrLineInput want;
  want.product = "LAPTOP-14";
  want.quantity = *Decimal::Parse("2");
  want.estimated_unit_price = *Decimal::Parse("1249.00");
  want.currency = "EUR";
  want.cost_center = "IT";
  domain::PrInput request{"Two laptops for the new developers", {want}, {}};
  auto pr = RunAs(engine, NewDocument<domain::PurchaseRequest>("", [request](DecideContext& c) {
                  return domain::DecideCreatePr(request, c);
                }),
                rita);
  if (!pr.ok()) return pr.status();
  auto on_pr = [&](const Actor& who, auto decide) {
    return RunAs(engine, OnStream<domain::PurchaseRequest>(pr->stream_id, decide),
               who)
        .status();
  };
  LEDGER_RETURN_IF_ERROR(on_pr(rita, [](const auto& r, DecideContext& c) {
    return domain::DecideSubmitPr(r, c);
  }));
  LEDGER_RETURN_IF_ERROR(on_pr(bob, [](const auto& r, DecideContext& c) {
    return domain::DecideApprovePr(r, "for the new team", c);
  }));
  LEDGER_RETURN_IF_ERROR(on_pr(fred, [](const auto& r, DecideContext& c) {
    return domain::DecideApprovePr(r, "", c);
  }));
  LEDGER_RETURN_IF_ERROR(on_pr(buyer, [](const auto& r, DecideContext& c) {
    return domain::DecideConvertPr(r, {}, "ACME", c);
  }));
  auto converted = engine.Load<domain::PurchaseRequest>(pr->stream_id);
  const std::string po5 = converted->orders.at(0);
  LEDGER_RETURN_IF_ERROR(act(po5, [](const domain::PurchaseOrder& po, DecideContext& c) {
    return domain::DecideConfirmPo(po, c);
  }));
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
