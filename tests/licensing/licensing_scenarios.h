// The fixture of the licensing scenario tests: the reference data of the
// house plus licence products, and helpers that create pools of each model.
#pragma once

#include "engine/licensing/commands.h"
#include "events/licensing_events.h"
#include "tests/test_support.h"

namespace ledger::testing {

inline const Actor kLicenceManager{"lina", {"licence_manager"}};
// 2026-01-01..2026-12-31, the term of every pool below.
inline constexpr const char* kTermStart = "2026-01-01";
inline constexpr const char* kTermEnd = "2026-12-31";
inline constexpr int64_t kSecond = 1'000'000;
inline constexpr int64_t kDay = 86'400 * kSecond;

class LicensingScenarios : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    SeedReference();
    for (const char* id : {"SEAT-TOOL", "CAD", "CLOUD"}) {
      events::ProductDefinedT p;
      p.name = id;
      p.kind = "licence";
      p.tax_code = "VAT20";
      p.category = "hardware";
      Ok(domain::DefineReference{id, Def(p), Expect::kNew}, kAdmin);
    }
  }

  static domain::PoolInput Pool(const char* model, const char* quantity,
                                const char* product = "SEAT-TOOL") {
    domain::PoolInput in;
    in.product = product;
    in.vendor = "Figmint";
    in.model = model;
    in.quantity = D(quantity);
    in.term_start = kTermStart;
    in.term_end = kTermEnd;
    in.unit_price = D("180.00");
    in.currency = "EUR";
    in.cost_center = "IT";
    return in;
  }
  static domain::PoolInput SeatPool(const char* quota, const char* policy = "refuse",
                                    const char* basis = "peak") {
    domain::PoolInput in = Pool("seat", quota);
    in.overage_policy = policy;
    in.overage_basis = basis;
    in.overage_unit_price = D("15.00");
    return in;
  }
  static domain::PoolInput ConcurrentPool(const char* limit, int64_t lease_seconds) {
    domain::PoolInput in = Pool("concurrent", limit, "CAD");
    in.lease_seconds = lease_seconds;
    return in;
  }
  static domain::PoolInput UsagePool(const char* included, const char* price) {
    domain::PoolInput in = Pool("usage", "1", "CLOUD");
    in.has_usage = true;
    in.usage_unit = "hours";
    in.usage_included = D(included);
    in.unit_price = D(price);
    return in;
  }

  std::string NewPool(domain::PoolInput in) {
    return Ok(domain::CreateLicencePool{std::move(in)}, kLicenceManager).stream_id;
  }
  const domain::LicencePool& LpState(const std::string& id) {
    return State<domain::LicencePool>("licence_pool", id);
  }
  const domain::Team& TeamState(const std::string& id) { return State<domain::Team>("team", id); }

  template <class C>
  CommandOutcome Do(C c) {
    return When(std::move(c), kLicenceManager);
  }
};

}  // namespace ledger::testing
