#include "engine/licensing/team.h"

#include <algorithm>
#include <set>

#include "engine/licensing/licence_pool.h"
#include "engine/reference/reference_entity.h"
#include "events/licensing_events.h"
#include "events/reference_events.h"

namespace ledger::domain {
namespace {

using events::Str;

constexpr size_t kIdBytesMax = 128;
constexpr size_t kNameBytesMax = 400;
constexpr size_t kMembersMax = 10'000;
constexpr size_t kPoolsPerPolicyMax = 32;
constexpr size_t kPoliciesPerTeamMax = 64;

Status CheckUser(const std::string& user) {
  if (user.empty()) return Status::Malformed("missing user");
  if (user.size() > kIdBytesMax) return Status::Malformed("user is longer than 128 bytes");
  return Status::Ok();
}

// The pools of the team's policies, each once, with the policy that names it first.
std::vector<std::pair<std::string, std::string>> PolicyPools(const Team& t) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& [policy, pools] : t.policies) {
    for (const auto& pool : pools) {
      if (seen.insert(pool).second) out.emplace_back(pool, policy);
    }
  }
  return out;
}

}  // namespace

void Apply(Team& t, const events::Envelope& e) {
  switch (events::TypeOf<events::LicensingEvent>(e)) {
    case events::LicensingEvent::TeamDefined:
      t.name = Str(events::As<events::TeamDefined>(e)->name());
      break;
    case events::LicensingEvent::TeamMemberAdded:
      t.members.push_back(Str(events::As<events::TeamMemberAdded>(e)->user()));
      break;
    case events::LicensingEvent::TeamMemberRemoved:
      std::erase(t.members, Str(events::As<events::TeamMemberRemoved>(e)->user()));
      break;
    case events::LicensingEvent::TeamPolicyAttached: {
      const auto* p = events::As<events::TeamPolicyAttached>(e);
      auto& pools = t.policies[Str(p->policy())];
      pools.clear();
      if (p->pools()) {
        for (const auto* pool : *p->pools()) pools.push_back(Str(pool));
      }
      break;
    }
    default:
      break;
  }
}

std::string_view Label(const Team&) { return "active"; }
bool Valid(const Team&) { return true; }
bool IsMember(const Team& t, const std::string& user) {
  return std::find(t.members.begin(), t.members.end(), user) != t.members.end();
}

void Apply(AssignmentPolicy& p, const events::Envelope& e) {
  if (const auto* d = events::As<events::AssignmentPolicyDefined>(e)) {
    p.team = Str(d->team());
    p.project = Str(d->project());
    p.pools.clear();
    if (d->pools()) {
      for (const auto* pool : *d->pools()) p.pools.push_back(Str(pool));
    }
  }
}
std::string_view Label(const AssignmentPolicy&) { return "active"; }
bool Valid(const AssignmentPolicy& p) { return !p.pools.empty(); }

Decision Decide(const DefineTeam& cmd, DecideContext&) {
  if (cmd.name.empty()) return Status::Malformed("missing name");
  if (cmd.name.size() > kNameBytesMax) return Status::Malformed("name is longer than 400 bytes");
  events::TeamDefinedT t;
  t.name = cmd.name;
  return One(Emit(t));
}

Decision Decide(const Team& t, const AddTeamMember& cmd, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckUser(cmd.user));
  if (IsMember(t, cmd.user)) {
    return Status::Duplicate("user \"" + cmd.user + "\" is already a member");
  }
  if (t.members.size() >= kMembersMax) {
    return Status::Rule("team_full", "a team has at most 10000 members");
  }
  events::TeamMemberAddedT added;
  added.user = cmd.user;
  std::vector<NewEvent> out = One(Emit(added));
  // Every policy of the team gives the new member a seat in its pools, or
  // records why it could not.
  for (const auto& [pool_id, policy] : PolicyPools(t)) {
    const LicencePool* pool = ctx.Get<LicencePool>(pool_id);
    if (pool == nullptr) continue;  // checked when the policy was defined
    Append(&out, SeatForMember(*pool, pool_id, cmd.user, ctx.stream_id(), policy, 0, ctx));
  }
  return out;
}

Decision Decide(const Team& t, const RemoveTeamMember& cmd, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckUser(cmd.user));
  if (!IsMember(t, cmd.user)) {
    return Status::NotFound("user \"" + cmd.user + "\" is not a member");
  }
  events::TeamMemberRemovedT removed;
  removed.user = cmd.user;
  std::vector<NewEvent> out = One(Emit(removed));
  for (const auto& [pool_id, policy] : PolicyPools(t)) {
    const LicencePool* pool = ctx.Get<LicencePool>(pool_id);
    if (pool == nullptr) continue;
    Append(&out, ReleaseHolder(*pool, pool_id, cmd.user, ctx.stream_id(), "left_team"));
  }
  return out;
}

Decision Decide(const DefineAssignmentPolicy& cmd, DecideContext& ctx) {
  if (cmd.team.empty() == cmd.project.empty()) {
    return Status::Malformed("name either a team or a project");
  }
  if (cmd.pools.empty() || cmd.pools.size() > kPoolsPerPolicyMax) {
    return Status::Malformed("pools must name 1 to 32 licence pools");
  }
  for (const auto& pool : cmd.pools) {
    if (ctx.Get<LicencePool>(pool) == nullptr) {
      return UnknownReference(LicencePool::kStream.type, pool);
    }
  }
  events::AssignmentPolicyDefinedT d;
  d.team = cmd.team;
  d.project = cmd.project;
  d.pools = cmd.pools;
  std::vector<NewEvent> out = One(Emit(d));
  if (!cmd.team.empty()) {
    const Team* team = ctx.Get<Team>(cmd.team);
    if (team == nullptr) {
      return UnknownReference(Team::kStream.type, cmd.team);
    }
    if (team->policies.size() >= kPoliciesPerTeamMax) {
      return Status::Rule("too_many_policies", "a team has at most 64 assignment policies");
    }
    events::TeamPolicyAttachedT attached;
    attached.policy = ctx.stream_id();
    attached.pools = cmd.pools;
    out.push_back(ToStream<Team>(Emit(attached), cmd.team));
  } else if (!FindReference<events::ProjectDefined>(ctx, cmd.project)) {
    return UnknownReference<events::ProjectDefined>(cmd.project);
  }
  return out;
}

}  // namespace ledger::domain
