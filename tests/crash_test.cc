// Crash test: a real ledgerd process under load from several clients is
// killed with SIGKILL; after a restart every acknowledged command is present
// exactly once, and retrying the unacknowledged ones never duplicates them.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <set>
#include <map>
#include <mutex>
#include <thread>

#include "tests/http_support.h"
#include "tests/process_support.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;
constexpr const char* kToken = "crash-test-admin";

void Seed(JsonClient& c) {
  c.Put("/v1/settings", {{"currency", "EUR"}, {"tax_rounding", "global"}});
  c.Post("/v1/tax-codes", {{"id", "VAT20"}, {"rate", "20"}});
  c.Post("/v1/cost-centers", {{"id", "IT"}, {"name", "IT"}});
  c.Post("/v1/suppliers", {{"id", "ACME"}, {"name", "Acme"}, {"currency", "EUR"}});
  auto r = c.Post("/v1/products", {{"id", "LAPTOP"}, {"name", "Laptop"}, {"kind", "good"},
                                   {"tax_code", "VAT20"}});
  ASSERT_EQ(r.status, 201) << r.body;
}

Json Order(const std::string& tag) {
  return {{"supplier", "ACME"},
          {"notes", {{"internal", tag}}},
          {"lines", {{{"product", "LAPTOP"}, {"quantity", "1"}, {"unit_price", "999.99"},
                      {"cost_center", "IT"}}}}};
}

// PurchaseOrderCreated events per internal note, read from the event feed.
std::map<std::string, int> CreatedByTag(JsonClient& c) {
  std::map<std::string, int> count;
  std::string after;
  while (true) {
    auto page = c.Get("/v1/events?limit=1000&after=" + after);
    EXPECT_EQ(page.status, 200);
    if (page.status != 200 || page.json["events"].empty()) break;
    for (const auto& e : page.json["events"]) {
      if (e["type"] == "PurchaseOrderCreated") ++count[e["payload"].value("note_internal", "")];
    }
    after = page.json["next"];
  }
  return count;
}

TEST(CrashTest, KillNineLosesNothingAcknowledgedAndDuplicatesNothing) {
  TempDir dir;
  constexpr int kClients = 6;
  std::mutex mu;
  std::map<std::string, std::string> acked;  // tag -> order id
  std::vector<std::string> in_flight(kClients);
  {
    LedgerdProcess server(
        {"--data-dir", dir.path(), "--listen", "127.0.0.1:0", "--admin-token", kToken});
    ASSERT_GT(server.port(), 0);
    JsonClient admin(server.port(), kToken);
    Seed(admin);
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) {
      clients.emplace_back([&, t] {
        JsonClient c(server.port(), kToken);
        for (int i = 0; !stop; ++i) {
          std::string tag = fmt::format("c{}-{}", t, i);
          {
            std::lock_guard lock(mu);
            in_flight[t] = tag;
          }
          auto r = c.Post("/v1/purchase-orders", Order(tag), {{"Idempotency-Key", tag}});
          if (r.status == 0) return;  // the server is gone
          if (r.status == 201) {
            std::lock_guard lock(mu);
            acked[tag] = r.json["id"];
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    server.Kill();  // SIGKILL, mid-load
    stop = true;
    for (auto& c : clients) c.join();
  }
  ASSERT_GT(acked.size(), 20u) << "too little load to mean anything";

  LedgerdProcess restarted(
      {"--data-dir", dir.path(), "--listen", "127.0.0.1:0", "--admin-token", kToken});
  ASSERT_GT(restarted.port(), 0);
  JsonClient c(restarted.port(), kToken);
  for (const auto& [tag, id] : acked) {
    auto po = c.Get("/v1/purchase-orders/" + id);
    ASSERT_EQ(po.status, 200) << tag << " " << id;
    EXPECT_EQ(po.json["notes"]["internal"], tag);
    EXPECT_EQ(po.json["totals"]["total"], "1199.99");
  }
  auto created = CreatedByTag(c);
  for (const auto& [tag, id] : acked) {
    EXPECT_EQ(created[tag], 1) << tag;
  }
  for (const auto& [tag, n] : created) EXPECT_LE(n, 1) << tag;
  // Clients retry what was in flight with the same key: each ends up present
  // exactly once, whether or not the crash had made it durable.
  for (const auto& tag : in_flight) {
    if (tag.empty()) continue;
    auto r = c.Post("/v1/purchase-orders", Order(tag), {{"Idempotency-Key", tag}});
    EXPECT_EQ(r.status, 201) << r.body;
    if (acked.count(tag)) {
      EXPECT_EQ(r.json["id"], acked[tag]);
    }
  }
  created = CreatedByTag(c);
  for (const auto& tag : in_flight) {
    if (!tag.empty()) {
      EXPECT_EQ(created[tag], 1) << tag;
    }
  }
  // Numbers stayed gap-free through the crash: N orders are PO-<year>-1..N.
  int total = 0;
  for (const auto& [tag, n] : created) total += n;
  std::string series = acked.begin()->second.substr(0, 8);  // "PO-2026-"
  std::set<std::string> ids;
  for (int n = 1; n <= total; ++n) {
    std::string id = fmt::format("{}{:05}", series, n);
    EXPECT_EQ(c.Get("/v1/purchase-orders/" + id).status, 200) << id;
    ids.insert(id);
  }
  EXPECT_EQ(c.Get(fmt::format("/v1/purchase-orders/{}{:05}", series, total + 1)).status, 404);
  for (const auto& [tag, id] : acked) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  std::printf("crash test: %zu orders acknowledged before SIGKILL, %d in the log after\n",
              acked.size(), total);
  auto verify = c.Get("/v1/audit/verify");
  EXPECT_EQ(verify.json["ok"], true) << verify.body;
  EXPECT_EQ(restarted.Terminate(), 0);  // SIGTERM drains and exits cleanly
}

}  // namespace
}  // namespace ledger::testing
