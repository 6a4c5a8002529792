// The fault campaign against real ledgerd processes (docs/RELIABILITY.md):
// - the crash loop: cycles of load, SIGKILL at a random instant, restart;
//   every acknowledged command is present exactly once, retrying the
//   unacknowledged ones never duplicates them, numbering stays gap-free and
//   the chains verify. LEDGER_CRASH_CYCLES sets the cycles (CI: 3).
// - a full disk (a tmpfs mounted by the test when it runs as root);
// - damaged WAL bytes: acknowledged records lost stop start-up, a torn tail
//   never acknowledged is dropped.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <set>
#include <map>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "tests/http_support.h"
#include "tests/process_support.h"
#include "tests/test_support.h"
#include "events/purchasing_events.h"

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


// What the clients were told, across every run of the server.
struct Acknowledged {
  std::mutex mu;
  std::map<std::string, std::string> ids;  // tag -> order id
  std::vector<std::string> in_flight;      // per client: the request not answered yet
  std::map<int, int> statuses;             // every answer's status
};

// `clients` threads create orders (each with its own Idempotency-Key) until
// `stop` or until the server stops answering.
void CreateOrders(int port, int clients, int cycle, const std::atomic<bool>& stop,
                  Acknowledged* acked) {
  {
    std::lock_guard lock(acked->mu);
    acked->in_flight.assign(clients, "");
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      JsonClient c(port, kToken);
      for (int i = 0; !stop; ++i) {
        std::string tag = fmt::format("r{}-c{}-{}", cycle, t, i);
        {
          std::lock_guard lock(acked->mu);
          acked->in_flight[t] = tag;
        }
        auto r = c.Post("/v1/purchase-orders", Order(tag), {{"Idempotency-Key", tag}});
        if (r.status == 0) return;  // the server is gone
        std::lock_guard lock(acked->mu);
        acked->statuses[r.status]++;
        if (r.status == 201) {
          acked->ids[tag] = r.json["id"];
          acked->in_flight[t].clear();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
}

// Retries what was in flight with the same key: each ends up present exactly
// once, whether or not the crash had made it durable.
void RetryInFlight(JsonClient& c, Acknowledged* acked) {
  for (const auto& tag : acked->in_flight) {
    if (tag.empty()) continue;
    auto r = c.Post("/v1/purchase-orders", Order(tag), {{"Idempotency-Key", tag}});
    ASSERT_EQ(r.status, 201) << r.body;
    if (acked->ids.count(tag)) {
      EXPECT_EQ(r.json["id"], acked->ids[tag]) << tag;
    }
    acked->ids[tag] = r.json["id"];
  }
  acked->in_flight.clear();
}

// Every acknowledged order is there exactly once with its contents; the N
// orders of the log are numbered 1..N; the chains verify. Returns N.
int CheckLedger(JsonClient& c, const Acknowledged& acked) {
  for (const auto& [tag, id] : acked.ids) {
    auto po = c.Get("/v1/purchase-orders/" + id);
    EXPECT_EQ(po.status, 200) << tag << " " << id;
    if (po.status != 200) return 0;
    EXPECT_EQ(po.json["notes"]["internal"], tag);
    EXPECT_EQ(po.json["totals"]["total"], "1199.99");
  }
  auto created = CreatedByTag(c);
  for (const auto& [tag, id] : acked.ids) EXPECT_EQ(created[tag], 1) << tag;
  int total = 0;
  for (const auto& [tag, n] : created) {
    EXPECT_LE(n, 1) << tag;
    total += n;
  }
  if (acked.ids.empty()) return total;
  std::string series = acked.ids.begin()->second.substr(0, 8);  // "PO-2026-"
  std::set<std::string> ids;
  for (int n = 1; n <= total; ++n) {
    std::string id = fmt::format("{}{:05}", series, n);
    EXPECT_EQ(c.Get("/v1/purchase-orders/" + id).status, 200) << id;
    ids.insert(id);
  }
  EXPECT_EQ(c.Get(fmt::format("/v1/purchase-orders/{}{:05}", series, total + 1)).status, 404);
  for (const auto& [tag, id] : acked.ids) EXPECT_TRUE(ids.count(id)) << id;
  auto verify = c.Get("/v1/audit/verify");
  EXPECT_EQ(verify.json["ok"], true) << verify.body;
  return total;
}

int CrashCycles() {
  const char* env = std::getenv("LEDGER_CRASH_CYCLES");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 3;
}

TEST(CrashTest, KillNineLosesNothingAcknowledgedAndDuplicatesNothing) {
  TempDir dir;
  std::mt19937_64 rng(TestSeed("CrashTest"));
  const std::vector<std::string> args = {"--data-dir", dir.path(), "--listen", "127.0.0.1:0",
                                         "--admin-token", kToken};
  Acknowledged acked;
  const int cycles = CrashCycles();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    LedgerdProcess server(args);
    ASSERT_GT(server.port(), 0) << "cycle " << cycle << ": " << server.output();
    JsonClient admin(server.port(), kToken);
    if (cycle == 0) {
      Seed(admin);
    } else {
      RetryInFlight(admin, &acked);
      CheckLedger(admin, acked);
      if (::testing::Test::HasFailure()) return;
    }
    std::atomic<bool> stop{false};
    std::thread load([&] { CreateOrders(server.port(), 6, cycle, stop, &acked); });
    // SIGKILL at a random instant of the load.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1200));
    server.Kill();
    stop = true;
    load.join();
  }
  ASSERT_GT(acked.ids.size(), 20u) << "too little load to mean anything";

  LedgerdProcess restarted(args);
  ASSERT_GT(restarted.port(), 0);
  JsonClient c(restarted.port(), kToken);
  RetryInFlight(c, &acked);
  const int total = CheckLedger(c, acked);
  std::printf("crash loop: %d cycles, %zu orders acknowledged, %d in the log after\n", cycles,
              acked.ids.size(), total);
  EXPECT_EQ(restarted.Terminate(), 0);  // SIGTERM drains and exits cleanly
}

// The newest WAL of the log after `orders` acknowledged orders and a SIGKILL.
std::string KilledWithOrders(const std::vector<std::string>& args, const std::string& log_dir,
                             int orders, Acknowledged* acked) {
  LedgerdProcess server(args);
  EXPECT_GT(server.port(), 0);
  JsonClient c(server.port(), kToken);
  Seed(c);
  for (int i = 0; i < orders; ++i) {
    std::string tag = fmt::format("o{}", i);
    auto r = c.Post("/v1/purchase-orders", Order(tag));
    EXPECT_EQ(r.status, 201);
    acked->ids[tag] = r.json["id"];
  }
  server.Kill();
  std::string wal;
  for (const auto& e : std::filesystem::directory_iterator(log_dir)) {
    if (e.path().extension() == ".log" && (wal.empty() || e.path().string() > wal)) {
      wal = e.path().string();
    }
  }
  return wal;
}

TEST(CorruptionTest, AFlippedByteInTheWalStopsStartUpUnlessTheOperatorAccepts) {
  TempDir dir;
  const std::vector<std::string> args = {"--data-dir", dir.path(), "--listen", "127.0.0.1:0",
                                         "--admin-token", kToken};
  Acknowledged acked;
  const std::string wal = KilledWithOrders(args, dir.path() + "/log", 300, &acked);
  ASSERT_FALSE(wal.empty());
  const auto size = std::filesystem::file_size(wal);
  ASSERT_GT(size, 4096u);
  {
    // One byte near the end: inside the last acknowledged batch.
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size - 200));
    char b = 0;
    f.read(&b, 1);
    b = static_cast<char>(b ^ 0x01);
    f.seekp(static_cast<std::streamoff>(size - 200));
    f.write(&b, 1);
  }
  {
    LedgerdProcess refused(args, true);
    EXPECT_EQ(refused.port(), 0) << "started on a log that lost acknowledged records";
    EXPECT_EQ(refused.WaitExit(30'000), 1);
    const std::string out = refused.output();
    EXPECT_NE(out.find("lost records that were acknowledged: ledger.purchasing/0@"),
              std::string::npos) << out;
    EXPECT_NE(out.find("--accept-lost-records"), std::string::npos);
  }
  auto accepting = args;
  accepting.push_back("--accept-lost-records");
  LedgerdProcess server(accepting, true);
  ASSERT_GT(server.port(), 0) << server.output();
  JsonClient c(server.port(), kToken);
  int present = 0;
  for (const auto& [tag, id] : acked.ids) present += c.Get("/v1/purchase-orders/" + id).status == 200;
  EXPECT_GE(present, 290);
  EXPECT_LT(present, 300);
  EXPECT_EQ(c.Post("/v1/purchase-orders", Order("after")).status, 201);
  EXPECT_EQ(c.Get("/v1/audit/verify").json["ok"], true);
}

TEST(CorruptionTest, ATornTailThatWasNeverAcknowledgedIsDropped) {
  TempDir dir;
  const std::vector<std::string> args = {"--data-dir", dir.path(), "--listen", "127.0.0.1:0",
                                         "--admin-token", kToken};
  Acknowledged acked;
  const std::string wal = KilledWithOrders(args, dir.path() + "/log", 50, &acked);
  ASSERT_FALSE(wal.empty());
  {
    // Half a record after the last one, as a crash in the middle of a write
    // leaves it.
    std::ofstream f(wal, std::ios::app | std::ios::binary);
    std::string torn = "\x12\x34\x56\x78\xff\x7f\x01";
    torn += std::string(40, '\x42');
    f << torn;
  }
  LedgerdProcess server(args, true);
  ASSERT_GT(server.port(), 0) << server.output();
  JsonClient c(server.port(), kToken);
  EXPECT_EQ(CheckLedger(c, acked), 50);
}

// A tmpfs of `megabytes` at a new directory, unmounted on destruction. It
// needs root (CI runs as root); mounted() is false elsewhere.
class Tmpfs {
 public:
  explicit Tmpfs(int megabytes) {
    path_ = dir_.path() + "/fs";
    if (geteuid() != 0 || mkdir(path_.c_str(), 0700) != 0) return;
    const std::string size = fmt::format("size={}m", megabytes);
    mounted_ = mount("tmpfs", path_.c_str(), "tmpfs", 0, size.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
  bool mounted_ = false;
};

int64_t MetricValue(const std::string& text, const std::string& name) {
  auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::atoll(text.c_str() + at + name.size() + 2);
}

TEST(StorageFaultTest, FullDiskRefusesCommandsKeepsReadsAndResumesWithoutRestart) {
  Tmpfs fs(16);
  if (!fs.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root; the full-disk test is skipped";
  // Ballast that the test deletes to give space back.
  const std::string ballast = fs.path() + "/ballast";
  {
    std::ofstream out(ballast, std::ios::binary);
    std::string mb(1 << 20, 'x');
    for (int i = 0; i < 4; ++i) out << mb;
  }
  const std::vector<std::string> args = {"--data-dir", fs.path() + "/data", "--listen",
                                         "127.0.0.1:0", "--admin-token", kToken};
  Acknowledged acked;
  LedgerdProcess server(args, true);
  ASSERT_GT(server.port(), 0) << server.output();
  JsonClient c(server.port(), kToken);
  Seed(c);
  {
    // Load until the disk is full and every client has been refused a while.
    std::atomic<bool> stop{false};
    std::thread load([&] { CreateOrders(server.port(), 4, 0, stop, &acked); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(acked.mu);
        if (acked.statuses[507] >= 200) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop = true;
    load.join();
  }
  for (const auto& [status, n] : acked.statuses) {
    EXPECT_TRUE(status == 201 || status == 507) << n << " answers " << status;
  }
  ASSERT_GE(acked.statuses[507], 200) << "the disk never filled";
  ASSERT_GT(acked.ids.size(), 10u);
  std::printf("full disk: %d orders acknowledged, %d refused with 507\n", acked.statuses[201],
              acked.statuses[507]);

  // Refused, the server is up: reads work, readiness and metrics say why.
  auto refused = c.Post("/v1/purchase-orders", Order("while-full"));
  EXPECT_EQ(refused.status, 507) << refused.body;
  EXPECT_EQ(refused.json["error"]["code"], "insufficient_storage");
  EXPECT_NE(refused.json["error"]["message"].get<std::string>().find("disk is full"),
            std::string::npos);
  auto one = c.Get("/v1/purchase-orders/" + acked.ids.begin()->second);
  EXPECT_EQ(one.status, 200);
  auto ready = c.Get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json["code"], "insufficient_storage") << ready.body;
  EXPECT_EQ(MetricValue(c.Get("/metrics").body, "ledger_writes_suspended"), 1);

  // Space comes back: commands are accepted again without a restart, and
  // the numbers continue where the log stands (nothing phantom in between).
  ASSERT_EQ(std::remove(ballast.c_str()), 0);
  HttpReply resumed;
  for (int i = 0; i < 100; ++i) {
    resumed = c.Post("/v1/purchase-orders", Order("after-space"), {{"Idempotency-Key", "after"}});
    if (resumed.status != 507) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(resumed.status, 201) << resumed.body;
  acked.ids["after-space"] = resumed.json["id"];
  for (int i = 0; i < 20; ++i) {
    std::string tag = fmt::format("after-{}", i);
    auto r = c.Post("/v1/purchase-orders", Order(tag));
    ASSERT_EQ(r.status, 201) << r.body;
    acked.ids[tag] = r.json["id"];
  }
  // Projections retry their failed batch within a second or two.
  for (int i = 0; i < 50 && c.Get("/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(c.Get("/readyz").status, 200) << c.Get("/readyz").body;
  EXPECT_EQ(MetricValue(c.Get("/metrics").body, "ledger_writes_suspended"), 0);
  const int total = CheckLedger(c, acked);
  EXPECT_EQ(total, static_cast<int>(acked.ids.size()));
  EXPECT_EQ(server.Terminate(), 0);

  // And a restart finds exactly the same ledger.
  LedgerdProcess restarted(args);
  ASSERT_GT(restarted.port(), 0);
  JsonClient again(restarted.port(), kToken);
  EXPECT_EQ(CheckLedger(again, acked), total);
}

}  // namespace
}  // namespace ledger::testing
