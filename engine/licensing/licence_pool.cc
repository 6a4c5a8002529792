#include "engine/licensing/licence_pool.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/clock.h"
#include "engine/licensing/team.h"
#include "engine/money.h"
#include "engine/reference/reference_entity.h"
#include "events/licensing_events.h"
#include "events/reference_events.h"

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

// Bounds on what one pool holds, so that a state stays small enough to
// decide against: ids and the tiers of a price list.
constexpr size_t kIdBytesMax = 128;
constexpr size_t kTiersMax = 32;
constexpr uint32_t kSeatsMax = 1'000'000;
constexpr int64_t kLeaseSecondsMax = 366LL * 86'400;

Status CheckId(const std::string& value, const char* field) {
  if (value.empty()) return Status::Malformed(std::string("missing ") + field);
  if (value.size() > kIdBytesMax) {
    return Status::Malformed(std::string(field) + " is longer than 128 bytes");
  }
  return Status::Ok();
}

Status WrongModel(const LicencePool& lp, std::string_view wanted) {
  return Status::Rule("wrong_model",
                      fmt::format("this is a {} pool; the command needs a {} pool",
                                  Label(lp.model), wanted),
                      {{"model", std::string(Label(lp.model))}});
}

bool UsesSeats(const LicencePool& lp) {
  return lp.model == LicenceModel::kSeat || lp.model == LicenceModel::kEnterprise;
}

// A pool's seats, leases and usage move only within its term (dates
// inclusive) while it is in force.
Status CheckInForce(const LicencePool& lp, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckTransition(kLpUse, lp.status));
  const std::string today = ctx.today();
  if (today > lp.term_end) {
    return Status::Rule("term_ended", "the pool's term ended on " + lp.term_end,
                        {{"term_end", lp.term_end}});
  }
  if (today < lp.term_start) {
    return Status::Rule("term_not_started", "the pool's term starts on " + lp.term_start,
                        {{"term_start", lp.term_start}});
  }
  return Status::Ok();
}

// Whether one more seat (beyond `extra` already given by the command) is
// within the quota, an overage the policy allows, or refused.
Result<bool> NextSeatIsOverage(const LicencePool& lp, uint32_t extra) {
  const uint32_t after = lp.assigned() + extra + 1;
  if (after > kSeatsMax) return Status::Rule("too_many_seats", "a pool holds at most 1000000 seats");
  if (after <= lp.quota()) return false;
  if (lp.overage_policy != "allow") {
    return Status::Rule("quota_exceeded",
                        fmt::format("the pool's quota of {} seats is used", lp.quota()),
                        {{"quota", std::to_string(lp.quota())},
                         {"assigned", std::to_string(lp.assigned() + extra)}});
  }
  return true;
}

NewEvent Assigned(const std::string& user, const std::string& team, const std::string& policy,
                  bool overage, uint32_t assigned) {
  events::LicenceSeatAssignedT a;
  a.user = user;
  a.team = team;
  a.policy = policy;
  a.overage = overage;
  a.assigned = assigned;
  return Emit(a);
}

std::string PeriodOf(int64_t us) { return IsoDate(us).substr(0, 7); }

void SeatCountChanged(LicencePool& lp, const std::string& date, uint32_t assigned) {
  if (lp.seat_days.empty() || lp.seat_days.back().date != date) {
    lp.seat_days.push_back({date, assigned, assigned});
  } else {
    auto& d = lp.seat_days.back();
    d.max_assigned = std::max(d.max_assigned, assigned);
    d.end_assigned = assigned;
  }
}

Status CheckPoolInput(const PoolInput& in, DecideContext& ctx, LicenceModel* model, int* digits) {
  LEDGER_RETURN_IF_ERROR(CheckId(in.product, "product"));
  LEDGER_RETURN_IF_ERROR(CheckId(in.vendor, "vendor"));
  auto m = kLicenceModelLabels.Parse(in.model);
  if (!m) return Status::Malformed("model must be seat, concurrent, usage or enterprise");
  *model = *m;
  const auto* product = FindReference<events::ProductDefined>(ctx, in.product);
  if (product == nullptr) return UnknownReference<events::ProductDefined>(in.product);
  if (Sv(product->kind()) != "licence") {
    return Status::Rule("not_a_licence",
                        "product \"" + in.product + "\" is of kind " + Str(product->kind()) +
                            ", not licence",
                        {{"product", in.product}});
  }
  if (in.quantity <= Decimal() || !in.quantity.HasDigitsAtMost(0)) {
    return Status::Rule("invalid_quantity", "quantity must be a positive whole number",
                        {{"quantity", in.quantity.ToString()}});
  }
  if (in.quantity > Decimal::FromInt(kSeatsMax)) {
    return Status::Rule("invalid_quantity", "quantity must be at most 1000000",
                        {{"quantity", in.quantity.ToString()}});
  }
  LEDGER_RETURN_IF_ERROR(CheckIsoDate(in.term_start, "term.start"));
  LEDGER_RETURN_IF_ERROR(CheckIsoDate(in.term_end, "term.end"));
  if (in.term_end <= in.term_start) {
    return Status::Rule("invalid_term", "term.end must be after term.start",
                        {{"start", in.term_start}, {"end", in.term_end}});
  }
  if (in.unit_price.is_negative()) {
    return Status::Rule("invalid_price", "unit_price must not be negative");
  }
  auto d = CurrencyDigits(in.currency);
  if (!d) return Status::Malformed("unknown ISO 4217 currency \"" + in.currency + "\"");
  *digits = *d;
  if (in.renew_quantity != "quota" && in.renew_quantity != "assigned") {
    return Status::Malformed("renew_quantity must be quota or assigned");
  }
  if (in.notice_days > 3660) return Status::Malformed("notice_days must be at most 3660");
  const bool seats = *m == LicenceModel::kSeat || *m == LicenceModel::kEnterprise;
  if (in.overage_policy) {
    if (!seats) return Status::Malformed("overage applies to seat and enterprise pools");
    if (*in.overage_policy != "refuse" && *in.overage_policy != "allow") {
      return Status::Malformed("overage.policy must be refuse or allow");
    }
    if (in.overage_basis && *in.overage_basis != "peak" && *in.overage_basis != "prorated_daily") {
      return Status::Malformed("overage.basis must be peak or prorated_daily");
    }
    if (*in.overage_policy == "allow" && !in.overage_unit_price) {
      return Status::Malformed("overage.unit_price is required with policy allow");
    }
    if (in.overage_unit_price && in.overage_unit_price->is_negative()) {
      return Status::Rule("invalid_price", "overage.unit_price must not be negative");
    }
  }
  if (*m == LicenceModel::kConcurrent) {
    if (!in.lease_seconds) return Status::Malformed("a concurrent pool needs lease_seconds");
    if (*in.lease_seconds <= 0 || *in.lease_seconds > kLeaseSecondsMax) {
      return Status::Rule("invalid_lease", "lease_seconds must be between 1 and 31622400");
    }
  } else if (in.lease_seconds) {
    return Status::Malformed("lease_seconds applies to concurrent pools");
  }
  if (*m == LicenceModel::kUsage) {
    if (!in.has_usage) return Status::Malformed("a usage pool needs usage");
  } else if (in.has_usage) {
    return Status::Malformed("usage applies to usage pools");
  }
  if (in.has_usage) {
    LEDGER_RETURN_IF_ERROR(CheckId(in.usage_unit, "usage.unit"));
    if (in.usage_mode != "graduated" && in.usage_mode != "volume") {
      return Status::Malformed("usage.mode must be graduated or volume");
    }
    if (in.usage_included.is_negative()) {
      return Status::Rule("invalid_quantity", "usage.included must not be negative");
    }
    if (in.usage_tiers.size() > kTiersMax) return Status::Malformed("at most 32 usage tiers");
    Decimal below;
    for (size_t i = 0; i < in.usage_tiers.size(); ++i) {
      const auto& t = in.usage_tiers[i];
      const bool last = i + 1 == in.usage_tiers.size();
      if (t.unit_price.is_negative()) {
        return Status::Rule("invalid_price", "a tier's unit_price must not be negative");
      }
      if (!t.up_to && !last) return Status::Malformed("only the last tier has up_to null");
      if (t.up_to && *t.up_to <= below) {
        return Status::Rule("invalid_tiers", "tiers' up_to must be positive and increasing");
      }
      if (t.up_to) below = *t.up_to;
    }
  }
  if (in.commitment) {
    if (*m != LicenceModel::kEnterprise) {
      return Status::Malformed("commitment applies to enterprise pools");
    }
    if (in.commitment->is_negative()) {
      return Status::Rule("invalid_price", "commitment.amount must not be negative");
    }
  }
  if (!in.cost_center.empty() && !FindReference<events::CostCenterDefined>(ctx, in.cost_center)) {
    return UnknownReference<events::CostCenterDefined>(in.cost_center);
  }
  if (!in.project.empty() && !FindReference<events::ProjectDefined>(ctx, in.project)) {
    return UnknownReference<events::ProjectDefined>(in.project);
  }
  return Status::Ok();
}

}  // namespace

uint32_t LicencePool::quota() const {
  return static_cast<uint32_t>(quantity.units() / Decimal::FromInt(1).units());
}

void Apply(LicencePool& lp, const events::Envelope& e) {
  const std::string date = Str(e.effective_date());
  switch (events::TypeOf<events::LicensingEvent>(e)) {
    case events::LicensingEvent::LicencePoolCreated: {
      const auto* p = events::As<events::LicencePoolCreated>(e);
      lp.status = LpStatus::kActive;
      lp.model = kLicenceModelLabels.Parse(Sv(p->model())).value_or(LicenceModel::kSeat);
      lp.product = Str(p->product());
      lp.vendor = Str(p->vendor());
      lp.quantity = Dec(p->quantity());
      lp.term_start = Str(p->term_start());
      lp.term_end = Str(p->term_end());
      lp.unit_price = Dec(p->unit_price());
      lp.currency = Str(p->currency());
      lp.digits = p->currency_digits();
      lp.auto_renew = p->auto_renew();
      lp.notice_days = p->notice_days();
      lp.renew_quantity = Str(p->renew_quantity());
      lp.overage_policy = Str(p->overage_policy());
      lp.overage_unit_price = Dec(p->overage_unit_price());
      lp.overage_basis = Sv(p->overage_basis()) == "prorated_daily" ? OverageBasis::kProratedDaily
                                                                    : OverageBasis::kPeak;
      lp.lease_seconds = static_cast<int64_t>(p->lease_seconds());
      lp.usage_unit = Str(p->usage_unit());
      lp.usage_included = Dec(p->usage_included());
      lp.usage_mode = Sv(p->usage_mode()) == "volume" ? UsageMode::kVolume : UsageMode::kGraduated;
      lp.usage_tiers.clear();
      if (p->usage_tiers()) {
        for (const auto* t : *p->usage_tiers()) {
          UsageTier tier;
          if (!Sv(t->up_to()).empty()) tier.up_to = Dec(t->up_to());
          tier.unit_price = Dec(t->unit_price());
          lp.usage_tiers.push_back(tier);
        }
      }
      lp.commitment = Dec(p->commitment());
      lp.cost_center = Str(p->cost_center());
      lp.project = Str(p->project());
      lp.created_us = e.recorded_at_us();
      break;
    }
    case events::LicensingEvent::LicenceSeatAssigned: {
      const auto* a = events::As<events::LicenceSeatAssigned>(e);
      lp.status = Enter(kLpUse, lp.status, lp.status);
      lp.seats[Str(a->user())] = {e.recorded_at_us(), date, Str(a->team()), Str(a->policy()),
                                  a->overage()};
      SeatCountChanged(lp, date, lp.assigned());
      break;
    }
    case events::LicensingEvent::LicenceSeatReleased: {
      const auto* r = events::As<events::LicenceSeatReleased>(e);
      lp.status = Enter(kLpRelease, lp.status, lp.status);
      lp.seats.erase(Str(r->user()));
      SeatCountChanged(lp, date, lp.assigned());
      break;
    }
    case events::LicensingEvent::LicenceSeatRefused:
      ++lp.refusals;
      break;
    case events::LicensingEvent::LicenceCheckedOut: {
      const auto* c = events::As<events::LicenceCheckedOut>(e);
      lp.status = Enter(kLpUse, lp.status, lp.status);
      lp.leases[Str(c->session())] = {Str(c->user()), e.recorded_at_us(),
                                      c->lease_expires_at_us()};
      uint32_t& peak = lp.peak_concurrent[PeriodOf(e.recorded_at_us())];
      peak = std::max(peak, c->active());
      break;
    }
    case events::LicensingEvent::LicenceLeaseRenewed: {
      const auto* r = events::As<events::LicenceLeaseRenewed>(e);
      lp.status = Enter(kLpUse, lp.status, lp.status);
      if (auto it = lp.leases.find(Str(r->session())); it != lp.leases.end()) {
        it->second.expires_at_us = r->lease_expires_at_us();
      }
      break;
    }
    case events::LicensingEvent::LicenceCheckedIn:
      lp.status = Enter(kLpRelease, lp.status, lp.status);
      lp.leases.erase(Str(events::As<events::LicenceCheckedIn>(e)->session()));
      break;
    case events::LicensingEvent::LicenceLeaseExpired:
      lp.leases.erase(Str(events::As<events::LicenceLeaseExpired>(e)->session()));
      break;
    case events::LicensingEvent::LicenceUsageRecorded: {
      const auto* u = events::As<events::LicenceUsageRecorded>(e);
      lp.status = Enter(kLpUse, lp.status, lp.status);
      AddTo(lp.usage[Str(u->period())], Dec(u->quantity()));
      break;
    }
    default:
      break;
  }
}

std::string_view Label(const LicencePool& lp) { return Label(lp.status); }

bool Valid(const LicencePool& lp) {
  return kLpStatusLabels.Known(lp.status) && kLicenceModelLabels.Known(lp.model) &&
         !lp.currency.empty();
}

uint32_t ActiveLeases(const LicencePool& lp, int64_t now_us) {
  uint32_t n = 0;
  for (const auto& [session, lease] : lp.leases) {
    if (now_us < lease.expires_at_us) ++n;
  }
  return n;
}

Result<Decimal> OverageCostOf(const LicencePool& lp, const std::string& period) {
  if (!UsesSeats(lp)) return Decimal();
  return OverageCost(lp.overage_basis, lp.quota(), lp.overage_unit_price, lp.seat_days,
                     FirstDayOf(period), LastDayOf(period), lp.digits);
}

Result<Decimal> UsageChargeOf(const LicencePool& lp, const std::string& period) {
  auto it = lp.usage.find(period);
  Decimal used = it == lp.usage.end() ? Decimal() : it->second;
  return RateUsage(used, lp.usage_included, lp.usage_mode, lp.usage_tiers, lp.unit_price,
                   lp.digits);
}

void Apply(UsageSource& s, const events::Envelope& e) {
  if (const auto* c = events::As<events::LicenceUsageSourceClaimed>(e)) s.pool = Str(c->pool());
}
std::string_view Label(const UsageSource&) { return "claimed"; }
bool Valid(const UsageSource& s) { return !s.pool.empty(); }

Decision Decide(const CreateLicencePool& cmd, DecideContext& ctx) {
  const PoolInput& in = cmd.pool;
  LicenceModel model{};
  int digits = 2;
  LEDGER_RETURN_IF_ERROR(CheckPoolInput(in, ctx, &model, &digits));
  events::LicencePoolCreatedT c;
  c.product = in.product;
  c.vendor = in.vendor;
  c.model = in.model;
  c.quantity = in.quantity.ToString();
  c.term_start = in.term_start;
  c.term_end = in.term_end;
  c.unit_price = in.unit_price.ToString();
  c.currency = in.currency;
  c.currency_digits = static_cast<uint8_t>(digits);
  c.auto_renew = in.auto_renew;
  c.notice_days = in.notice_days;
  c.renew_quantity = in.renew_quantity;
  if (model == LicenceModel::kSeat || model == LicenceModel::kEnterprise) {
    c.overage_policy = in.overage_policy.value_or("refuse");
    c.overage_basis = in.overage_basis.value_or("peak");
    c.overage_unit_price = in.overage_unit_price.value_or(Decimal()).ToString();
  }
  c.lease_seconds = static_cast<uint64_t>(in.lease_seconds.value_or(0));
  if (in.has_usage) {
    c.usage_unit = in.usage_unit;
    c.usage_included = in.usage_included.ToString();
    c.usage_mode = in.usage_mode;
    for (const auto& t : in.usage_tiers) {
      auto tier = std::make_unique<events::LicenceUsageTierT>();
      tier->up_to = t.up_to ? t.up_to->ToString() : "";
      tier->unit_price = t.unit_price.ToString();
      c.usage_tiers.push_back(std::move(tier));
    }
  }
  c.commitment = in.commitment ? in.commitment->ToString() : "";
  c.cost_center = in.cost_center;
  c.project = in.project;
  return One(Emit(c));
}

Decision Decide(const LicencePool& lp, const AssignSeat& cmd, DecideContext& ctx) {
  if (cmd.user.empty() == cmd.team.empty()) {
    return Status::Malformed("name either a user or a team");
  }
  if (!UsesSeats(lp)) return WrongModel(lp, "seat or enterprise");
  LEDGER_RETURN_IF_ERROR(CheckInForce(lp, ctx));
  std::vector<std::string> users;
  if (!cmd.user.empty()) {
    LEDGER_RETURN_IF_ERROR(CheckId(cmd.user, "user"));
    if (lp.seats.contains(cmd.user)) {
      return Status::Duplicate("user \"" + cmd.user + "\" already holds a seat in this pool");
    }
    users.push_back(cmd.user);
  } else {
    const Team* team = ctx.Get<Team>(cmd.team);
    if (team == nullptr) return Status::NotFound("team \"" + cmd.team + "\" does not exist");
    // One seat per current member without one; members already seated keep theirs.
    for (const auto& member : team->members) {
      if (!lp.seats.contains(member)) users.push_back(member);
    }
  }
  std::vector<NewEvent> out;
  uint32_t extra = 0;
  for (const auto& user : users) {
    auto overage = NextSeatIsOverage(lp, extra);
    if (!overage.ok()) return overage.status();
    ++extra;
    out.push_back(Assigned(user, cmd.team, "", *overage, lp.assigned() + extra));
  }
  return out;
}

Decision Decide(const LicencePool& lp, const UnassignSeat& cmd, DecideContext&) {
  LEDGER_RETURN_IF_ERROR(CheckId(cmd.user, "user"));
  LEDGER_RETURN_IF_ERROR(CheckTransition(kLpRelease, lp.status));
  if (!lp.seats.contains(cmd.user)) {
    return Status::NotFound("user \"" + cmd.user + "\" holds no seat in this pool");
  }
  events::LicenceSeatReleasedT r;
  r.user = cmd.user;
  r.reason = "unassigned";
  r.assigned = lp.assigned() - 1;
  return One(Emit(r));
}

Decision Decide(const LicencePool& lp, const CheckOut& cmd, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckId(cmd.user, "user"));
  LEDGER_RETURN_IF_ERROR(CheckId(cmd.session, "session"));
  if (lp.model != LicenceModel::kConcurrent) return WrongModel(lp, "concurrent");
  LEDGER_RETURN_IF_ERROR(CheckInForce(lp, ctx));
  const int64_t now = ctx.now_us();
  std::vector<NewEvent> out;
  if (auto it = lp.leases.find(cmd.session); it != lp.leases.end()) {
    if (now < it->second.expires_at_us) {
      return Status::Duplicate("session \"" + cmd.session + "\" is already checked out");
    }
  }
  const uint32_t limit = lp.quota();
  const uint32_t active = ActiveLeases(lp, now);
  // Leases past their deadline free their slots: each is recorded as expired
  // at its deadline, the moment it stopped being active.
  for (const auto& [session, lease] : lp.leases) {
    if (now < lease.expires_at_us) continue;
    events::LicenceLeaseExpiredT x;
    x.session = session;
    x.user = lease.user;
    x.expired_at_us = lease.expires_at_us;
    NewEvent ev = Emit(x);
    ev.effective_date = IsoDate(lease.expires_at_us);
    out.push_back(std::move(ev));
  }
  if (active >= limit) {
    return Status::Rule("concurrent_limit",
                        fmt::format("all {} concurrent sessions are in use", limit),
                        {{"limit", std::to_string(limit)}});
  }
  events::LicenceCheckedOutT c;
  c.user = cmd.user;
  c.session = cmd.session;
  c.lease_expires_at_us = now + lp.lease_seconds * 1'000'000;
  c.active = active + 1;
  out.push_back(Emit(c));
  return out;
}

Decision Decide(const LicencePool& lp, const RenewLease& cmd, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckId(cmd.session, "session"));
  if (lp.model != LicenceModel::kConcurrent) return WrongModel(lp, "concurrent");
  LEDGER_RETURN_IF_ERROR(CheckInForce(lp, ctx));
  auto it = lp.leases.find(cmd.session);
  if (it == lp.leases.end()) {
    return Status::NotFound("session \"" + cmd.session + "\" is not checked out");
  }
  const int64_t now = ctx.now_us();
  if (now >= it->second.expires_at_us) {
    return Status::Rule("lease_expired",
                        "the lease of session \"" + cmd.session + "\" expired at " +
                            IsoTimestamp(it->second.expires_at_us),
                        {{"expired_at", IsoTimestamp(it->second.expires_at_us)}});
  }
  events::LicenceLeaseRenewedT r;
  r.session = cmd.session;
  r.lease_expires_at_us = now + lp.lease_seconds * 1'000'000;
  return One(Emit(r));
}

Decision Decide(const LicencePool& lp, const CheckIn& cmd, DecideContext&) {
  LEDGER_RETURN_IF_ERROR(CheckId(cmd.session, "session"));
  if (lp.model != LicenceModel::kConcurrent) return WrongModel(lp, "concurrent");
  LEDGER_RETURN_IF_ERROR(CheckTransition(kLpRelease, lp.status));
  auto it = lp.leases.find(cmd.session);
  if (it == lp.leases.end()) {
    return Status::NotFound("session \"" + cmd.session + "\" is not checked out");
  }
  events::LicenceCheckedInT c;
  c.session = cmd.session;
  c.user = it->second.user;
  c.reason = "checked_in";
  return One(Emit(c));
}

Decision Decide(const LicencePool& lp, const RecordUsage& cmd, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckId(cmd.source_id, "source_id"));
  if (lp.model != LicenceModel::kUsage) return WrongModel(lp, "usage");
  const std::string claim = ctx.stream_id() + "/" + cmd.source_id;
  // A source id already recorded: the same usage posted again, nothing to append.
  if (ctx.Get<UsageSource>(claim) != nullptr) return std::vector<NewEvent>{};
  LEDGER_RETURN_IF_ERROR(CheckTransition(kLpUse, lp.status));
  if (cmd.quantity <= Decimal()) {
    return Status::Rule("invalid_quantity", "quantity must be positive",
                        {{"quantity", cmd.quantity.ToString()}});
  }
  const std::string date = IsoDate(cmd.at_us);
  if (date < lp.term_start || date > lp.term_end) {
    return Status::Rule("outside_term", "usage at " + date + " is outside the pool's term",
                        {{"at", IsoTimestamp(cmd.at_us)}});
  }
  // The period's total must stay within the ledger's decimals.
  auto period_used = lp.usage.find(PeriodOf(cmd.at_us));
  auto sum = Plus(period_used == lp.usage.end() ? Decimal() : period_used->second, cmd.quantity);
  if (!sum.ok()) return sum.status();
  events::LicenceUsageRecordedT u;
  u.quantity = cmd.quantity.ToString();
  u.at_us = cmd.at_us;
  u.source_id = cmd.source_id;
  u.period = PeriodOf(cmd.at_us);
  NewEvent ev = Emit(u);
  ev.effective_date = date;
  std::vector<NewEvent> out;
  out.push_back(std::move(ev));
  events::LicenceUsageSourceClaimedT claimed;
  claimed.pool = ctx.stream_id();
  out.push_back(ToStream<UsageSource>(Emit(claimed), claim));
  return out;
}

std::vector<NewEvent> SeatForMember(const LicencePool& lp, const std::string& id,
                                    const std::string& user, const std::string& team,
                                    const std::string& policy, uint32_t extra,
                                    DecideContext& ctx) {
  std::vector<NewEvent> out;
  if (lp.seats.contains(user)) return out;
  Status refused = UsesSeats(lp) ? CheckInForce(lp, ctx) : WrongModel(lp, "seat or enterprise");
  Result<bool> overage = false;
  if (refused.ok()) {
    overage = NextSeatIsOverage(lp, extra);
    if (!overage.ok()) refused = overage.status();
  }
  if (!refused.ok()) {
    events::LicenceSeatRefusedT r;
    r.user = user;
    r.team = team;
    r.policy = policy;
    r.rule = refused.rule().empty() ? std::string(ErrcName(refused.code())) : refused.rule();
    r.message = refused.message();
    out.push_back(ToStream<LicencePool>(Emit(r), id));
    return out;
  }
  out.push_back(
      ToStream<LicencePool>(Assigned(user, team, policy, *overage, lp.assigned() + extra + 1), id));
  return out;
}

std::vector<NewEvent> ReleaseHolder(const LicencePool& lp, const std::string& id,
                                    const std::string& user, const std::string& team,
                                    const std::string& reason) {
  std::vector<NewEvent> out;
  if (lp.seats.contains(user)) {
    events::LicenceSeatReleasedT r;
    r.user = user;
    r.reason = reason;
    r.team = team;
    r.assigned = lp.assigned() - 1;
    out.push_back(ToStream<LicencePool>(Emit(r), id));
  }
  for (const auto& [session, lease] : lp.leases) {
    if (lease.user != user) continue;
    events::LicenceCheckedInT c;
    c.session = session;
    c.user = user;
    c.reason = reason;
    out.push_back(ToStream<LicencePool>(Emit(c), id));
  }
  return out;
}

}  // namespace ledger::domain
