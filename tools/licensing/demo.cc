// Demo licensing: the products it licenses, a seat pool for the Design team
// with its assignment policy (overage allowed), a concurrent CAD pool with
// two sessions, and a metered cloud API with tiers and some usage.
#include "engine/clock.h"
#include "engine/licensing/commands.h"
#include "engine/reference/commands.h"
#include "events/reference_events.h"
#include "tools/demo.h"
#include "tools/licensing/context.h"

namespace ledger::licensing {
namespace {

Decimal D(const char* text) { return *Decimal::Parse(text); }

}  // namespace

Status LoadDemo(Engine& engine) {
  const Actor admin{"admin", {"admin"}};
  const Actor manager{"lina", {"licence_manager"}};
  const int64_t now = SystemClock().NowMicros();
  const std::string year = IsoDate(now).substr(0, 4);
  for (auto [id, name] : {std::pair{"DESIGN-SEAT", "Design tool, one named seat"},
                          {"CAD-FLOAT", "CAD, one concurrent session"},
                          {"CLOUD-API", "Cloud API, metered"}}) {
    events::ProductDefinedT p;
    p.name = name;
    p.kind = "licence";
    p.tax_code = "VAT20";
    p.category = "software";
    p.licence_typology = "intangible";
    events::ReferenceEventUnion u;
    u.Set(std::move(p));
    LEDGER_RETURN_IF_ERROR(
        RunAs(engine, domain::DefineReference{id, std::move(u), Expect::kAny}, admin).status());
  }
  auto pool = [&](const char* product, const char* vendor, const char* model, const char* qty,
                  const char* price) {
    domain::PoolInput in;
    in.product = product;
    in.vendor = vendor;
    in.model = model;
    in.quantity = D(qty);
    in.term_start = year + "-01-01";
    in.term_end = year + "-12-31";
    in.unit_price = D(price);
    in.currency = "EUR";
    in.auto_renew = true;
    in.notice_days = 90;
    in.cost_center = "IT";
    return in;
  };
  domain::PoolInput seats = pool("DESIGN-SEAT", "Figmint", "seat", "3", "180.00");
  seats.overage_policy = "allow";
  seats.overage_unit_price = D("15.00");
  seats.overage_basis = "prorated_daily";
  auto design = RunAs(engine, domain::CreateLicencePool{seats}, manager);
  if (!design.ok()) return design.status();

  domain::PoolInput cad = pool("CAD-FLOAT", "Autodraft", "concurrent", "2", "2400.00");
  cad.lease_seconds = 600;
  auto cad_pool = RunAs(engine, domain::CreateLicencePool{cad}, manager);
  if (!cad_pool.ok()) return cad_pool.status();

  domain::PoolInput api = pool("CLOUD-API", "Nimbus", "usage", "1", "0.0010");
  api.auto_renew = false;
  api.has_usage = true;
  api.usage_unit = "calls";
  api.usage_mode = "graduated";
  api.usage_included = D("1000");
  api.usage_tiers = {{D("10000"), D("0.0010")}, {D("50000"), D("0.0008")},
                     {D("100000"), D("0.0006")}, {std::nullopt, D("0.0004")}};
  auto api_pool = RunAs(engine, domain::CreateLicencePool{api}, manager);
  if (!api_pool.ok()) return api_pool.status();

  // The Design team: its policy gives each member a seat; the fourth is an
  // overage seat.
  LEDGER_RETURN_IF_ERROR(RunAs(engine, domain::DefineTeam{"design", "Design"}, manager).status());
  LEDGER_RETURN_IF_ERROR(RunAs(engine,
                               domain::DefineAssignmentPolicy{"design-tools", "design", "",
                                                              {design->stream_id}},
                               manager)
                             .status());
  for (const char* user : {"dora", "dan", "dina", "drew"}) {
    LEDGER_RETURN_IF_ERROR(
        RunAs(engine, domain::AddTeamMember{"design", user}, manager).status());
  }
  LEDGER_RETURN_IF_ERROR(
      RunAs(engine, domain::CheckOut{cad_pool->stream_id, "carl", "ws-17"}, manager).status());
  LEDGER_RETURN_IF_ERROR(
      RunAs(engine, domain::CheckOut{cad_pool->stream_id, "cleo", "ws-21"}, manager).status());
  int n = 0;
  for (const char* qty : {"4200", "18000", "9500"}) {
    domain::RecordUsage u{api_pool->stream_id, D(qty), now, "demo-meter-" + std::to_string(++n)};
    LEDGER_RETURN_IF_ERROR(RunAs(engine, std::move(u), manager).status());
  }
  return Status::Ok();
}

}  // namespace ledger::licensing
