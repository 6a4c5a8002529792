// Licensing over HTTP, end to end: a seat pool given to a team beyond its
// quota under `allow`, a concurrent pool checked out and in, usage posted
// twice under one source id, the pool read back now and as of before an
// assignment, the lists, and bad input refused with nothing appended.
#include "tests/http_fixture.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;

Json PoolBody(const char* product, const char* model, const char* quantity) {
  return Json{{"product", product},
              {"vendor", "Figmint"},
              {"model", model},
              {"quantity", quantity},
              {"term", {{"start", "2026-01-01"}, {"end", "2026-12-31"}}},
              {"unit_price", "180.00"},
              {"currency", "EUR"},
              {"auto_renew", true},
              {"notice_days", 90},
              {"cost_center", "IT"}};
}

TEST_P(HttpTest, LicenceManagerRunsPoolsTeamsSessionsAndUsage) {
  SeedOverHttp();
  for (const char* id : {"SEATS", "CAD", "CLOUD"}) {
    auto p = admin_->Post("/v1/products", {{"id", id},
                                           {"name", id},
                                           {"kind", "licence"},
                                           {"tax_code", "VAT20"},
                                           {"category", "hardware"}});
    ASSERT_EQ(p.status, 201) << p.body;
  }
  auto lm = As("lina", {"licence_manager"});
  Json seat = PoolBody("SEATS", "seat", "2");
  seat["overage"] = {{"policy", "allow"}, {"unit_price", "15.00"}, {"basis", "peak"}};
  auto created = lm->Post("/v1/licence-pools", seat);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string pool = created.json["id"];
  EXPECT_EQ(pool, "LP-2026-00001");
  EXPECT_EQ(created.json["state"], "active");

  // The Design team and its policy; three members on a quota of two.
  ASSERT_EQ(lm->Post("/v1/teams", {{"id", "design"}, {"name", "Design"}}).status, 201);
  auto policy = lm->Post("/v1/assignment-policies",
                         {{"id", "design-tools"}, {"team", "design"}, {"pools", {pool}}});
  ASSERT_EQ(policy.status, 201) << policy.body;
  for (const char* user : {"ann", "ben"}) {
    auto joined = lm->Post("/v1/teams/design/add-member", {{"user", user}});
    ASSERT_EQ(joined.status, 200) << joined.body;
  }
  const int64_t before_third = clock_.NowMicros();
  clock_.Advance(60 * 1'000'000);
  ASSERT_EQ(lm->Post("/v1/teams/design/add-member", {{"user", "cat"}}).status, 200);
  auto read = lm->Get("/v1/licence-pools/" + pool);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json["quota"], 2);
  EXPECT_EQ(read.json["assigned"], 3);
  EXPECT_EQ(read.json["free"], 0);
  EXPECT_EQ(read.json["overage"]["seats"], 1);
  EXPECT_EQ(read.json["overage"]["cost_this_period"], "15.00");
  EXPECT_EQ(read.json["status"], "active");
  EXPECT_EQ(read.json["term"]["end"], "2026-12-31");
  auto seats = lm->Get("/v1/licence-pools/" + pool + "/seats");
  ASSERT_EQ(seats.status, 200);
  EXPECT_EQ(seats.json["seats"].size(), 3u);
  EXPECT_EQ(seats.json["seats"][2]["user"], "cat");
  EXPECT_EQ(seats.json["seats"][2]["overage"], true);
  // As of before the third member joined: two seats, no overage.
  auto as_of = lm->Get("/v1/licence-pools/" + pool + "?as_of=" + IsoTimestamp(before_third));
  ASSERT_EQ(as_of.status, 200) << as_of.body;
  EXPECT_EQ(as_of.json["assigned"], 2);
  EXPECT_EQ(as_of.json["overage"]["seats"], 0);
  EXPECT_EQ(lm->Get("/v1/licence-pools/" + pool + "?as_of=2020-01-01T00:00:00Z").status, 404);
  EXPECT_EQ(lm->Get("/v1/licence-pools/" + pool + "?as_of=yesterday").status, 400);
  // Leaving the team gives the seat back.
  ASSERT_EQ(lm->Post("/v1/teams/design/remove-member", {{"user", "cat"}}).status, 200);
  EXPECT_EQ(lm->Get("/v1/licence-pools/" + pool).json["assigned"], 2);

  // A concurrent pool of one session.
  Json cad = PoolBody("CAD", "concurrent", "1");
  cad["lease_seconds"] = 600;
  auto cad_pool = lm->Post("/v1/licence-pools", cad);
  ASSERT_EQ(cad_pool.status, 201) << cad_pool.body;
  const std::string cad_id = cad_pool.json["id"];
  auto out = lm->Post("/v1/licence-pools/" + cad_id + "/checkout",
                      {{"user", "ann"}, {"session", "ws-1"}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.json["lease_expires_at"], IsoTimestamp(clock_.NowMicros() + 600'000'000));
  auto refused = lm->Post("/v1/licence-pools/" + cad_id + "/checkout",
                          {{"user", "ben"}, {"session", "ws-2"}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.json["error"]["details"]["rule"], "concurrent_limit");
  auto renewed = lm->Post("/v1/licence-pools/" + cad_id + "/renew", {{"session", "ws-1"}});
  EXPECT_EQ(renewed.status, 200) << renewed.body;
  auto pool_read = lm->Get("/v1/licence-pools/" + cad_id);
  EXPECT_EQ(pool_read.json["active_leases"].size(), 1u);
  EXPECT_EQ(pool_read.json["peak_concurrent_this_period"], 1);
  ASSERT_EQ(lm->Post("/v1/licence-pools/" + cad_id + "/checkin", {{"session", "ws-1"}}).status,
            200);
  EXPECT_EQ(lm->Post("/v1/licence-pools/" + cad_id + "/checkout",
                     {{"user", "ben"}, {"session", "ws-2"}})
                .status,
            200);

  // Usage posted twice under one source id counts once.
  Json usage = PoolBody("CLOUD", "usage", "1");
  usage["unit_price"] = "0.35";
  usage["usage"] = {{"unit", "hours"}, {"included", "1000"}, {"mode", "graduated"}};
  auto usage_pool = lm->Post("/v1/licence-pools", usage);
  ASSERT_EQ(usage_pool.status, 201) << usage_pool.body;
  const std::string usage_id = usage_pool.json["id"];
  const std::string now = IsoTimestamp(clock_.NowMicros());
  Json post = {{"quantity", "1234.5"}, {"at", now}, {"source_id", "meter-42"}};
  ASSERT_EQ(lm->Post("/v1/licence-pools/" + usage_id + "/usage", post).status, 200);
  const uint64_t size = LogSize();
  auto again = lm->Post("/v1/licence-pools/" + usage_id + "/usage", post);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(LogSize(), size);
  auto rated = lm->Get("/v1/licence-pools/" + usage_id);
  EXPECT_EQ(rated.json["usage"]["used_this_period"], "1234.5");
  EXPECT_EQ(rated.json["usage"]["charge_this_period"], "82.08");

  // The lists.
  CatchUp();
  auto list = lm->Get("/v1/licence-pools?model=seat");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_EQ(list.json["items"][0]["id"], pool);
  EXPECT_EQ(list.json["items"][0]["assigned"], 2);
  EXPECT_EQ(lm->Get("/v1/licence-pools?status=active").json["items"].size(), 3u);
  EXPECT_EQ(lm->Get("/v1/teams?member=ann").json["items"].size(), 1u);
}

TEST_P(HttpTest, LicensingRefusesBadInputAndAppendsNothing) {
  SeedOverHttp();
  auto lm = As("lina", {"licence_manager"});
  auto auditor = As("carol", {"auditor"});
  const uint64_t size = LogSize();
  Json bad = PoolBody("LAPTOP", "seat", "2");
  EXPECT_EQ(lm->Post("/v1/licence-pools", bad).json["error"]["details"]["rule"], "not_a_licence");
  bad["model"] = "floating";
  EXPECT_EQ(lm->Post("/v1/licence-pools", bad).status, 400);
  Json no_term = PoolBody("LAPTOP", "seat", "2");
  no_term.erase("term");
  EXPECT_EQ(lm->Post("/v1/licence-pools", no_term).status, 400);
  Json number = PoolBody("LAPTOP", "seat", "2");
  number["quantity"] = 2.5;
  EXPECT_EQ(lm->Post("/v1/licence-pools", number).status, 400);
  EXPECT_EQ(lm->PostRaw("/v1/licence-pools", "{nope").status, 400);
  EXPECT_EQ(lm->Post("/v1/licence-pools/LP-2026-00009/assign", {{"user", "ann"}}).status, 404);
  EXPECT_EQ(lm->Post("/v1/licence-pools/LP-2026-00009/assign", Json::object()).status, 400);
  EXPECT_EQ(lm->Post("/v1/licence-pools/LP-2026-00009/usage",
                     {{"quantity", "1"}, {"at", "soon"}, {"source_id", "x"}})
                .status,
            400);
  EXPECT_EQ(lm->Post("/v1/teams", {{"id", "bad id!"}, {"name", "x"}}).status, 400);
  EXPECT_EQ(lm->Post("/v1/assignment-policies", {{"id", "p"}, {"team", "t"}, {"pools", Json::array()}})
                .status,
            400);
  EXPECT_EQ(lm->Get("/v1/licence-pools/LP-2026-00009").status, 404);
  EXPECT_EQ(lm->Get("/v1/licence-pools/LP-2026-00009/seats").status, 404);
  EXPECT_EQ(auditor->Post("/v1/teams", {{"id", "t"}, {"name", "x"}}).status, 403);
  EXPECT_EQ(LogSize(), size + 0) << "a refused command appended";
}

}  // namespace
}  // namespace ledger::testing
