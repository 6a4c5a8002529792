// Demo reference data: a small company buying hardware, software and
// services from three suppliers; its tax codes, cost centres, products,
// users and policies.
#include "engine/reference/commands.h"
#include "tools/demo.h"
#include "tools/reference/context.h"

namespace ledger::reference {
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

}  // namespace

bool HasDemo(const Engine& engine) {
  return engine.Load(domain::kReferenceType<events::SettingsDefined>, domain::kSettingsId) !=
         nullptr;
}

Status LoadDemo(Engine& engine) {
  const Actor admin{"admin", {"admin"}};
  auto define = [&](const std::string& id, events::PayloadUnion p) {
    return RunAs(engine, domain::DefineReference{id, std::move(p), Expect::kAny}, admin).status();
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
  return Status::Ok();
}

}  // namespace ledger::reference
