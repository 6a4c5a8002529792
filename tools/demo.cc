// Demo data: a small company buying hardware, software and services from
// three suppliers, with a few purchase orders in different states.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/domain/commands.h"
#include "tools/node.h"

namespace ledger {
namespace {

template <class T>
events::PayloadUnion Def(T t) {
  events::PayloadUnion u;
  u.Set(std::move(t));
  return u;
}

events::CostCenterDefinedT Named(const char* name) {
  events::CostCenterDefinedT t;
  t.name = name;
  return t;
}

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

Status LoadDemoData(Engine& engine) {
  if (engine.Load("settings", domain::kSettingsId)) return Status::Ok();
  const Actor admin{"admin", {"admin"}};
  const Actor buyer{"alice", {"buyer"}};
  auto run = [&](Command c, const Actor& actor) -> Result<CommandOutcome> {
    c.actor = actor;
    auto out = engine.Execute(std::move(c));
    if (!out.status.ok()) return out.status;
    return out;
  };
  auto define = [&](const std::string& id, events::PayloadUnion p) {
    return run(domain::DefineReference(id, std::move(p), Expect::kAny), admin).status();
  };

  events::SettingsDefinedT settings;
  settings.currency = "EUR";
  settings.tax_rounding = "global";
  LEDGER_RETURN_IF_ERROR(define("company", Def(settings)));
  for (auto [id, rate] : {std::pair{"VAT20", "20"}, {"VAT10", "10"}, {"VAT0", "0"}}) {
    events::TaxCodeDefinedT t;
    t.name = std::string("VAT ") + rate + "%";
    t.rate = rate;
    LEDGER_RETURN_IF_ERROR(define(id, Def(t)));
  }
  events::FiscalPositionDefinedT intra_eu;
  intra_eu.name = "Intra-EU reverse charge";
  auto m = std::make_unique<events::TaxMappingT>();
  m->from = "VAT20";
  m->to = "VAT0";
  intra_eu.map.push_back(std::move(m));
  LEDGER_RETURN_IF_ERROR(define("intra_eu", Def(std::move(intra_eu))));
  events::PaymentTermDefinedT net30;
  net30.name = "30 days net";
  net30.kind = "net";
  net30.days = 30;
  LEDGER_RETURN_IF_ERROR(define("net30", Def(net30)));
  for (auto [id, name] : {std::pair{"IT", "Information technology"}, {"OPS", "Operations"},
                          {"HR", "Human resources"}}) {
    LEDGER_RETURN_IF_ERROR(define(id, Def(Named(name))));
  }
  for (auto [id, name] : {std::pair{"hardware", "Hardware"}, {"software", "Software"},
                          {"services", "Services"}}) {
    events::CategoryDefinedT c;
    c.name = name;
    LEDGER_RETURN_IF_ERROR(define(id, Def(c)));
  }
  events::ProjectDefinedT erp;
  erp.name = "ERP roll-out";
  LEDGER_RETURN_IF_ERROR(define("ERP", Def(erp)));

  struct SupplierSpec {
    const char *id, *name, *currency, *billing, *fiscal;
  };
  for (auto s : {SupplierSpec{"ACME", "Acme Computers", "EUR", "received", ""},
                 SupplierSpec{"GLOBEX", "Globex Software", "EUR", "ordered", ""},
                 SupplierSpec{"INITECH", "Initech GmbH", "EUR", "received", "intra_eu"}}) {
    events::SupplierDefinedT t;
    t.name = s.name;
    t.currency = s.currency;
    t.payment_terms = "net30";
    t.billing_method = s.billing;
    t.fiscal_position = s.fiscal;
    t.incoterm = "DAP";
    LEDGER_RETURN_IF_ERROR(define(s.id, Def(t)));
  }
  struct ProductSpec {
    const char *id, *name, *kind, *tax, *category;
  };
  for (auto p : {ProductSpec{"LAPTOP-14", "Laptop 14\"", "good", "VAT20", "hardware"},
                 ProductSpec{"MONITOR-27", "Monitor 27\"", "good", "VAT20", "hardware"},
                 ProductSpec{"OFFICE-SEAT", "Office suite, one seat, one year", "licence", "VAT20",
                             "software"},
                 ProductSpec{"SUPPORT-H", "Support, per hour", "service", "VAT20", "services"}}) {
    events::ProductDefinedT t;
    t.name = p.name;
    t.kind = p.kind;
    t.tax_code = p.tax;
    t.category = p.category;
    if (std::string_view(p.kind) == "licence") t.licence_typology = "intangible";
    LEDGER_RETURN_IF_ERROR(define(p.id, Def(t)));
  }
  struct UserSpec {
    const char *id, *name, *role;
  };
  for (auto u : {UserSpec{"alice", "Alice Buyer", "buyer"},
                 UserSpec{"bob", "Bob Manager", "approver_manager"},
                 UserSpec{"carol", "Carol Auditor", "auditor"},
                 UserSpec{"rita", "Rita Requester", "requester"},
                 UserSpec{"fred", "Fred Finance", "approver_finance"},
                 UserSpec{"rob", "Rob Receiver", "receiver"},
                 UserSpec{"anna", "Anna Accountant", "accountant"}}) {
    events::UserDefinedT t;
    t.name = u.name;
    t.roles = {u.role};
    LEDGER_RETURN_IF_ERROR(define(u.id, Def(t)));
  }

  // Policies (SPEC §4.3, §4.6) and the IT hardware budget of the year.
  events::ApprovalPolicyDefinedT policy;
  for (auto [up_to, levels] :
       {std::pair<const char*, std::vector<std::string>>{"1000", {"manager"}},
        {"10000", {"manager", "finance"}},
        {"", {"manager", "finance", "direction"}}}) {
    auto b = std::make_unique<events::ApprovalBandT>();
    b->up_to = up_to;
    b->levels = levels;
    policy.bands.push_back(std::move(b));
  }
  LEDGER_RETURN_IF_ERROR(define("company", Def(std::move(policy))));
  events::MatchingPolicyDefinedT matching;
  matching.quantity_pct = "0";
  matching.price_pct = "2";
  matching.amount_abs = "5.00";
  matching.over_receipt_pct = "0";
  LEDGER_RETURN_IF_ERROR(define("company", Def(matching)));
  const std::string today = IsoDate(SystemClock().NowMicros());
  const std::string year = today.substr(0, 4);
  domain::BudgetLineInput hardware{{"IT", "hardware", ""}, {}};
  for (int m = 1; m <= 12; ++m) {
    hardware.periods.emplace_back(fmt::format("{}-{:02}", year, m), *Decimal::Parse("20000"));
  }
  LEDGER_RETURN_IF_ERROR(run(domain::NewDocument("budget", "IT-" + year,
                                                 [hardware, year](DecideContext& c) {
                                                   return domain::DecideDefineBudget(
                                                       "IT hardware " + year, "EUR", "block",
                                                       {hardware}, c);
                                                 }),
                             Actor{"fred", {"approver_finance"}})
                             .status());

  // Purchase orders: one confirmed, one with a request for quotation sent,
  // one draft, one cancelled.
  auto create = [&](const char* supplier, std::vector<domain::PoLineInput> lines) {
    domain::PoHeaderInput h;
    h.supplier = supplier;
    return run(domain::CreatePurchaseOrder(h, {}, std::move(lines)), buyer);
  };
  auto act = [&](const std::string& id, auto decide) {
    return run(domain::OnPurchaseOrder(id, decide), buyer).status();
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
    return run(domain::NewDocument("receipt", "", [in](DecideContext& c) {
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
    return run(domain::NewDocument("supplier_invoice", "", [in](DecideContext& c) {
                 return domain::DecideCaptureInvoice(in, c);
               }),
               anna);
  };
  auto on_invoice = [&](const std::string& id, const Actor& who, auto decide) {
    return run(domain::OnStream<domain::SupplierInvoice>("supplier_invoice", id, decide), who)
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
  auto pr = run(domain::NewDocument("purchase_request", "", [request](DecideContext& c) {
                  return domain::DecideCreatePr(request, c);
                }),
                rita);
  if (!pr.ok()) return pr.status();
  auto on_pr = [&](const Actor& who, auto decide) {
    return run(domain::OnStream<domain::PurchaseRequest>("purchase_request", pr->stream_id, decide),
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
  auto converted = engine.Load("purchase_request", pr->stream_id);
  const std::string po5 = StateCast<domain::PurchaseRequest>(converted.get())->orders.at(0);
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

}  // namespace ledger
