// Teams and assignment policies (SPEC §4.7, issue 12).
//
// A team (`team/<id>`, id chosen by the client) has members; an assignment
// policy (`assignment_policy/<id>`) names a team (or a project) and the pools
// whose seats its members get. A policy of a team is attached to the team's
// stream, so that a member joining is decided against the team alone: the
// command that adds a member appends, in the same write, a seat (or the
// recorded refusal of one) to every pool of the team's policies; the
// command that removes a member releases their seats and leases there.
// Project policies are recorded; nothing triggers them until projects have
// members (a later milestone).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/aggregate.h"

namespace ledger::domain {

struct Team {
  static constexpr StreamTraits kStream = {.type = "team", .topic = Topic::kLicensing,
                                           .series = "",
                                           .snapshot_format = 1};
  std::string name;
  std::vector<std::string> members;                     // in the order they joined
  std::map<std::string, std::vector<std::string>> policies;  // policy -> its pools
};
void Apply(Team& t, const events::Envelope& e);
std::string_view Label(const Team& t);
void Describe(const Team& t, ListEntry& out);
template <class A, class Self>
void Fields(A& a, Self& t) requires std::is_same_v<std::remove_const_t<Self>, Team> {
  a(t.name, t.members, t.policies);
}
bool Valid(const Team& t);
bool IsMember(const Team& t, const std::string& user);

struct AssignmentPolicy {
  static constexpr StreamTraits kStream = {.type = "assignment_policy",
                                           .topic = Topic::kLicensing,
                                           .series = "",
                                           .snapshot_format = 1};
  std::string team, project;
  std::vector<std::string> pools;
};
void Apply(AssignmentPolicy& p, const events::Envelope& e);
std::string_view Label(const AssignmentPolicy& p);
template <class A, class Self>
void Fields(A& a, Self& p) requires std::is_same_v<std::remove_const_t<Self>, AssignmentPolicy> {
  a(p.team, p.project, p.pools);
}
bool Valid(const AssignmentPolicy& p);

struct DefineTeam {
  using Target = Team;
  std::string id;
  std::string name;
  static constexpr auto kStreamId = &DefineTeam::id;
};
struct AddTeamMember {
  using Target = Team;
  std::string team;
  std::string user;
  static constexpr auto kStreamId = &AddTeamMember::team;
};
struct RemoveTeamMember {
  using Target = Team;
  std::string team;
  std::string user;
  static constexpr auto kStreamId = &RemoveTeamMember::team;
};
// Exactly one of team and project; pools: 1 to 32 existing pools.
struct DefineAssignmentPolicy {
  using Target = AssignmentPolicy;
  std::string id;
  std::string team, project;
  std::vector<std::string> pools;
  static constexpr auto kStreamId = &DefineAssignmentPolicy::id;
};

Decision Decide(const DefineTeam& cmd, DecideContext& ctx);
Decision Decide(const Team& t, const AddTeamMember& cmd, DecideContext& ctx);
Decision Decide(const Team& t, const RemoveTeamMember& cmd, DecideContext& ctx);
Decision Decide(const DefineAssignmentPolicy& cmd, DecideContext& ctx);

}  // namespace ledger::domain
