#include "benchmarks/purchasing/fixtures.h"

#include <cstdio>
#include <cstdlib>

namespace ledger::bench::purchasing {
namespace {

domain::PoLineInput BenchLine(int i) {
  domain::PoLineInput l;
  l.product = "LAPTOP";
  l.quantity = Decimal::FromInt(1 + i % 5);
  l.unit_price = *Decimal::Parse("1249.99");
  l.cost_center = "IT";
  return l;
}

}  // namespace

void Must(Engine& engine, Command c, const Actor& actor) {
  c.actor = actor;
  auto out = engine.Execute(std::move(c));
  if (!out.status.ok()) {
    std::fprintf(stderr, "set-up: %s\n", out.status.ToString().c_str());
    std::abort();
  }
}

void SeedReference(Engine& engine) {
  events::SettingsDefinedT s;
  s.currency = "EUR";
  s.tax_rounding = "global";
  Define(engine, "company", s);
  events::TaxCodeDefinedT vat;
  vat.rate = "20";
  Define(engine, "VAT20", vat);
  events::CostCenterDefinedT cc;
  cc.name = "IT";
  Define(engine, "IT", cc);
  events::SupplierDefinedT sup;
  sup.name = "Acme";
  sup.currency = "EUR";
  sup.billing_method = "received";
  Define(engine, "ACME", sup);
  events::ProductDefinedT prod;
  prod.name = "Laptop";
  prod.kind = "good";
  prod.tax_code = "VAT20";
  Define(engine, "LAPTOP", prod);
}

Command NextOrderCommand(int step, const std::string& order, int n) {
  if (step == 0) {
    domain::PoHeaderInput h;
    h.supplier = "ACME";
    return ToCommand(domain::CreatePurchaseOrder{h, {}, {BenchLine(n)}});
  }
  if (step < 3) return ToCommand(domain::AddPoLine{order, BenchLine(n)});
  return ToCommand(domain::ConfirmPo{order});
}

}  // namespace ledger::bench::purchasing
