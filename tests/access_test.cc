// Scenario tests of access (SPEC §6, issue 9): API tokens named by an id and
// checked by a keyed digest, their revocation, tokens issued before ids, and
// the directory of admins that keeps the last enabled one. Given commands,
// when a command, then these events or this rejection, and nothing appended.
#include "api/tokens.h"
#include "events/codec.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

const std::string kTokenId = "tok_0123456789abcdef";
const std::string kDigest(32, '\x5a');

class AccessScenarios : public NodeTest {
 protected:
  void DefineUser(const std::string& id, std::vector<std::string> roles, bool disabled = false) {
    When(User(id, std::move(roles), disabled), kAdmin);
    ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  }
  static DefineReference User(const std::string& id, std::vector<std::string> roles,
                      bool disabled = false) {
    events::UserDefinedT u;
    u.name = id;
    u.roles = std::move(roles);
    u.disabled = disabled;
    return DefineReference{id, Def(std::move(u)), Expect::kAny};
  }
  // A user as ledgers wrote them before the admin directory existed: the
  // definition alone.
  static Command UserOfOld(const std::string& id, std::vector<std::string> roles) {
    events::UserDefinedT u;
    u.name = id;
    u.roles = std::move(roles);
    return RawCommand("user", id, Expect::kNew, [u](DecideContext&) -> Decision {
      return One(Emit(events::UserDefinedT(u)));
    });
  }
  // A token as ledgers issued them before token ids: named by the SHA-256
  // hex of its secret, no digest.
  static Command TokenOfOld(const std::string& secret, const std::string& user) {
    events::ApiTokenIssuedT t;
    t.user_id = user;
    t.label = "old";
    return RawCommand("api_token", events::Sha256Hex(secret), Expect::kNew,
                      [t](DecideContext&) -> Decision {
                        return One(Emit(events::ApiTokenIssuedT(t)));
                      });
  }
  std::vector<std::string> Admins() {
    auto state = engine().Load(kAdminDirectoryType, kAdminDirectoryId);
    if (!state) return {};
    return StateCast<AdminDirectory>(state.get())->admins;
  }
  const ApiToken& Token(const std::string& id) { return State<ApiToken>("api_token", id); }
};

// Tokens.

TEST_F(AccessScenarios, ATokenIsNamedByItsIdAndKeepsOnlyTheDigestOfItsSecret) {
  DefineUser("alice", {"buyer"});
  When(IssueToken{kTokenId, "alice", "laptop", kDigest}, kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(), (Types{"ApiTokenIssued"}));
  const auto* e = appended()[0].envelope();
  EXPECT_EQ(events::Sv(e->stream_type()), "api_token");
  EXPECT_EQ(events::Sv(e->stream_id()), kTokenId);
  const auto* issued = e->payload_as_ApiTokenIssued();
  ASSERT_NE(issued->digest(), nullptr);
  EXPECT_EQ(std::string(issued->digest()->begin(), issued->digest()->end()), kDigest);
  const ApiToken& t = Token(kTokenId);
  EXPECT_EQ(t.user_id, "alice");
  EXPECT_EQ(t.label, "laptop");
  EXPECT_EQ(t.digest, kDigest);
  EXPECT_EQ(t.created_at_us, kT0);
  EXPECT_FALSE(t.revoked);
  EXPECT_EQ(Label(t), "active");
}

TEST_F(AccessScenarios, ATokenNeedsAnEnabledUserAShortLabelAndANewId) {
  DefineUser("alice", {"buyer"});
  DefineUser("gone", {"buyer"}, /*disabled=*/true);
  When(IssueToken{kTokenId, "nobody", "", kDigest}, kAdmin);
  ExpectRejected(Errc::kNotFound);
  When(IssueToken{kTokenId, "gone", "", kDigest}, kAdmin);
  ExpectRejected(Errc::kInvalidState);
  When(IssueToken{kTokenId, "alice", std::string(kTokenLabelBytesMax + 1, 'x'), kDigest}, kAdmin);
  ExpectRejected(Errc::kMalformed);
  When(IssueToken{kTokenId, "alice", std::string(kTokenLabelBytesMax, 'x'), kDigest}, kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  When(IssueToken{kTokenId, "alice", "", kDigest}, kAdmin);
  ExpectRejected(Errc::kDuplicate);
}

TEST_F(AccessScenarios, ATokenIsRevokedOnceAndOnlyUnderItsOwnUser) {
  DefineUser("alice", {"buyer"});
  DefineUser("bob", {"buyer"});
  Ok(IssueToken{kTokenId, "alice", "", kDigest}, kAdmin);
  When(RevokeToken{kTokenId, "bob", ""}, kAdmin);
  ExpectRejected(Errc::kNotFound);
  When(RevokeToken{"tok_ffffffffffffffff", "alice", ""}, kAdmin);
  ExpectRejected(Errc::kNotFound);
  clock_.Advance(5'000'000);
  When(RevokeToken{kTokenId, "alice", "laptop stolen"}, kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(), (Types{"ApiTokenRevoked"}));
  EXPECT_EQ(events::Sv(appended()[0].envelope()->payload_as_ApiTokenRevoked()->reason()),
            "laptop stolen");
  const ApiToken& t = Token(kTokenId);
  EXPECT_TRUE(t.revoked);
  EXPECT_EQ(t.revoked_at_us, kT0 + 5'000'000);
  EXPECT_EQ(t.revoked_by, "admin");
  EXPECT_EQ(Label(t), "revoked");
  When(RevokeToken{kTokenId, "alice", ""}, kAdmin);
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(AccessScenarios, ATokenOfBeforeIdsIsReadAndRevokedUnderItsDigestName) {
  DefineUser("alice", {"buyer"});
  Ok(TokenOfOld("ldg_old_secret", "alice"), kAdmin);
  const std::string id = events::Sha256Hex("ldg_old_secret");
  EXPECT_EQ(Token(id).user_id, "alice");
  EXPECT_TRUE(Token(id).digest.empty());
  When(RevokeToken{id, "alice", ""}, kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_TRUE(Token(id).revoked);
}

TEST_F(AccessScenarios, ATokenStateSurvivesItsSnapshot) {
  DefineUser("alice", {"buyer"});
  Ok(IssueToken{kTokenId, "alice", "ci", kDigest}, kAdmin);
  Ok(RevokeToken{kTokenId, "alice", ""}, kAdmin);
  Reopen();
  const ApiToken& t = Token(kTokenId);
  EXPECT_EQ(t.digest, kDigest);
  EXPECT_EQ(t.label, "ci");
  EXPECT_TRUE(t.revoked);
  EXPECT_EQ(t.revoked_by, "admin");
}

// The directory of admins.

TEST_F(AccessScenarios, EnablingAnAdminListsItAndOtherChangesLeaveTheDirectoryAlone) {
  When(User("root", {"admin"}), kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(), (Types{"UserDefined", "EnabledAdminsChanged"}));
  const auto* e = appended()[1].envelope();
  EXPECT_EQ(events::Sv(e->stream_type()), kAdminDirectoryType);
  EXPECT_EQ(events::Sv(e->stream_id()), kAdminDirectoryId);
  EXPECT_EQ(events::Sv(e->payload_as_EnabledAdminsChanged()->user_id()), "root");
  When(User("alice", {"buyer"}), kAdmin);
  EXPECT_EQ(appended_types(), (Types{"UserDefined"}));
  When(User("root", {"admin", "auditor"}), kAdmin);
  EXPECT_EQ(appended_types(), (Types{"UserDefined"}));
  When(User("alice", {"buyer", "admin"}), kAdmin);
  EXPECT_EQ(appended_types(), (Types{"UserDefined", "EnabledAdminsChanged"}));
  EXPECT_EQ(Admins(), (Types{"alice", "root"}));
}

TEST_F(AccessScenarios, TheLastEnabledAdminCanBeNeitherDisabledNorDemoted) {
  DefineUser("root", {"admin"});
  When(User("root", {"admin"}, /*disabled=*/true), kAdmin);
  ExpectRejected(Errc::kInvalidState, "last_admin");
  When(User("root", {"buyer"}), kAdmin);
  ExpectRejected(Errc::kInvalidState, "last_admin");
  EXPECT_EQ(Admins(), (Types{"root"}));
  // With another enabled admin, either may go.
  DefineUser("second", {"admin"});
  When(User("root", {"admin"}, /*disabled=*/true), kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(), (Types{"UserDefined", "EnabledAdminsChanged"}));
  EXPECT_EQ(Admins(), (Types{"second"}));
  When(User("second", {}), kAdmin);
  ExpectRejected(Errc::kInvalidState, "last_admin");
  // A disabled admin enabled again counts again.
  DefineUser("root", {"admin"});
  EXPECT_EQ(Admins(), (Types{"root", "second"}));
}

TEST_F(AccessScenarios, ALedgerOfBeforeTheDirectoryListsItsAdminsOnce) {
  Ok(UserOfOld("old1", {"admin"}), kAdmin);
  Ok(UserOfOld("old2", {"admin", "buyer"}), kAdmin);
  Ok(UserOfOld("bob", {"buyer"}), kAdmin);
  ASSERT_TRUE(Admins().empty());
  LogCursor before = node().log().End();
  ASSERT_TRUE(reference::ListAdminsOnce(node().engine()).ok());
  EXPECT_EQ(Admins(), (Types{"old1", "old2"}));
  const uint64_t after_listing = CursorTotal(node().log().End());
  EXPECT_EQ(after_listing, CursorTotal(before) + 1);
  ASSERT_TRUE(reference::ListAdminsOnce(node().engine()).ok());
  EXPECT_EQ(CursorTotal(node().log().End()), after_listing) << "listed once only";
  When(User("old1", {"admin"}, /*disabled=*/true), kAdmin);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  When(User("old2", {"buyer"}), kAdmin);
  ExpectRejected(Errc::kInvalidState, "last_admin");
}

TEST_F(AccessScenarios, AnEmptyLedgerListsNothing) {
  ASSERT_TRUE(reference::ListAdminsOnce(node().engine()).ok());
  EXPECT_EQ(CursorTotal(node().log().End()), 0u);
}

// The token key and the shape of tokens.

TEST(TokenKeyTest, TheKeyIsCreatedOnceWithMode0600AndReadBackByEveryNode) {
  TempDir dir;
  const std::string path = dir.path() + "/token.key";
  auto first = api::TokenKey::LoadOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(std::filesystem::file_size(path), api::TokenKey::kBytes);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto second = api::TokenKey::LoadOrCreate(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->Digest("ldg_x"), second->Digest("ldg_x"));
  EXPECT_EQ(first->Digest("ldg_x").size(), 32u);
  EXPECT_NE(first->Digest("ldg_x"), first->Digest("ldg_y"));
  // Another key digests differently: a digest is useless without its key.
  auto other = api::TokenKey::LoadOrCreate(dir.path() + "/other.key");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->Digest("ldg_x"), first->Digest("ldg_x"));
  std::filesystem::resize_file(path, 31);
  EXPECT_EQ(api::TokenKey::LoadOrCreate(path).status().code(), Errc::kCorruption);
  EXPECT_EQ(api::TokenKey::LoadOrCreate(dir.path() + "/missing/token.key").status().code(),
            Errc::kIoError);
}

TEST(TokenShapeTest, ATokenCarriesItsIdAndNothingElseHasOne) {
  auto t = api::GenerateToken();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->id.size(), 20u);
  EXPECT_EQ(t->id.rfind("tok_", 0), 0u);
  EXPECT_EQ(t->bearer.substr(0, 25), "ldg_" + t->id + "_");
  EXPECT_EQ(t->bearer.size(), 4 + 20 + 1 + 64u);
  EXPECT_EQ(api::TokenIdOf(t->bearer), t->id);
  EXPECT_NE(api::GenerateToken()->bearer, t->bearer);
  for (const std::string& other :
       {std::string("ldg_") + std::string(64, 'a'), std::string("test-admin-token"),
        std::string(), t->bearer.substr(1), t->bearer + "0",
        "ldg_tok_0123456789ABCDEF_" + std::string(64, 'a'),
        "ldg_tok_0123456789abcdef-" + std::string(64, 'a'),
        "ldg_tik_0123456789abcdef_" + std::string(64, 'a')}) {
    EXPECT_FALSE(api::TokenIdOf(other).has_value()) << other;
  }
  EXPECT_TRUE(api::SameDigest("abc", "abc"));
  EXPECT_FALSE(api::SameDigest("abc", "abd"));
  EXPECT_FALSE(api::SameDigest("abc", "abcd"));
}

}  // namespace
}  // namespace ledger::testing
