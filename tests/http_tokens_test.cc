// Who may call the API over HTTP: authentication and roles, API tokens
// (issued, listed, revoked, never written to the log in a form a guess can be
// tested against), the last enabled admin, and the break glass of the real
// binary's --admin-token.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "events/codec.h"
#include "events/reference_events.h"
#include "tests/http_fixture.h"
#include "tests/process_support.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;

TEST_P(HttpTest, AuthenticationAndRoles) {
  SeedOverHttp();
  JsonClient anonymous(port_, "");
  EXPECT_EQ(anonymous.Get("/v1/suppliers/ACME").status, 401);
  EXPECT_EQ(anonymous.Get("/v1/suppliers/ACME").error_code(), "unauthorized");
  EXPECT_EQ(anonymous.Post("/v1/purchase-orders", NewOrder()).status, 401);
  JsonClient forged(port_, "ldg_not_a_token");
  EXPECT_EQ(forged.Get("/v1/suppliers/ACME").status, 401);
  EXPECT_EQ(anonymous.Get("/healthz").status, 200);

  auto auditor = As("carol", {"auditor"});
  EXPECT_EQ(auditor->Get("/v1/suppliers/ACME").status, 200);
  auto denied = auditor->Post("/v1/purchase-orders", NewOrder());
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.error_code(), "forbidden");
  EXPECT_EQ(auditor->Post("/v1/suppliers", {{"id", "Z"}, {"name", "z"}, {"currency", "EUR"}}).status,
            403);
  auto buyer = As("alice", {"buyer"});
  EXPECT_EQ(buyer->Get("/v1/audit").status, 403);
  EXPECT_EQ(buyer->Post("/v1/users", {{"id", "eve"}, {"name", "e"}, {"roles", {"admin"}}}).status,
            403);
  auto integrator = As("ivan", {"integrator"});
  EXPECT_EQ(integrator->Get("/v1/events").status, 200);
  EXPECT_EQ(integrator->Get("/v1/schemas").status, 200);
  EXPECT_EQ(integrator->Get("/v1/suppliers/ACME").status, 403);
  auto bad_role = admin_->Post("/v1/users", {{"id", "x"}, {"name", "x"}, {"roles", {"king"}}});
  EXPECT_EQ(bad_role.status, 400);
  // A disabled user's token stops working.
  auto off = admin_->Put("/v1/users/alice", {{"name", "alice"}, {"roles", {"buyer"}}, {"disabled", true}});
  EXPECT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(buyer->Get("/v1/suppliers/ACME").status, 401);
}

// Issue 9: tokens have ids, are shown once, listed without their secret,
// revocable at once, and no event holds a digest that a guess can be tested
// against.

TEST_P(HttpTest, ATokenHasAnIdIsShownOnceAndIsListedWithoutItsSecret) {
  CreateUser("alice", {"buyer"});
  const Json issued = IssueToken("alice", "laptop");
  const std::string id = issued.value("id", "");
  const std::string token = issued.value("token", "");
  EXPECT_TRUE(std::regex_match(id, std::regex("tok_[0-9a-f]{16}"))) << id;
  EXPECT_TRUE(std::regex_match(token, std::regex("ldg_" + id + "_[0-9a-f]{64}"))) << token;
  EXPECT_EQ(issued["user"], "alice");
  EXPECT_EQ(issued["label"], "laptop");
  EXPECT_TRUE(issued["created_at"].is_string()) << issued;
  EXPECT_EQ(issued.size(), 5u) << issued;

  JsonClient alice(port_, token);
  EXPECT_EQ(alice.Get("/v1/users/alice").status, 200);
  CatchUp();
  const std::string secret = token.substr(token.rfind('_') + 1);
  const std::string digest = events::ToHex(
      reinterpret_cast<const uint8_t*>(node().token_key().Digest(token).data()), 32);
  for (JsonClient* reader : {&alice, admin_.get()}) {
    auto list = reader->Get("/v1/users/alice/tokens");
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json["items"].size(), 1u) << list.body;
    const Json& item = list.json["items"][0];
    EXPECT_EQ(item["id"], id);
    EXPECT_EQ(item["label"], "laptop");
    EXPECT_EQ(item["created_at"], issued["created_at"]);
    EXPECT_TRUE(item["last_used_at"].is_string()) << "alice just used it: " << item;
    EXPECT_EQ(item["status"], "active");
    EXPECT_TRUE(item["revoked_at"].is_null());
    EXPECT_TRUE(item["revoked_by"].is_null());
    EXPECT_TRUE(list.json["next"].is_null());
    for (const std::string& hidden : {secret, digest, events::Sha256Hex(token)}) {
      EXPECT_EQ(list.body.find(hidden), std::string::npos) << list.body;
    }
  }
  auto bob = As("bob", {"buyer"});
  EXPECT_EQ(bob->Get("/v1/users/alice/tokens").status, 403);
  EXPECT_EQ(bob->Get("/v1/users/bob/tokens").status, 200);
  EXPECT_EQ(admin_->Get("/v1/users/nobody/tokens").status, 404);
  EXPECT_EQ(admin_->Get("/v1/users/alice/tokens?status=lost").status, 400);
  EXPECT_EQ(admin_->Get("/v1/users/alice/tokens?cursor=tok_0000000000000000").status, 400);
  const Json paths = admin_->Get("/v1/openapi.json").json["paths"];
  EXPECT_TRUE(paths["/v1/users/{id}/tokens"].contains("get")) << paths;
  EXPECT_TRUE(paths["/v1/users/{id}/tokens"].contains("post"));
  EXPECT_TRUE(paths["/v1/users/{id}/tokens/{token_id}/revoke"].contains("post"));
}

TEST_P(HttpTest, ARevokedTokenIsRefusedFromTheNextRequestOn) {
  CreateUser("alice", {"buyer"});
  CreateUser("bob", {"buyer"});
  const Json one = IssueToken("alice", "one");
  clock_.Advance(1000);  // the list is newest first
  const Json two = IssueToken("alice", "two");
  const std::string id1 = one["id"], id2 = two["id"];
  JsonClient first(port_, one["token"]), second(port_, two["token"]);
  EXPECT_EQ(first.Get("/v1/users/alice").status, 200);
  EXPECT_EQ(second.Post("/v1/users/alice/tokens/" + id2 + "/revoke", Json::object()).status, 403);

  auto revoked = admin_->Post("/v1/users/alice/tokens/" + id1 + "/revoke", {{"reason", "lost"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json["status"], "revoked");
  EXPECT_EQ(revoked.json["revoked_by"], "admin");
  EXPECT_TRUE(revoked.json["revoked_at"].is_string());
  EXPECT_EQ(first.Get("/v1/users/alice").status, 401);
  EXPECT_EQ(second.Get("/v1/users/alice").status, 200);

  auto again = admin_->Post("/v1/users/alice/tokens/" + id1 + "/revoke", Json::object());
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.error_code(), "invalid_state");
  auto other = admin_->PostRaw("/v1/users/bob/tokens/" + id2 + "/revoke", "");
  EXPECT_EQ(other.status, 404) << "a token is revoked under its own user only";
  EXPECT_EQ(second.Get("/v1/users/alice").status, 200);
  EXPECT_EQ(admin_->Post("/v1/users/alice/tokens/tok_ffffffffffffffff/revoke", Json::object())
                .status,
            404);

  CatchUp();
  auto all = admin_->Get("/v1/users/alice/tokens");
  ASSERT_EQ(all.json["items"].size(), 2u) << all.body;
  EXPECT_EQ(all.json["items"][0]["id"], id2);
  EXPECT_EQ(all.json["items"][1]["id"], id1);
  EXPECT_EQ(all.json["items"][1]["status"], "revoked");
  EXPECT_EQ(all.json["items"][1]["revoked_by"], "admin");
  auto active = admin_->Get("/v1/users/alice/tokens?status=active");
  ASSERT_EQ(active.json["items"].size(), 1u) << active.body;
  EXPECT_EQ(active.json["items"][0]["id"], id2);
  auto page = admin_->Get("/v1/users/alice/tokens?limit=1");
  ASSERT_EQ(page.json["items"].size(), 1u) << page.body;
  EXPECT_EQ(page.json["items"][0]["id"], id2);
  ASSERT_TRUE(page.json["next"].is_string()) << page.body;
  auto rest = admin_->Get("/v1/users/alice/tokens?limit=1&cursor=" +
                          page.json["next"].get<std::string>());
  ASSERT_EQ(rest.json["items"].size(), 1u) << rest.body;
  EXPECT_EQ(rest.json["items"][0]["id"], id1);
  EXPECT_TRUE(rest.json["next"].is_null());
}

TEST_P(HttpTest, TheLogHoldsTheTokenIdNeverTheTokenNorAPlainDigestOfIt) {
  CreateUser("alice", {"buyer"});
  const Json issued = IssueToken("alice", "ci");
  const std::string id = issued["id"], token = issued["token"];
  const std::string secret = token.substr(token.rfind('_') + 1);
  const std::string hmac = events::ToHex(
      reinterpret_cast<const uint8_t*>(node().token_key().Digest(token).data()), 32);
  const std::string feed = EventFeed();
  for (const std::string& hidden :
       {token, secret, events::Sha256Hex(token), events::Sha256Hex(secret), hmac,
        std::string(kAdminToken), events::Sha256Hex(kAdminToken)}) {
    EXPECT_EQ(feed.find(hidden), std::string::npos) << hidden;
  }
  EXPECT_NE(feed.find(id), std::string::npos);
  CatchUp();
  auto trail = admin_->Get("/v1/audit?stream_type=api_token&stream=" + id);
  ASSERT_EQ(trail.status, 200) << trail.body;
  ASSERT_EQ(trail.json["events"].size(), 1u) << trail.body;
  const Json& e = trail.json["events"][0];
  EXPECT_EQ(e["type"], "ApiTokenIssued");
  EXPECT_EQ(e["payload"], (Json{{"user_id", "alice"}, {"label", "ci"}})) << e;
}

TEST_P(HttpTest, ATokenOfBeforeIdsStillWorksIsListedAndRevoked) {
  CreateUser("alice", {"buyer"});
  // As ledgers issued tokens before ids: the stream named by the SHA-256 of
  // the secret, no keyed digest.
  const std::string old = "ldg_" + std::string(64, 'c');
  const std::string old_id = events::Sha256Hex(old);
  Command c = RawCommand("api_token", old_id, Expect::kNew, [](DecideContext&) -> Decision {
    events::ApiTokenIssuedT t;
    t.user_id = "alice";
    t.label = "from 2025";
    return One(Emit(std::move(t)));
  });
  Ok(std::move(c), kAdmin);
  JsonClient alice(port_, old);
  EXPECT_EQ(alice.Get("/v1/users/alice").status, 200);
  CatchUp();
  auto list = admin_->Get("/v1/users/alice/tokens");
  ASSERT_EQ(list.json["items"].size(), 1u) << list.body;
  EXPECT_EQ(list.json["items"][0]["id"], old_id);
  EXPECT_EQ(list.json["items"][0]["label"], "from 2025");
  EXPECT_TRUE(list.json["items"][0]["last_used_at"].is_string());
  auto revoked = admin_->Post("/v1/users/alice/tokens/" + old_id + "/revoke", Json::object());
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(alice.Get("/v1/users/alice").status, 401);
}

TEST_P(HttpTest, TokenRequestsThatCannotBeDoneAppendNothing) {
  auto alice = As("alice", {"buyer"});
  const std::string id = IssueToken("alice")["id"];
  auto gone = admin_->Post("/v1/users", {{"id", "gone"}, {"name", "g"}, {"disabled", true}});
  ASSERT_EQ(gone.status, 201) << gone.body;
  const uint64_t before = LogSize();
  struct Case {
    std::string path, body;
    int status;
    std::string code;
  };
  const std::string tokens = "/v1/users/alice/tokens";
  const std::vector<Case> cases = {
      {tokens, R"({"label":42})", 400, "malformed"},
      {tokens, R"({"label":["a"]})", 400, "malformed"},
      {tokens, R"({"label":")" + std::string(201, 'x') + "\"}", 400, "malformed"},
      {tokens, "[1]", 400, "malformed"},
      {tokens, "{not json", 400, "malformed"},
      {"/v1/users/nobody/tokens", "{}", 404, "not_found"},
      {"/v1/users/gone/tokens", "{}", 409, "invalid_state"},
      {tokens + "/" + id + "/revoke", R"({"reason":5})", 400, "malformed"},
      {tokens + "/tok_0000000000000000/revoke", "{}", 404, "not_found"},
      {"/v1/users/nobody/tokens/" + id + "/revoke", "{}", 404, "not_found"},
  };
  for (const auto& c : cases) {
    auto r = admin_->PostRaw(c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.body << " -> " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << c.path << " " << c.body;
  }
  EXPECT_EQ(alice->Post(tokens, Json::object()).status, 403);
  EXPECT_EQ(LogSize(), before);
}

TEST_P(HttpTest, TheLastEnabledAdminCannotBeDisabledOrDemoted) {
  const uint64_t before = LogSize();
  const Json disabled = {{"name", "Administrator"}, {"roles", {"admin"}}, {"disabled", true}};
  const Json demoted = {{"name", "Administrator"}, {"roles", {"buyer"}}};
  for (const Json& body : {disabled, demoted}) {
    auto r = admin_->Put("/v1/users/admin", body);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.error_code(), "invalid_state");
    EXPECT_EQ(r.json["error"]["rule"], "last_admin") << r.body;
  }
  EXPECT_EQ(LogSize(), before);
  CreateUser("root", {"admin"});
  auto off = admin_->Put("/v1/users/admin", disabled);
  EXPECT_EQ(off.status, 200) << off.body;
  auto root_off =
      admin_->Put("/v1/users/root", {{"name", "root"}, {"roles", {"admin"}}, {"disabled", true}});
  EXPECT_EQ(root_off.status, 409) << root_off.body;
  EXPECT_EQ(root_off.json["error"]["rule"], "last_admin");
  EXPECT_EQ(admin_->Get("/v1/users/root").json["status"], "active");
}

// The break glass in the real binary: --admin-token authenticates after the
// admin's every token is revoked and its user disabled, comes back enabled
// after a restart, and never reaches the log; the token key stays on disk.
TEST(BreakGlassProcessTest, TheAdminTokenOutlivesRevocationsDisablingAndRestarts) {
  TempDir dir;
  const std::string glass = "operator-chosen-glass";
  const std::vector<std::string> args = {"--data-dir", dir.path(), "--listen", "127.0.0.1:0",
                                         "--admin-token", glass};
  std::string kept;
  {
    LedgerdProcess server(args);
    ASSERT_GT(server.port(), 0) << server.output();
    JsonClient admin(server.port(), glass);
    auto daily = admin.Post("/v1/users/admin/tokens", {{"label", "daily"}});
    ASSERT_EQ(daily.status, 201) << daily.body;
    JsonClient daily_client(server.port(), daily.json["token"]);
    EXPECT_EQ(daily_client.Get("/v1/users/admin").status, 200);
    auto revoked = admin.Post("/v1/users/admin/tokens/" + daily.json["id"].get<std::string>() +
                                  "/revoke",
                              Json::object());
    EXPECT_EQ(revoked.status, 200) << revoked.body;
    EXPECT_EQ(daily_client.Get("/v1/users/admin").status, 401);
    EXPECT_EQ(admin.Get("/v1/users/admin").status, 200) << "every token of admin is revoked";
    ASSERT_EQ(admin.Post("/v1/users", {{"id", "root"}, {"name", "Root"}, {"roles", {"admin"}}})
                  .status,
              201);
    auto off = admin.Put("/v1/users/admin",
                         {{"name", "Administrator"}, {"roles", {"admin"}}, {"disabled", true}});
    ASSERT_EQ(off.status, 200) << off.body;
    auto read = admin.Get("/v1/users/admin");
    EXPECT_EQ(read.status, 200) << "the admin user is disabled";
    EXPECT_EQ(read.json["status"], "disabled");
    auto root_token = admin.Post("/v1/users/root/tokens", Json::object());
    ASSERT_EQ(root_token.status, 201) << root_token.body;
    kept = root_token.json["token"];
    auto feed = admin.Get("/v1/events?limit=1000");
    ASSERT_EQ(feed.status, 200);
    EXPECT_EQ(feed.body.find(glass), std::string::npos);
    EXPECT_EQ(feed.body.find(events::Sha256Hex(glass)), std::string::npos);
    EXPECT_EQ(server.Terminate(), 0);
  }
  const std::string key = dir.path() + "/token.key";
  ASSERT_TRUE(std::filesystem::exists(key));
  EXPECT_EQ(std::filesystem::file_size(key), 32u);
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  LedgerdProcess restarted(args);
  ASSERT_GT(restarted.port(), 0) << restarted.output();
  JsonClient admin(restarted.port(), glass);
  EXPECT_EQ(admin.Get("/v1/users/admin").json["status"], "active") << "--admin-token re-enables it";
  JsonClient root(restarted.port(), kept);
  EXPECT_EQ(root.Get("/v1/users/root").status, 200) << "tokens outlive a restart: the key is kept";
}

}  // namespace
}  // namespace ledger::testing
