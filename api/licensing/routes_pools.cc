// Licence pools: creation, seats, concurrent sessions, usage, and their reads.
#include <fmt/format.h>

#include "api/licensing/bodies.h"
#include "api/licensing/routes.h"
#include "api/request_context.h"
#include "engine/clock.h"
#include "engine/licensing/commands.h"

namespace ledger::api {
namespace {

using domain::LicencePool;

const std::vector<std::string> kManagers = {"licence_manager"};

std::string Money(const Decimal& d, const LicencePool& lp) { return d.ToString(lp.digits); }

// The pool as of `now_us`: what GET /v1/licence-pools/{id} shows.
Json PoolJson(const std::string& id, const LicencePool& lp, uint64_t version, int64_t now_us) {
  const std::string period = IsoDate(now_us).substr(0, 7);
  const uint32_t quota = lp.quota();
  Json out = {{"id", id},
              {"status", Label(lp.status)},
              {"version", version},
              {"product", lp.product},
              {"vendor", lp.vendor},
              {"model", Label(lp.model)},
              {"quantity", lp.quantity.ToString(0)},
              {"term", {{"start", lp.term_start}, {"end", lp.term_end}}},
              {"unit_price", lp.unit_price.ToString()},
              {"currency", lp.currency},
              {"auto_renew", lp.auto_renew},
              {"notice_days", lp.notice_days},
              {"renew_quantity", lp.renew_quantity},
              {"cost_center", lp.cost_center},
              {"project", lp.project},
              {"period", period}};
  if (lp.model == domain::LicenceModel::kSeat || lp.model == domain::LicenceModel::kEnterprise) {
    uint32_t overage_seats = 0;
    for (const auto& [user, seat] : lp.seats) overage_seats += seat.overage ? 1 : 0;
    auto cost = domain::OverageCostOf(lp, period);
    if (!cost.ok()) Fail(cost.status());
    out["quota"] = quota;
    out["assigned"] = lp.assigned();
    out["free"] = lp.assigned() >= quota ? 0 : quota - lp.assigned();
    out["overage"] = {{"policy", lp.overage_policy},
                      {"unit_price", lp.overage_unit_price.ToString()},
                      {"basis", lp.overage_basis == domain::OverageBasis::kPeak ? "peak"
                                                                                : "prorated_daily"},
                      {"seats", overage_seats},
                      {"cost_this_period", Money(*cost, lp)}};
    out["refusals"] = lp.refusals;
    if (lp.model == domain::LicenceModel::kEnterprise) {
      out["commitment"] = Money(lp.commitment, lp);
    }
  }
  if (lp.model == domain::LicenceModel::kConcurrent) {
    Json leases = Json::array();
    for (const auto& [session, lease] : lp.leases) {
      if (now_us >= lease.expires_at_us) continue;
      leases.push_back({{"session", session},
                        {"user", lease.user},
                        {"checked_out_at", IsoTimestamp(lease.checked_out_us)},
                        {"lease_expires_at", IsoTimestamp(lease.expires_at_us)}});
    }
    auto peak = lp.peak_concurrent.find(period);
    out["limit"] = quota;
    out["lease_seconds"] = lp.lease_seconds;
    out["active_leases"] = leases;
    out["peak_concurrent_this_period"] = peak == lp.peak_concurrent.end() ? 0 : peak->second;
  }
  if (lp.model == domain::LicenceModel::kUsage) {
    auto used = lp.usage.find(period);
    auto charge = domain::UsageChargeOf(lp, period);
    if (!charge.ok()) Fail(charge.status());
    Json tiers = Json::array();
    for (const auto& t : lp.usage_tiers) {
      tiers.push_back({{"up_to", t.up_to ? Json(t.up_to->ToString()) : Json(nullptr)},
                       {"unit_price", t.unit_price.ToString()}});
    }
    out["usage"] = {{"unit", lp.usage_unit},
                    {"included", lp.usage_included.ToString()},
                    {"mode", lp.usage_mode == domain::UsageMode::kVolume ? "volume" : "graduated"},
                    {"tiers", tiers},
                    {"used_this_period", (used == lp.usage.end() ? Decimal() : used->second).ToString()},
                    {"charge_this_period", Money(*charge, lp)}};
  }
  return out;
}

// The pool's state folded from its events up to `as_of_us` (inclusive), or
// its current state; 404 when it has no event by then.
std::pair<std::shared_ptr<const AggregateState>, int64_t> PoolAt(RequestContext& rc) {
  const std::string id = rc.path(1);
  auto as_of = Param(rc.req, "as_of");
  if (!as_of) {
    auto state = rc.ctx.engine->Load(LicencePool::kStream.type, id);
    if (!state) Fail(Status::NotFound("licence pool \"" + id + "\" does not exist"));
    return {state, rc.ctx.engine->clock()->NowMicros()};
  }
  int64_t at = 0;
  if (!ParseTimestamp(*as_of, &at)) FailMalformed("as_of must be an RFC 3339 timestamp");
  std::vector<LogRecord> records;
  Status s = rc.ctx.engine->ReadStream(LicencePool::kStream.type, id, &records);
  if (!s.ok()) Fail(s);
  auto state = std::make_shared<StateOf<LicencePool>>();
  for (const auto& r : records) {
    if (r.envelope()->recorded_at_us() > at) break;
    state->Evolve(*r.envelope());
    state->version = r.envelope()->stream_version();
  }
  if (state->version == 0) {
    Fail(Status::NotFound("licence pool \"" + id + "\" did not exist at " + *as_of));
  }
  return {state, at};
}

void ReadPool(RequestContext& rc) {
  auto [state, at] = PoolAt(rc);
  rc.res.set_header("ETag", fmt::format("\"{}\"", state->version));
  Json out = PoolJson(rc.path(1), *StateCast<LicencePool>(state.get()), state->version, at);
  if (Param(rc.req, "as_of")) out["as_of"] = IsoTimestamp(at);
  WriteJson(rc.res, 200, out);
}

// GET /v1/licence-pools/{id}/seats: who holds a seat, since when, how.
void ReadSeats(RequestContext& rc) {
  auto [state, at] = PoolAt(rc);
  const auto& lp = *StateCast<LicencePool>(state.get());
  Json seats = Json::array();
  for (const auto& [user, seat] : lp.seats) {
    seats.push_back({{"user", user},
                     {"since", IsoTimestamp(seat.since_us)},
                     {"team", seat.team},
                     {"policy", seat.policy},
                     {"overage", seat.overage},
                     {"last_activity", nullptr}});
  }
  Json out = {{"id", rc.path(1)}, {"version", state->version}, {"seats", seats}};
  if (Param(rc.req, "as_of")) out["as_of"] = IsoTimestamp(at);
  WriteJson(rc.res, 200, out);
}

void ReadHistory(RequestContext& rc) {
  std::vector<LogRecord> records;
  Status s = rc.ctx.engine->ReadStream(LicencePool::kStream.type, rc.path(1), &records);
  if (!s.ok()) Fail(s);
  if (records.empty()) Fail(Status::NotFound("licence pool \"" + rc.path(1) + "\" does not exist"));
  WriteJson(rc.res, 200, HistoryJson(records));
}

// A check-out answers with its lease's deadline.
void WriteCheckout(Engine* engine, std::string id, std::string session, const CommandOutcome& out,
                   httplib::Response& res) {
  if (!out.status.ok()) Fail(out.status);
  auto lp = engine->Load<LicencePool>(id);
  Json answer = {{"id", id}, {"version", out.version}, {"state", out.state_label},
                 {"session", session}};
  if (lp) {
    if (auto it = lp->leases.find(session); it != lp->leases.end()) {
      answer["lease_expires_at"] = IsoTimestamp(it->second.expires_at_us);
    }
  }
  res.set_header("ETag", fmt::format("\"{}\"", out.version));
  WriteJson(res, 200, answer);
}

void SubmitCheckout(RequestContext& rc) {
  Body b = rc.body();
  domain::CheckOut cmd{rc.path(1), b.str("user"), b.str("session")};
  std::string session = cmd.session;
  rc.Submit(ToCommand(std::move(cmd)),
            std::bind_front(&WriteCheckout, rc.ctx.engine, rc.path(1), std::move(session)));
}

void SubmitRenew(RequestContext& rc) {
  domain::RenewLease cmd{rc.path(1), rc.body().str("session")};
  std::string session = cmd.session;
  rc.Submit(ToCommand(std::move(cmd)),
            std::bind_front(&WriteCheckout, rc.ctx.engine, rc.path(1), std::move(session)));
}

domain::CreateLicencePool ParseCreatePool(const RequestContext& rc) {
  return {ParsePoolInput(rc.body())};
}
domain::AssignSeat ParseAssign(const RequestContext& rc) {
  Body b = rc.body();
  domain::AssignSeat cmd{rc.path(1), b.opt_str("user").value_or(""), b.opt_str("team").value_or("")};
  if (cmd.user.empty() == cmd.team.empty()) FailMalformed("name either a user or a team");
  return cmd;
}
domain::UnassignSeat ParseUnassign(const RequestContext& rc) {
  return {rc.path(1), rc.body().str("user")};
}
domain::CheckIn ParseCheckin(const RequestContext& rc) {
  return {rc.path(1), rc.body().str("session")};
}
domain::RecordUsage ParseUsage(const RequestContext& rc) {
  Body b = rc.body();
  domain::RecordUsage cmd;
  cmd.pool = rc.path(1);
  cmd.quantity = b.dec("quantity");
  cmd.at_us = ParseInstant(b, "at");
  cmd.source_id = b.str("source_id");
  if (cmd.source_id.size() > 128) FailMalformed("source_id is longer than 128 bytes");
  return cmd;
}

}  // namespace

void AddLicencePoolRoutes(Routes& r) {
  const std::string base = "/v1/licence-pools";
  r.Command("POST", base, kManagers, "Create a licence pool", &ParseCreatePool);
  r.Command("POST", base + "/{id}/assign", kManagers, "Assign a seat to a user or a team",
            &ParseAssign);
  r.Command("POST", base + "/{id}/unassign", kManagers, "Release a user's seat", &ParseUnassign);
  r.Add("POST", base + "/{id}/checkout", kManagers, "Check out a concurrent session",
        &SubmitCheckout);
  r.Add("POST", base + "/{id}/renew", kManagers, "Renew a concurrent session's lease",
        &SubmitRenew);
  r.Command("POST", base + "/{id}/checkin", kManagers, "Check in a concurrent session",
            &ParseCheckin);
  r.Command("POST", base + "/{id}/usage", kManagers,
            "Record metered usage (idempotent by source_id)", &ParseUsage);
  r.Add("GET", base + "/{id}", {"*"}, "Read a licence pool (?as_of=)", &ReadPool);
  r.Add("GET", base + "/{id}/history", {"*"}, "Every event of a licence pool", &ReadHistory);
  r.Add("GET", base + "/{id}/seats", {"*"}, "The seats of a licence pool (?as_of=)", &ReadSeats);
}

}  // namespace ledger::api
