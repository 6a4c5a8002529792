// Scenario tests of licence pools (SPEC §4.7, issue 12): given commands, when
// a command, then these events or this rejection, and nothing appended. The
// issue's figures are checked exactly.
#include "tests/licensing/licensing_scenarios.h"

namespace ledger::testing {
namespace {

using domain::LicencePool;
using Types = std::vector<std::string>;

using LicencePoolTest = LicensingScenarios;

// 2026-04-01T09:00:00Z: April 2026 has 30 days.
constexpr int64_t kApril1 = 1775034000LL * kSecond;

TEST_F(LicencePoolTest, CreateNumbersPoolsPerYearAndRecordsTheTerms) {
  Do(domain::CreateLicencePool{SeatPool("50", "allow", "prorated_daily")});
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(last_.stream_id, "LP-2026-00001");
  EXPECT_EQ(appended_types(), (Types{"LicencePoolCreated"}));
  const LicencePool& lp = LpState("LP-2026-00001");
  EXPECT_EQ(lp.status, "active");
  EXPECT_EQ(lp.model, "seat");
  EXPECT_EQ(lp.quota(), 50u);
  EXPECT_EQ(lp.overage_policy, "allow");
  EXPECT_EQ(lp.overage_basis, domain::OverageBasis::kProratedDaily);
  EXPECT_EQ(lp.term_end, kTermEnd);
  // A rejected creation takes no number.
  auto bad = SeatPool("50");
  bad.product = "NOPE";
  Do(domain::CreateLicencePool{bad});
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  EXPECT_EQ(NewPool(SeatPool("5")), "LP-2026-00002");
}

TEST_F(LicencePoolTest, CreateRejectsBadInputAndAppendsNothing) {
  auto with = [&](auto change) {
    domain::PoolInput in = SeatPool("10");
    change(in);
    return Do(domain::CreateLicencePool{in});
  };
  with([](auto& in) { in.product = "LAPTOP"; });
  ExpectRejected(Errc::kRuleViolation, "not_a_licence");
  with([](auto& in) { in.model = "floating"; });
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.quantity = D("0"); });
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  with([](auto& in) { in.quantity = D("2.5"); });
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  with([](auto& in) { in.term_end = kTermStart; });
  ExpectRejected(Errc::kRuleViolation, "invalid_term");
  with([](auto& in) { in.term_end = "2025-12-31"; });
  ExpectRejected(Errc::kRuleViolation, "invalid_term");
  with([](auto& in) { in.term_start = "2026-02-30"; });
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.currency = "EURO"; });
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.unit_price = D("-1"); });
  ExpectRejected(Errc::kRuleViolation, "invalid_price");
  with([](auto& in) { in.cost_center = "NOWHERE"; });
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  with([](auto& in) { in.project = "NOPE"; });
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  with([](auto& in) { in.renew_quantity = "all"; });
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.overage_policy = "maybe"; });
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.overage_basis = "average"; });
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.lease_seconds = 600; });  // not a concurrent pool
  ExpectRejected(Errc::kMalformed);
  with([](auto& in) { in.commitment = D("1000"); });  // not an enterprise pool
  ExpectRejected(Errc::kMalformed);
  // A concurrent pool needs its lease; a usage pool its usage and sane tiers.
  Do(domain::CreateLicencePool{Pool("concurrent", "2", "CAD")});
  ExpectRejected(Errc::kMalformed);
  Do(domain::CreateLicencePool{ConcurrentPool("2", 0)});
  ExpectRejected(Errc::kRuleViolation, "invalid_lease");
  Do(domain::CreateLicencePool{Pool("usage", "1", "CLOUD")});
  ExpectRejected(Errc::kMalformed);
  auto usage = UsagePool("0", "1");
  usage.usage_tiers = {{D("100"), D("1")}, {D("50"), D("0.5")}};
  Do(domain::CreateLicencePool{usage});
  ExpectRejected(Errc::kRuleViolation, "invalid_tiers");
  usage.usage_tiers = {{std::nullopt, D("1")}, {D("50"), D("0.5")}};
  Do(domain::CreateLicencePool{usage});
  ExpectRejected(Errc::kMalformed);
  usage.usage_tiers = {};
  usage.usage_mode = "flat";
  Do(domain::CreateLicencePool{usage});
  ExpectRejected(Errc::kMalformed);
  // A concurrent pool refuses overage options.
  auto cad = ConcurrentPool("2", 600);
  cad.overage_policy = "allow";
  Do(domain::CreateLicencePool{cad});
  ExpectRejected(Errc::kMalformed);
}

TEST_F(LicencePoolTest, SeatsUpToTheQuotaThenRefusedUnderRefuse) {
  auto id = NewPool(SeatPool("2"));
  Do(domain::AssignSeat{id, "ann", ""});
  EXPECT_EQ(appended_types(), (Types{"LicenceSeatAssigned"}));
  Do(domain::AssignSeat{id, "ben", ""});
  Do(domain::AssignSeat{id, "cat", ""});
  ExpectRejected(Errc::kRuleViolation, "quota_exceeded");
  Do(domain::AssignSeat{id, "ann", ""});
  ExpectRejected(Errc::kDuplicate);
  Do(domain::AssignSeat{id, "", ""});
  ExpectRejected(Errc::kMalformed);
  Do(domain::AssignSeat{id, "ann", "design"});
  ExpectRejected(Errc::kMalformed);
  Do(domain::AssignSeat{"LP-2026-09999", "dan", ""});
  ExpectRejected(Errc::kNotFound);
  // Unassigning frees the seat.
  Do(domain::UnassignSeat{id, "ben"});
  EXPECT_EQ(appended_types(), (Types{"LicenceSeatReleased"}));
  Do(domain::UnassignSeat{id, "ben"});
  ExpectRejected(Errc::kNotFound);
  Do(domain::AssignSeat{id, "cat", ""});
  EXPECT_TRUE(last_.status.ok());
  const LicencePool& lp = LpState(id);
  EXPECT_EQ(lp.assigned(), 2u);
  EXPECT_TRUE(lp.seats.contains("ann"));
  EXPECT_TRUE(lp.seats.contains("cat"));
  EXPECT_FALSE(lp.seats.at("cat").overage);
}

TEST_F(LicencePoolTest, BeyondTheQuotaUnderAllowSeatsAreOverage) {
  auto id = NewPool(SeatPool("1", "allow"));
  Ok(domain::AssignSeat{id, "ann", ""}, kLicenceManager);
  Do(domain::AssignSeat{id, "ben", ""});
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  ASSERT_EQ(appended_.size(), 1u);
  const auto* a = events::As<events::LicenceSeatAssigned>(*appended_[0].envelope());
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->overage());
  EXPECT_EQ(a->assigned(), 2u);
  EXPECT_TRUE(LpState(id).seats.at("ben").overage);
}

TEST_F(LicencePoolTest, SeatCommandsNeedASeatPoolInForce) {
  auto cad = NewPool(ConcurrentPool("2", 600));
  Do(domain::AssignSeat{cad, "ann", ""});
  ExpectRejected(Errc::kRuleViolation, "wrong_model");
  auto seats = NewPool(SeatPool("2"));
  Do(domain::CheckOut{seats, "ann", "s1"});
  ExpectRejected(Errc::kRuleViolation, "wrong_model");
  Do(domain::RecordUsage{seats, D("1"), kT0, "m1"});
  ExpectRejected(Errc::kRuleViolation, "wrong_model");
  clock_.Set(kT0 + 365 * kDay);  // 2027: the term has ended
  Do(domain::AssignSeat{seats, "ann", ""});
  ExpectRejected(Errc::kRuleViolation, "term_ended");
}

// The issue's figures: quota 50, 53 seats assigned from day 11 of a 30-day
// month, overage 15.00: peak 45.00, prorated_daily 30.00.
TEST_F(LicencePoolTest, OverageCostOfTheIssuePeakAndProratedDaily) {
  clock_.Set(kApril1);
  auto peak = NewPool(SeatPool("50", "allow", "peak"));
  auto daily = NewPool(SeatPool("50", "allow", "prorated_daily"));
  for (int i = 0; i < 50; ++i) {
    Ok(domain::AssignSeat{peak, "u" + std::to_string(i), ""}, kLicenceManager);
    Ok(domain::AssignSeat{daily, "u" + std::to_string(i), ""}, kLicenceManager);
  }
  clock_.Set(kApril1 + 10 * kDay);  // 2026-04-11
  for (int i = 50; i < 53; ++i) {
    Ok(domain::AssignSeat{peak, "u" + std::to_string(i), ""}, kLicenceManager);
    Ok(domain::AssignSeat{daily, "u" + std::to_string(i), ""}, kLicenceManager);
  }
  auto p = domain::OverageCostOf(LpState(peak), "2026-04");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(2), "45.00");
  auto d = domain::OverageCostOf(LpState(daily), "2026-04");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToString(2), "30.00");
  // March had no overage; May carries the 3 overage seats all month.
  EXPECT_EQ(domain::OverageCostOf(LpState(daily), "2026-03")->ToString(2), "0.00");
  EXPECT_EQ(domain::OverageCostOf(LpState(daily), "2026-05")->ToString(2), "45.00");
}

TEST(LicensingRating, OverageFromSeatDaysAlone) {
  using domain::OverageBasis;
  std::vector<domain::SeatDay> days = {{"2026-03-20", 50, 50}, {"2026-06-11", 53, 53}};
  auto peak = domain::OverageCost(OverageBasis::kPeak, 50, D("15.00"), days, "2026-06-01",
                                  "2026-06-30", 2);
  EXPECT_EQ(peak->ToString(2), "45.00");
  auto daily = domain::OverageCost(OverageBasis::kProratedDaily, 50, D("15.00"), days,
                                   "2026-06-01", "2026-06-30", 2);
  EXPECT_EQ(daily->ToString(2), "30.00");
  // A seat held for part of a day counts that day; the day's end carries on.
  days = {{"2026-06-11", 53, 50}};
  EXPECT_EQ(domain::OverageCost(OverageBasis::kProratedDaily, 50, D("15.00"), days, "2026-06-01",
                                "2026-06-30", 2)
                ->ToString(2),
            "1.50");
  EXPECT_EQ(domain::OverageCost(OverageBasis::kPeak, 50, D("15.00"), days, "2026-06-01",
                                "2026-06-30", 2)
                ->ToString(2),
            "45.00");
}

// The issue's figures: limit 2, lease 600 s; A checks out 10:00:00 and renews
// 10:09:00; B checks out 10:01:00 and never renews; C is refused at 10:05:00
// and granted at 10:11:00 exactly, B's lease recorded as expired then.
TEST_F(LicencePoolTest, ConcurrentLeasesOfTheIssue) {
  const int64_t ten = kT0;  // 2026-03-15T10:00:00Z
  auto id = NewPool(ConcurrentPool("2", 600));
  clock_.Set(ten);
  Do(domain::CheckOut{id, "A", "a1"});
  EXPECT_EQ(appended_types(), (Types{"LicenceCheckedOut"}));
  clock_.Set(ten + 60 * kSecond);
  Do(domain::CheckOut{id, "B", "b1"});
  ASSERT_TRUE(last_.status.ok());
  clock_.Set(ten + 300 * kSecond);
  Do(domain::CheckOut{id, "C", "c1"});
  ExpectRejected(Errc::kRuleViolation, "concurrent_limit");
  clock_.Set(ten + 540 * kSecond);
  Do(domain::RenewLease{id, "a1"});
  EXPECT_EQ(appended_types(), (Types{"LicenceLeaseRenewed"}));
  // One microsecond before B's deadline, B is still active.
  clock_.Set(ten + 660 * kSecond - 1);
  Do(domain::CheckOut{id, "C", "c1"});
  ExpectRejected(Errc::kRuleViolation, "concurrent_limit");
  clock_.Set(ten + 660 * kSecond);
  Do(domain::CheckOut{id, "C", "c1"});
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(), (Types{"LicenceLeaseExpired", "LicenceCheckedOut"}));
  const auto* x = events::As<events::LicenceLeaseExpired>(*appended_[0].envelope());
  EXPECT_EQ(x->session()->str(), "b1");
  EXPECT_EQ(x->expired_at_us(), ten + 660 * kSecond);
  EXPECT_EQ(events::Sv(appended_[0].envelope()->effective_date()), "2026-03-15");
  const LicencePool& lp = LpState(id);
  EXPECT_EQ(domain::ActiveLeases(lp, ten + 660 * kSecond), 2u);
  EXPECT_EQ(lp.leases.at("a1").expires_at_us, ten + 1140 * kSecond);  // 10:09 + 600 s
  EXPECT_EQ(lp.peak_concurrent.at("2026-03"), 2u);
}

TEST_F(LicencePoolTest, LeasesRenewAndCheckIn) {
  auto id = NewPool(ConcurrentPool("1", 600));
  Ok(domain::CheckOut{id, "A", "a1"}, kLicenceManager);
  Do(domain::CheckOut{id, "A", "a1"});
  ExpectRejected(Errc::kDuplicate);
  Do(domain::RenewLease{id, "zz"});
  ExpectRejected(Errc::kNotFound);
  Do(domain::CheckIn{id, "zz"});
  ExpectRejected(Errc::kNotFound);
  Do(domain::CheckOut{id, "", "s"});
  ExpectRejected(Errc::kMalformed);
  clock_.Set(kT0 + 600 * kSecond);  // a1's deadline: no longer renewable
  Do(domain::RenewLease{id, "a1"});
  ExpectRejected(Errc::kRuleViolation, "lease_expired");
  Do(domain::CheckIn{id, "a1"});
  EXPECT_EQ(appended_types(), (Types{"LicenceCheckedIn"}));
  Do(domain::CheckOut{id, "B", "b1"});
  EXPECT_EQ(appended_types(), (Types{"LicenceCheckedOut"}));  // nothing left to expire
}

// The issue's figure: 1,000 h included, 1,234.5 h used at 0.35: 82.08.
TEST_F(LicencePoolTest, UsageIsIdempotentBySourceAndRatedWithItsIncludedQuantity) {
  auto id = NewPool(UsagePool("1000", "0.35"));
  Do(domain::RecordUsage{id, D("1000"), kT0, "meter-1"});
  EXPECT_EQ(appended_types(), (Types{"LicenceUsageRecorded", "LicenceUsageSourceClaimed"}));
  Do(domain::RecordUsage{id, D("234.5"), kT0 + kSecond, "meter-2"});
  ASSERT_TRUE(last_.status.ok());
  // The same source again: accepted, nothing appended.
  Do(domain::RecordUsage{id, D("234.5"), kT0 + kSecond, "meter-2"});
  EXPECT_TRUE(last_.status.ok());
  EXPECT_TRUE(appended_.empty());
  const LicencePool& lp = LpState(id);
  EXPECT_EQ(lp.usage.at("2026-03").ToString(), "1234.5");
  EXPECT_EQ(domain::UsageChargeOf(lp, "2026-03")->ToString(2), "82.08");
  EXPECT_EQ(domain::UsageChargeOf(lp, "2026-04")->ToString(2), "0.00");
  Do(domain::RecordUsage{id, D("0"), kT0, "meter-3"});
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  Do(domain::RecordUsage{id, D("1"), kT0 - 365 * kDay, "meter-4"});
  ExpectRejected(Errc::kRuleViolation, "outside_term");
  Do(domain::RecordUsage{id, D("1"), kT0, ""});
  ExpectRejected(Errc::kMalformed);
}

// The issue's figures: tiers 0.0010 / 0.0008 / 0.0006 / 0.0004 with breaks at
// 10,000 / 50,000 / 100,000 for 65,000 units: volume 39.00, graduated 51.00.
TEST_F(LicencePoolTest, UsageTiersVolumeAndGraduated) {
  std::vector<domain::UsageTier> tiers = {{D("10000"), D("0.0010")},
                                          {D("50000"), D("0.0008")},
                                          {D("100000"), D("0.0006")},
                                          {std::nullopt, D("0.0004")}};
  for (auto [mode, expected] : {std::pair{"volume", "39.00"}, {"graduated", "51.00"}}) {
    auto in = UsagePool("0", "1");
    in.usage_mode = mode;
    in.usage_tiers = tiers;
    auto id = NewPool(in);
    Ok(domain::RecordUsage{id, D("65000"), kT0, "m"}, kLicenceManager);
    EXPECT_EQ(domain::UsageChargeOf(LpState(id), "2026-03")->ToString(2), expected) << mode;
  }
  using domain::UsageMode;
  EXPECT_EQ(domain::RateUsage(D("65000"), D("0"), UsageMode::kVolume, tiers, D("0"), 2)->ToString(2),
            "39.00");
  EXPECT_EQ(
      domain::RateUsage(D("65000"), D("0"), UsageMode::kGraduated, tiers, D("0"), 2)->ToString(2),
      "51.00");
  // At a break exactly, the lower band; beyond the last break, the last price.
  EXPECT_EQ(domain::RateUsage(D("10000"), D("0"), UsageMode::kVolume, tiers, D("0"), 2)->ToString(2),
            "10.00");
  EXPECT_EQ(
      domain::RateUsage(D("200000"), D("0"), UsageMode::kGraduated, tiers, D("0"), 2)->ToString(2),
      "112.00");  // 10 + 32 + 30 + 40
  // Included units are not billed.
  EXPECT_EQ(
      domain::RateUsage(D("900"), D("1000"), UsageMode::kGraduated, tiers, D("0"), 2)->ToString(2),
      "0.00");
}

TEST_F(LicencePoolTest, StatusTableRefusesUseOfAnExpiredPool) {
  EXPECT_TRUE(CheckTransition(domain::kLpUse, domain::LpStatus::kActive).ok());
  EXPECT_TRUE(CheckTransition(domain::kLpUse, domain::LpStatus::kRenewalDue).ok());
  Status s = CheckTransition(domain::kLpUse, domain::LpStatus::kExpired);
  EXPECT_EQ(s.code(), Errc::kInvalidState);
  EXPECT_NE(s.message().find("expired"), std::string::npos);
  EXPECT_TRUE(CheckTransition(domain::kLpRelease, domain::LpStatus::kExpired).ok());
  EXPECT_FALSE(CheckTransition(domain::kLpRenewalDue, domain::LpStatus::kExpired).ok());
}

TEST_F(LicencePoolTest, SnapshotRoundTripsTheWholeState) {
  auto in = UsagePool("10", "1");
  in.usage_tiers = {{D("5"), D("1")}, {std::nullopt, D("0.5")}};
  auto id = NewPool(in);
  Ok(domain::RecordUsage{id, D("12"), kT0, "m"}, kLicenceManager);
  Reopen();
  const LicencePool& lp = LpState(id);
  ASSERT_EQ(lp.usage_tiers.size(), 2u);
  EXPECT_EQ(lp.usage_tiers[0].up_to->ToString(), "5");
  EXPECT_FALSE(lp.usage_tiers[1].up_to.has_value());
  EXPECT_EQ(lp.usage.at("2026-03").ToString(), "12");
  // The claim survives too: the same source still appends nothing.
  Do(domain::RecordUsage{id, D("12"), kT0, "m"});
  EXPECT_TRUE(appended_.empty());
}

}  // namespace
}  // namespace ledger::testing
