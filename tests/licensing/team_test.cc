// Scenario tests of teams and assignment policies (issue 12): a member
// joining gets a seat in every pool of the team's policies, in the same
// command, or the refusal is recorded; leaving releases seats and leases.
#include "tests/licensing/licensing_scenarios.h"

namespace ledger::testing {
namespace {

using Types = std::vector<std::string>;

class TeamTest : public LicensingScenarios {
 protected:
  void SetUp() override {
    LicensingScenarios::SetUp();
    Ok(domain::DefineTeam{"design", "Design"}, kLicenceManager);
  }
};

TEST_F(TeamTest, TeamsAreDefinedOnceWithAName) {
  Do(domain::DefineTeam{"design", "Design again"});
  ExpectRejected(Errc::kDuplicate);
  Do(domain::DefineTeam{"ops", ""});
  ExpectRejected(Errc::kMalformed);
  Do(domain::AddTeamMember{"nobody", "ann"});
  ExpectRejected(Errc::kNotFound);
  Do(domain::AddTeamMember{"design", "ann"});
  EXPECT_EQ(appended_types(), (Types{"TeamMemberAdded"}));  // no policy yet
  Do(domain::AddTeamMember{"design", "ann"});
  ExpectRejected(Errc::kDuplicate);
  Do(domain::RemoveTeamMember{"design", "bob"});
  ExpectRejected(Errc::kNotFound);
  EXPECT_EQ(TeamState("design").members, (std::vector<std::string>{"ann"}));
}

TEST_F(TeamTest, PoliciesNeedTheirTeamAndPools) {
  auto pool = NewPool(SeatPool("2"));
  Do(domain::DefineAssignmentPolicy{"p1", "design", "", {"LP-2026-09999"}});
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  Do(domain::DefineAssignmentPolicy{"p1", "ghosts", "", {pool}});
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  Do(domain::DefineAssignmentPolicy{"p1", "design", "P1", {pool}});
  ExpectRejected(Errc::kMalformed);
  Do(domain::DefineAssignmentPolicy{"p1", "design", "", {}});
  ExpectRejected(Errc::kMalformed);
  Do(domain::DefineAssignmentPolicy{"p1", "", "NOPE", {pool}});
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  Do(domain::DefineAssignmentPolicy{"p1", "design", "", {pool}});
  EXPECT_EQ(appended_types(), (Types{"AssignmentPolicyDefined", "TeamPolicyAttached"}));
  Do(domain::DefineAssignmentPolicy{"p1", "design", "", {pool}});
  ExpectRejected(Errc::kDuplicate);
  Do(domain::DefineAssignmentPolicy{"p2", "", "P1", {pool}});
  EXPECT_EQ(appended_types(), (Types{"AssignmentPolicyDefined"}));
}

TEST_F(TeamTest, JoiningGivesASeatInEveryPolicyPoolAndARefusalIsRecorded) {
  auto open = NewPool(SeatPool("5"));
  auto full = NewPool(SeatPool("1"));  // refuses overage
  auto cad = NewPool(ConcurrentPool("2", 600));
  Ok(domain::AssignSeat{full, "zed", ""}, kLicenceManager);
  Ok(domain::DefineAssignmentPolicy{"tools", "design", "", {open, full}}, kLicenceManager);
  Ok(domain::DefineAssignmentPolicy{"cad", "design", "", {cad, open}}, kLicenceManager);
  Do(domain::AddTeamMember{"design", "ann"});
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  // One seat in `open` although two policies name it; `full` refuses and the
  // refusal is recorded on the pool; `cad` has no seats and says so.
  EXPECT_EQ(appended_types(), (Types{"TeamMemberAdded", "LicenceSeatRefused",
                                     "LicenceSeatAssigned", "LicenceSeatRefused"}));
  EXPECT_TRUE(LpState(open).seats.contains("ann"));
  EXPECT_EQ(LpState(open).seats.at("ann").team, "design");
  EXPECT_FALSE(LpState(full).seats.contains("ann"));
  EXPECT_EQ(LpState(full).refusals, 1u);
  EXPECT_EQ(LpState(cad).refusals, 1u);
  for (const auto& r : appended_) {
    if (const auto* x = events::As<events::LicenceSeatRefused>(*r.envelope())) {
      EXPECT_TRUE(x->rule()->str() == "quota_exceeded" || x->rule()->str() == "wrong_model")
          << x->rule()->str();
      EXPECT_EQ(x->user()->str(), "ann");
    }
  }
}

TEST_F(TeamTest, TeamAssignmentGivesOneSeatPerCurrentMemberAllOrNothing) {
  for (const char* u : {"ann", "ben", "cat"}) {
    Ok(domain::AddTeamMember{"design", u}, kLicenceManager);
  }
  auto small = NewPool(SeatPool("2"));
  Ok(domain::AssignSeat{small, "ann", ""}, kLicenceManager);
  auto tiny = NewPool(SeatPool("1"));
  Do(domain::AssignSeat{tiny, "", "design"});
  ExpectRejected(Errc::kRuleViolation, "quota_exceeded");
  Do(domain::AssignSeat{small, "", "ghosts"});
  ExpectRejected(Errc::kNotFound);
  auto allow = NewPool(SeatPool("2", "allow"));
  Do(domain::AssignSeat{allow, "", "design"});
  EXPECT_EQ(appended_types(),
            (Types{"LicenceSeatAssigned", "LicenceSeatAssigned", "LicenceSeatAssigned"}));
  EXPECT_EQ(LpState(allow).assigned(), 3u);
  EXPECT_TRUE(LpState(allow).seats.at("cat").overage);
  // Members already seated keep theirs: ann holds one in `small`.
  Do(domain::AssignSeat{small, "", "design"});
  ExpectRejected(Errc::kRuleViolation, "quota_exceeded");
}

TEST_F(TeamTest, LeavingReleasesSeatsAndLeasesInTheTeamsPools) {
  auto seats = NewPool(SeatPool("5"));
  auto cad = NewPool(ConcurrentPool("2", 600));
  Ok(domain::DefineAssignmentPolicy{"tools", "design", "", {seats, cad}}, kLicenceManager);
  Ok(domain::AddTeamMember{"design", "ann"}, kLicenceManager);
  Ok(domain::CheckOut{cad, "ann", "ws-1"}, kLicenceManager);
  Ok(domain::CheckOut{cad, "bob", "ws-2"}, kLicenceManager);
  Do(domain::RemoveTeamMember{"design", "ann"});
  EXPECT_EQ(appended_types(),
            (Types{"TeamMemberRemoved", "LicenceSeatReleased", "LicenceCheckedIn"}));
  EXPECT_FALSE(LpState(seats).seats.contains("ann"));
  EXPECT_FALSE(LpState(cad).leases.contains("ws-1"));
  EXPECT_TRUE(LpState(cad).leases.contains("ws-2"));
  EXPECT_TRUE(TeamState("design").members.empty());
}

}  // namespace
}  // namespace ledger::testing
