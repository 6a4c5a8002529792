// The integrators' reads over HTTP: the event feed paged to its end, the
// schemas, metrics and OpenAPI document, and server-sent events that replay
// the backlog, then follow live, and resume from an event's id.
#include <string>
#include <thread>

#include "tests/http_fixture.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;

TEST_P(HttpTest, EventFeedSchemasMetricsAndOpenApi) {
  SeedOverHttp();
  admin_->Post("/v1/purchase-orders", NewOrder());
  auto auditor = As("carol", {"auditor"});
  std::string after;
  size_t seen = 0;
  std::string last_hash;
  for (int i = 0; i < 100; ++i) {
    auto page = auditor->Get("/v1/events?limit=7&after=" + after);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& e : page.json["events"]) {
      EXPECT_EQ(e["hash"].get<std::string>().size(), 64u);
      EXPECT_TRUE(e.contains("payload"));
      ++seen;
    }
    if (page.json["events"].empty()) break;
    after = page.json["next"];
  }
  EXPECT_EQ(seen, LogSize());
  EXPECT_EQ(auditor->Get("/v1/events?after=1.2").status, 400);
  EXPECT_EQ(auditor->Get("/v1/events?limit=0").status, 400);

  auto schemas = auditor->Get("/v1/schemas");
  ASSERT_EQ(schemas.status, 200);
  bool has_envelope = false;
  for (const auto& s : schemas.json["schemas"]) {
    if (s["name"] == "envelope.fbs") {
      has_envelope = s["text"].get<std::string>().find("table Envelope") != std::string::npos;
    }
  }
  EXPECT_TRUE(has_envelope);
  auto metrics = auditor->Get("/metrics");
  EXPECT_NE(metrics.body.find("ledger_commands_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("ledger_projection_lag{projection=\"audit\"}"), std::string::npos);
  auto openapi = auditor->Get("/v1/openapi.json");
  EXPECT_TRUE(openapi.json["paths"].contains("/v1/purchase-orders/{id}/confirm"));
}

TEST_P(HttpTest, ServerSentEventsReplayTheBacklogThenFollowLive) {
  SeedOverHttp();
  const uint64_t backlog = LogSize();
  const std::string zero = EncodeCursor(LogCursor(node().log().layout().partition_count(), 0));
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kAdminToken}};
  std::string data;
  std::thread creator;
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = data.find(what); at != std::string::npos; at = data.find(what, at + 1)) ++n;
    return n;
  };
  auto res = client.Get(("/v1/events/stream?after=" + zero).c_str(), auth,
                        [&](const char* chunk, size_t size) {
                          data.append(chunk, size);
                          if (!creator.joinable() && count("\nevent: ") >= backlog) {
                            // The backlog is in: an order created now must arrive live.
                            creator = std::thread([&] {
                              EXPECT_EQ(admin_->Post("/v1/purchase-orders", NewOrder()).status, 201);
                            });
                          }
                          return data.find("event: PurchaseOrderCreated") == std::string::npos;
                        });
  if (creator.joinable()) creator.join();
  EXPECT_NE(data.find("event: PurchaseOrderCreated"), std::string::npos) << data.substr(0, 500);
  EXPECT_GE(count("\nevent: "), backlog + 1);
  EXPECT_EQ(data.find("id: "), 0u);  // every event carries its resume cursor
  // Resuming from the last id before the order delivers the order first.
  auto created_at = data.find("event: PurchaseOrderCreated");
  auto id_at = data.rfind("id: ", data.rfind("id: ", created_at) - 1);
  std::string last_id = data.substr(id_at + 4, data.find('\n', id_at) - id_at - 4);
  std::string resumed;
  client.Get(("/v1/events/stream?after=" + last_id).c_str(), auth,
             [&](const char* chunk, size_t size) {
               resumed.append(chunk, size);
               return resumed.find("\n\n") == std::string::npos;
             });
  EXPECT_NE(resumed.find("event: PurchaseOrderCreated"), std::string::npos) << resumed;
  EXPECT_EQ(client.Get("/v1/events/stream?after=nonsense", auth)->status, 400);
}

}  // namespace
}  // namespace ledger::testing
