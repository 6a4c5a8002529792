// Teams, their members, and assignment policies.
#include "api/licensing/bodies.h"
#include "api/licensing/routes.h"
#include "api/request_context.h"
#include "engine/licensing/commands.h"

namespace ledger::api {
namespace {

using domain::AssignmentPolicy;
using domain::Team;

const std::vector<std::string> kManagers = {"licence_manager"};

Json TeamJson(const std::string& id, const AggregateState& state) {
  const auto& t = *StateCast<Team>(&state);
  Json policies = Json::object();
  for (const auto& [policy, pools] : t.policies) policies[policy] = pools;
  return Json{{"id", id},
              {"status", "active"},
              {"version", state.version},
              {"name", t.name},
              {"members", t.members},
              {"policies", policies}};
}

Json PolicyJson(const std::string& id, const AggregateState& state) {
  const auto& p = *StateCast<AssignmentPolicy>(&state);
  return Json{{"id", id},
              {"version", state.version},
              {"team", p.team},
              {"project", p.project},
              {"pools", p.pools}};
}

std::string User(const Body& b) {
  std::string user = b.str("user");
  CheckClientId(user);
  return user;
}

domain::DefineTeam ParseDefineTeam(const RequestContext& rc) {
  Body b = rc.body();
  std::string id = b.str("id");
  CheckClientId(id);
  return {std::move(id), b.str("name")};
}
domain::AddTeamMember ParseAddMember(const RequestContext& rc) {
  return {rc.path(1), User(rc.body())};
}
domain::RemoveTeamMember ParseRemoveMember(const RequestContext& rc) {
  return {rc.path(1), User(rc.body())};
}
domain::DefineAssignmentPolicy ParseDefinePolicy(const RequestContext& rc) {
  Body b = rc.body();
  domain::DefineAssignmentPolicy cmd;
  cmd.id = b.str("id");
  CheckClientId(cmd.id);
  cmd.team = b.opt_str("team").value_or("");
  cmd.project = b.opt_str("project").value_or("");
  if (cmd.team.empty() == cmd.project.empty()) FailMalformed("name either a team or a project");
  if (!cmd.team.empty()) CheckClientId(cmd.team);
  cmd.pools = ParsePoolIds(b);
  return cmd;
}

}  // namespace

void AddTeamRoutes(Routes& r) {
  r.Command("POST", "/v1/teams", kManagers, "Define a team", &ParseDefineTeam);
  r.Command("POST", "/v1/teams/{id}/add-member", kManagers,
            "Add a member (the team's policies give them seats)", &ParseAddMember);
  r.Command("POST", "/v1/teams/{id}/remove-member", kManagers,
            "Remove a member (their seats and sessions in the team's pools are released)",
            &ParseRemoveMember);
  r.AddDocumentReads<domain::Team>("/v1/teams", "team", TeamJson);
  r.Command("POST", "/v1/assignment-policies", kManagers,
            "Define an assignment policy: a team's members get seats in its pools",
            &ParseDefinePolicy);
  r.AddDocumentReads<domain::AssignmentPolicy>("/v1/assignment-policies", "assignment policy",
                                               PolicyJson);
}

}  // namespace ledger::api
