// Licence pools (SPEC §4.7, issue 12): an entitlement bought from a vendor,
// numbered LP-YYYY-NNNNN, of one model:
//  - seat: named users up to the quota; beyond it overage seats under the
//    policy `allow`, or 422 `quota_exceeded` under `refuse`;
//  - concurrent: sessions checked out up to the limit; a lease is active
//    while now < last renewal + lease_seconds (the command's clock); at the
//    limit an expired lease is freed (LicenceLeaseExpired at its deadline),
//    otherwise 422 `concurrent_limit`;
//  - usage: metered units, idempotent by source id, rated per month with the
//    included quantity and tiers (rating.h);
//  - enterprise: seats like `seat`, with an annual commitment (true-up is
//    for a later milestone).
// Status: active -> renewal_due -> expired, and back to active by a renewal
// (the renewals run comes in a later milestone; the table is declared now).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/licensing/rating.h"
#include "engine/lifecycle.h"

namespace ledger::domain {

enum class LpStatus : uint8_t { kActive, kRenewalDue, kExpired };
inline constexpr StatusLabels<LpStatus, 3> kLpStatusLabels = {{"active", "renewal_due", "expired"}};
constexpr std::string_view Label(LpStatus s) { return kLpStatusLabels[s]; }

enum class LicenceModel : uint8_t { kSeat, kConcurrent, kUsage, kEnterprise };
inline constexpr StatusLabels<LicenceModel, 4> kLicenceModelLabels = {
    {"seat", "concurrent", "usage", "enterprise"}};
constexpr std::string_view Label(LicenceModel m) { return kLicenceModelLabels[m]; }

// The steps of a pool's lifecycle (engine/lifecycle.h). Seats, leases and
// usage move while the pool is in force; an expired pool only reads.
inline constexpr Transition<LpStatus> kLpUse = {
    .from = {LpStatus::kActive, LpStatus::kRenewalDue},
    .to = {LpStatus::kActive, LpStatus::kRenewalDue},
    .refusal = "the pool is {}: seats, sessions and usage move only while it is in force"};
// Releasing a seat or a session is always possible, even once expired.
inline constexpr Transition<LpStatus> kLpRelease = {
    .from = {LpStatus::kActive, LpStatus::kRenewalDue, LpStatus::kExpired},
    .to = {LpStatus::kActive, LpStatus::kRenewalDue, LpStatus::kExpired},
    .refusal = "a {} pool cannot release"};
inline constexpr Transition<LpStatus> kLpRenewalDue = {
    .from = {LpStatus::kActive},
    .to = {LpStatus::kRenewalDue},
    .refusal = "only an active pool becomes renewal_due; it is {}"};
inline constexpr Transition<LpStatus> kLpRenew = {
    .from = {LpStatus::kActive, LpStatus::kRenewalDue, LpStatus::kExpired},
    .to = {LpStatus::kActive},
    .refusal = "a {} pool cannot be renewed"};
inline constexpr Transition<LpStatus> kLpExpire = {
    .from = {LpStatus::kActive, LpStatus::kRenewalDue},
    .to = {LpStatus::kExpired},
    .refusal = "a {} pool cannot expire"};

struct Seat {
  int64_t since_us = 0;
  std::string since_date;  // effective date of the assignment
  std::string team, policy;
  bool overage = false;
};

struct Lease {
  std::string user;
  int64_t checked_out_us = 0;
  int64_t expires_at_us = 0;  // last renewal + lease_seconds
};

struct LicencePool {
  static constexpr StreamTraits kStream = {.type = "licence_pool",
                                           .topic = Topic::kLicensing,
                                           .series = "LP",
                                           .snapshot_format = 1};
  LpStatus status = LpStatus::kActive;
  LicenceModel model = LicenceModel::kSeat;
  std::string product, vendor;
  Decimal quantity;  // seat quota, concurrent limit or licensed quantity
  std::string term_start, term_end;
  Decimal unit_price;
  std::string currency;
  int digits = 2;
  bool auto_renew = false;
  uint32_t notice_days = 0;
  std::string renew_quantity = "quota";
  std::string overage_policy = "refuse";  // "refuse" | "allow"
  Decimal overage_unit_price;
  OverageBasis overage_basis = OverageBasis::kPeak;
  int64_t lease_seconds = 0;
  std::string usage_unit;
  Decimal usage_included;
  UsageMode usage_mode = UsageMode::kGraduated;
  std::vector<UsageTier> usage_tiers;
  Decimal commitment;
  std::string cost_center, project;
  int64_t created_us = 0;

  std::map<std::string, Seat> seats;          // by user
  std::vector<SeatDay> seat_days;             // the days assignments changed
  std::map<std::string, Lease> leases;        // by session
  std::map<std::string, uint32_t> peak_concurrent;  // by period "YYYY-MM"
  std::map<std::string, Decimal> usage;       // used units by period "YYYY-MM"
  uint64_t refusals = 0;                      // seats a policy could not give

  // Whole seats of the quota (the quantity is a whole number for seat pools).
  uint32_t quota() const;
  uint32_t assigned() const { return static_cast<uint32_t>(seats.size()); }
};

void Apply(LicencePool& lp, const events::Envelope& e);
std::string_view Label(const LicencePool& lp);
// Listed in licence-pools (listings.cc).
void Describe(const LicencePool& lp, ListEntry& out);

template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, Seat> {
  a(s.since_us, s.since_date, s.team, s.policy, s.overage);
}
template <class A, class Self>
void Fields(A& a, Self& l) requires std::is_same_v<std::remove_const_t<Self>, Lease> {
  a(l.user, l.checked_out_us, l.expires_at_us);
}
template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, SeatDay> {
  a(d.date, d.max_assigned, d.end_assigned);
}
template <class A, class Self>
void Fields(A& a, Self& t) requires std::is_same_v<std::remove_const_t<Self>, UsageTier> {
  bool bounded = t.up_to.has_value();
  Decimal up_to = t.up_to.value_or(Decimal());
  a(bounded, up_to, t.unit_price);
  if constexpr (!std::is_const_v<Self>) t.up_to = bounded ? std::optional<Decimal>(up_to) : std::nullopt;
}
template <class A, class Self>
void Fields(A& a, Self& lp) requires std::is_same_v<std::remove_const_t<Self>, LicencePool> {
  a(lp.status, lp.model, lp.product, lp.vendor, lp.quantity, lp.term_start, lp.term_end,
    lp.unit_price, lp.currency, lp.digits, lp.auto_renew, lp.notice_days, lp.renew_quantity,
    lp.overage_policy, lp.overage_unit_price, lp.overage_basis, lp.lease_seconds, lp.usage_unit,
    lp.usage_included, lp.usage_mode, lp.usage_tiers, lp.commitment, lp.cost_center, lp.project,
    lp.created_us, lp.seats, lp.seat_days, lp.leases, lp.peak_concurrent, lp.usage, lp.refusals);
}
bool Valid(const LicencePool& lp);

// The leases active at `now_us` (now < expiry).
uint32_t ActiveLeases(const LicencePool& lp, int64_t now_us);
// Overage cost and usage charge of the month "YYYY-MM".
Result<Decimal> OverageCostOf(const LicencePool& lp, const std::string& period);
Result<Decimal> UsageChargeOf(const LicencePool& lp, const std::string& period);

// Who claimed a usage source id: stream `licence_usage_source/<pool>/<source id>`.
struct UsageSource {
  static constexpr StreamTraits kStream = {.type = "licence_usage_source",
                                           .topic = Topic::kLicensing,
                                           .series = "",
                                           .snapshot_format = 1};
  std::string pool;
};
void Apply(UsageSource& s, const events::Envelope& e);
std::string_view Label(const UsageSource& s);
template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, UsageSource> {
  a(s.pool);
}
bool Valid(const UsageSource& s);

// Command inputs, parsed from JSON by the API.
struct PoolInput {
  std::string product, vendor, model;
  Decimal quantity;
  std::string term_start, term_end;
  Decimal unit_price;
  std::string currency;
  bool auto_renew = false;
  uint32_t notice_days = 0;
  std::string renew_quantity = "quota";
  std::optional<std::string> overage_policy, overage_basis;
  std::optional<Decimal> overage_unit_price;
  std::optional<int64_t> lease_seconds;
  bool has_usage = false;
  std::string usage_unit, usage_mode = "graduated";
  Decimal usage_included;
  std::vector<UsageTier> usage_tiers;
  std::optional<Decimal> commitment;
  std::string cost_center, project;
};

// The commands on pools (engine/commands.h), each with its Decide.
struct CreateLicencePool {
  using Target = LicencePool;
  PoolInput pool;
};
// A seat for `user`, or one per current member of `team` (exactly one is set).
struct AssignSeat {
  using Target = LicencePool;
  std::string pool;
  std::string user, team;
  static constexpr auto kStreamId = &AssignSeat::pool;
};
struct UnassignSeat {
  using Target = LicencePool;
  std::string pool;
  std::string user;
  static constexpr auto kStreamId = &UnassignSeat::pool;
};
struct CheckOut {
  using Target = LicencePool;
  std::string pool;
  std::string user, session;
  static constexpr auto kStreamId = &CheckOut::pool;
};
struct RenewLease {
  using Target = LicencePool;
  std::string pool;
  std::string session;
  static constexpr auto kStreamId = &RenewLease::pool;
};
struct CheckIn {
  using Target = LicencePool;
  std::string pool;
  std::string session;
  static constexpr auto kStreamId = &CheckIn::pool;
};
// Usage `quantity` at `at_us`; a `source_id` already recorded appends nothing.
struct RecordUsage {
  using Target = LicencePool;
  std::string pool;
  Decimal quantity;
  int64_t at_us = 0;
  std::string source_id;
  static constexpr auto kStreamId = &RecordUsage::pool;
};

Decision Decide(const CreateLicencePool& cmd, DecideContext& ctx);
Decision Decide(const LicencePool& lp, const AssignSeat& cmd, DecideContext& ctx);
Decision Decide(const LicencePool& lp, const UnassignSeat& cmd, DecideContext& ctx);
Decision Decide(const LicencePool& lp, const CheckOut& cmd, DecideContext& ctx);
Decision Decide(const LicencePool& lp, const RenewLease& cmd, DecideContext& ctx);
Decision Decide(const LicencePool& lp, const CheckIn& cmd, DecideContext& ctx);
Decision Decide(const LicencePool& lp, const RecordUsage& cmd, DecideContext& ctx);

// For commands of other streams that move a pool (a team's members): the
// event giving `user` a seat in pool `id` (to the pool's stream), or the
// refusal to record (LicenceSeatRefused) when the pool cannot give it.
// `extra` seats are already given by the same command. Nothing when the
// user already holds a seat.
std::vector<NewEvent> SeatForMember(const LicencePool& lp, const std::string& id,
                                    const std::string& user, const std::string& team,
                                    const std::string& policy, uint32_t extra,
                                    DecideContext& ctx);
// The events releasing every seat and lease `user` holds in pool `id`
// (to the pool's stream), with `reason`.
std::vector<NewEvent> ReleaseHolder(const LicencePool& lp, const std::string& id,
                                    const std::string& user, const std::string& team,
                                    const std::string& reason);

}  // namespace ledger::domain
