// Read replicas and writer fail-over on a real Kafka cluster (ctest's
// fixture KafkaCluster; skipped without one), with real ledgerd processes:
// - one writer and two readers (`--role reader`): the readers converge to
//   byte-identical answers to the writer's, one following the story live and
//   one started after it; every write on a reader answers 503 naming the
//   writer and appends nothing.
// - fail-over: the writer is killed (SIGKILL); a standby with the same
//   transactional id and a fresh data directory rebuilds from the topics
//   alone and numbers on without a gap, and the reader follows it.
// And without a cluster: a reader of the local log is refused at start.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>

#include "engine/clock.h"
#include "tests/http_support.h"
#include "tests/process_support.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;
constexpr const char* kToken = "kafka-replicas-test-admin";

std::string Brokers() { return KafkaClusterBrokers(); }

#define SKIP_WITHOUT_CLUSTER()                                                              \
  if (Brokers().empty()) {                                                                  \
    GTEST_SKIP() << "no real Kafka cluster: start one with tools/kafka/cluster start --dir " \
                    "DIR and set LEDGER_KAFKA_BROKERS (ctest does it: fixture KafkaCluster)"; \
  }

// One ledger on the cluster: its topics and its writer's transactional id.
struct Ledger {
  std::string name = UniqueKafkaName();

  std::vector<std::string> Args(const TempDir& dir, const std::string& role) const {
    const std::string brokers = Brokers();
    const int replication =
        static_cast<int>(std::min<size_t>(3, std::count(brokers.begin(), brokers.end(), ',') + 1));
    return {"--data-dir", dir.path(), "--listen", "127.0.0.1:0", "--admin-token", kToken,
            "--log", "kafka", "--kafka-brokers", brokers, "--kafka-topic-prefix", name + ".",
            "--kafka-transactional-id", "ledgerd-" + name, "--kafka-replication-factor",
            std::to_string(replication), "--role", role};
  }
  // A reader sharing the writer's token key, naming the writer.
  std::vector<std::string> ReaderArgs(const TempDir& dir, const TempDir& writer_dir,
                                      int writer_port) const {
    auto args = Args(dir, "reader");
    for (const std::string& a :
         {std::string("--token-key-file"), writer_dir.path() + "/token.key",
          std::string("--writer-url"), WriterUrl(writer_port)}) {
      args.push_back(a);
    }
    return args;
  }
  static std::string WriterUrl(int port) { return fmt::format("http://127.0.0.1:{}", port); }
};

void Seed(JsonClient& c) {
  ASSERT_EQ(c.Put("/v1/settings", {{"currency", "EUR"}, {"tax_rounding", "global"}}).status, 201);
  ASSERT_EQ(c.Post("/v1/tax-codes", {{"id", "VAT20"}, {"rate", "20"}}).status, 201);
  ASSERT_EQ(c.Post("/v1/cost-centers", {{"id", "IT"}, {"name", "IT"}}).status, 201);
  ASSERT_EQ(c.Post("/v1/categories", {{"id", "hardware"}, {"name", "Hardware"}}).status, 201);
  ASSERT_EQ(c.Post("/v1/suppliers", {{"id", "ACME"}, {"name", "Acme"}, {"currency", "EUR"}}).status,
            201);
  auto r = c.Post("/v1/products", {{"id", "LAPTOP"}, {"name", "Laptop"}, {"kind", "good"},
                                   {"tax_code", "VAT20"}, {"category", "hardware"}});
  ASSERT_EQ(r.status, 201) << r.body;
}

Json Order(const std::string& tag, const std::string& quantity = "1") {
  return {{"supplier", "ACME"},
          {"notes", {{"internal", tag}}},
          {"lines", {{{"product", "LAPTOP"}, {"quantity", quantity}, {"unit_price", "10"},
                      {"cost_center", "IT"}}}}};
}

// What is compared of an answer: its bytes, except for the event feed,
// whose interleaving of partitions depends on the order records arrive from
// the brokers (docs/KAFKA.md): its events as a sorted set of their exact
// JSON texts, and its `next` cursor.
std::string Comparable(const std::string& path, const HttpReply& reply) {
  if (path.rfind("/v1/events?", 0) != 0 || reply.status != 200) return reply.body;
  std::vector<std::string> events;
  for (const auto& e : reply.json["events"]) events.push_back(e.dump());
  std::sort(events.begin(), events.end());
  return Json{{"events", events}, {"next", reply.json["next"]}}.dump();
}

// Whether `reader` answers every path as `writer` does, byte for byte,
// within `timeout_s`; the first difference otherwise.
std::string Converge(JsonClient& writer, JsonClient& reader, const std::vector<std::string>& paths,
                     int timeout_s = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::string difference;
  while (true) {
    difference.clear();
    for (const auto& path : paths) {
      const HttpReply w = writer.Get(path);
      const HttpReply r = reader.Get(path);
      if (w.status != 200) return fmt::format("the writer answers {} {}: {}", path, w.status, w.body);
      if (r.status != w.status || Comparable(path, r) != Comparable(path, w)) {
        difference = fmt::format("{}: the writer answers {} {}\nthe reader answers {} {}", path,
                                 w.status, w.body.substr(0, 300), r.status, r.body.substr(0, 300));
        break;
      }
    }
    if (difference.empty() || std::chrono::steady_clock::now() > deadline) return difference;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// A write on a reader: 503 `unavailable`, naming the writer.
void ExpectRefused(const HttpReply& r, const std::string& writer_url) {
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json["error"]["code"], "unavailable") << r.body;
  EXPECT_EQ(r.json["error"]["writer"], writer_url) << r.body;
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find(writer_url), std::string::npos)
      << r.body;
}

// The story on the writer: reference data, a budget, orders (one
// confirmed), a user with a token of her own. Returns the ids of the orders.
std::vector<std::string> Story(JsonClient& w, std::string* mid_story) {
  Seed(w);
  const std::string month = IsoDate(SystemClock().NowMicros()).substr(0, 7);
  auto budget = w.Post("/v1/budgets", {{"id", "IT-HW"},
                                       {"currency", "EUR"},
                                       {"policy", "warn"},
                                       {"lines",
                                        {{{"cost_center", "IT"},
                                          {"category", "hardware"},
                                          {"periods", {{month, "10000.00"}}}}}}});
  EXPECT_EQ(budget.status, 201) << budget.body;
  std::vector<std::string> orders;
  for (int i = 0; i < 4; ++i) {
    auto po = w.Post("/v1/purchase-orders", Order(fmt::format("po-{}", i), std::to_string(i + 1)));
    EXPECT_EQ(po.status, 201) << po.body;
    orders.push_back(po.json.value("id", ""));
    if (i == 1) *mid_story = IsoTimestamp(SystemClock().NowMicros());
  }
  auto confirmed = w.Post("/v1/purchase-orders/" + orders[0] + "/confirm", Json::object());
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(w.Post("/v1/users", {{"id", "olga"}, {"name", "Olga"}, {"roles", {"admin"}}}).status,
            201);
  return orders;
}

// One writer and two readers: a reader following from the start and one
// started after the story converge to the writer's answers, byte for byte,
// for documents, histories, lists, the event feed, the audit trail and the
// budget report (now and as of the middle of the story); they authenticate
// the writer's tokens; every write on them answers 503 naming the writer
// and appends nothing; and they report their lag.
TEST(KafkaClusterReplicasTest, ReadersConvergeToTheWritersAnswersAndRefuseWrites) {
  SKIP_WITHOUT_CLUSTER();
  Ledger ledger;
  TempDir writer_dir, early_dir, late_dir;
  LedgerdProcess writer(ledger.Args(writer_dir, "writer"), true);
  ASSERT_GT(writer.port(), 0) << writer.output();
  const std::string writer_url = Ledger::WriterUrl(writer.port());
  LedgerdProcess early(ledger.ReaderArgs(early_dir, writer_dir, writer.port()), true);
  ASSERT_GT(early.port(), 0) << early.output();

  JsonClient w(writer.port(), kToken);
  std::string mid_story;
  const std::vector<std::string> orders = Story(w, &mid_story);
  ASSERT_FALSE(HasFailure());
  auto issued = w.Post("/v1/users/olga/tokens", {{"label", "replicas"}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string olga_token = issued.json["token"];

  LedgerdProcess late(ledger.ReaderArgs(late_dir, writer_dir, writer.port()), true);
  ASSERT_GT(late.port(), 0) << late.output();

  std::vector<std::string> paths = {
      "/v1/settings",
      "/v1/suppliers/ACME",
      "/v1/purchase-orders",
      "/v1/purchase-orders?status=confirmed",
      "/v1/users",
      "/v1/events?after=0&limit=1000",
      "/v1/audit?limit=1000",
      "/v1/audit?stream=" + orders[0],
      "/v1/budgets/IT-HW/report",
      "/v1/budgets/IT-HW/report?group_by=cost_center",
      "/v1/budgets/IT-HW/report?as_of=" + mid_story,
      "/v1/commitments?group_by=supplier",
      "/v1/users/olga",
  };
  for (const auto& id : orders) {
    paths.push_back("/v1/purchase-orders/" + id);
    paths.push_back("/v1/purchase-orders/" + id + "/history");
  }
  for (LedgerdProcess* reader : {&early, &late}) {
    // The writer's token, checked with the shared key against the users and
    // tokens the reader applied.
    JsonClient r(reader->port(), olga_token);
    EXPECT_EQ(Converge(w, r, paths), "") << reader->output();
    auto ready = r.Get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(ready.json["role"], "reader") << ready.body;
    EXPECT_EQ(ready.json["offsets_behind"], 0) << ready.body;
    auto metrics = r.Get("/metrics");
    EXPECT_NE(metrics.body.find("\nledger_replica_lag_offsets 0\n"), std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("ledger_replica_last_applied_age_seconds"), std::string::npos);
    EXPECT_EQ(JsonClient(reader->port(), "ldg_not_a_token").Get("/v1/settings").status, 401);
  }

  // Writes on a reader: refused before anything, the log unchanged.
  // Offsets in the log, by the writer's /metrics (a page of the feed can be
  // short on Kafka, so it is no measure of the log).
  auto log_offsets = [&w] {
    const std::string body = w.Get("/metrics").body;
    const std::string name = "\nledger_log_records ";
    const size_t at = body.find(name);
    return at == std::string::npos ? std::string("none")
                                   : body.substr(at + name.size(),
                                                 body.find('\n', at + 1) - at - name.size());
  };
  const std::string log_before = log_offsets();
  ASSERT_NE(log_before, "none");
  for (LedgerdProcess* reader : {&early, &late}) {
    JsonClient r(reader->port(), kToken);
    ExpectRefused(r.Post("/v1/purchase-orders", Order("on-a-reader")), writer_url);
    ExpectRefused(r.Post("/v1/purchase-orders/" + orders[1] + "/confirm", Json::object()),
                  writer_url);
    ExpectRefused(r.Put("/v1/settings", {{"currency", "USD"}}), writer_url);
    ExpectRefused(r.Post("/v1/users/olga/tokens", Json::object()), writer_url);
    ExpectRefused(JsonClient(reader->port(), "").Post("/v1/suppliers", {{"id", "X"}}), writer_url);
  }
  EXPECT_EQ(log_offsets(), log_before);

  // The readers go on following: a write after all that reaches them.
  auto later = w.Post("/v1/purchase-orders", Order("later"));
  ASSERT_EQ(later.status, 201) << later.body;
  paths.push_back("/v1/purchase-orders/" + later.json["id"].get<std::string>());
  for (LedgerdProcess* reader : {&early, &late}) {
    JsonClient r(reader->port(), kToken);
    EXPECT_EQ(Converge(w, r, paths), "") << reader->output();
  }
  EXPECT_EQ(early.Terminate(), 0);
  EXPECT_EQ(late.Terminate(), 0);
  EXPECT_EQ(writer.Terminate(), 0);
}

// Fail-over: the writer dies (SIGKILL, nothing flushed); a standby with the
// writer's transactional id and token key but a fresh data directory
// rebuilds everything from the topics, fences whatever the dead writer left
// open, and continues the numbering without a gap; every earlier document
// reads the same on it, and the reader follows the new writer.
TEST(KafkaClusterReplicasTest, AStandbyRebuiltFromTheTopicsTakesOverAfterTheWriterIsKilled) {
  SKIP_WITHOUT_CLUSTER();
  Ledger ledger;
  TempDir writer_dir, standby_dir, reader_dir;
  LedgerdProcess writer(ledger.Args(writer_dir, "all"), true);
  ASSERT_GT(writer.port(), 0) << writer.output();
  LedgerdProcess reader(ledger.ReaderArgs(reader_dir, writer_dir, writer.port()), true);
  ASSERT_GT(reader.port(), 0) << reader.output();
  JsonClient w(writer.port(), kToken);
  Seed(w);
  std::vector<std::string> orders;
  std::map<std::string, std::string> bodies;
  for (int i = 0; i < 5; ++i) {
    auto po = w.Post("/v1/purchase-orders", Order(fmt::format("before-{}", i)));
    ASSERT_EQ(po.status, 201) << po.body;
    orders.push_back(po.json["id"]);
    bodies[orders.back()] = w.Get("/v1/purchase-orders/" + orders.back()).body;
  }
  writer.Kill();

  auto standby_args = ledger.Args(standby_dir, "writer");
  standby_args.push_back("--token-key-file");
  standby_args.push_back(writer_dir.path() + "/token.key");
  LedgerdProcess standby(standby_args, true);
  ASSERT_GT(standby.port(), 0) << standby.output();
  JsonClient s(standby.port(), kToken);
  for (const auto& id : orders) {
    EXPECT_EQ(s.Get("/v1/purchase-orders/" + id).body, bodies[id]) << id;
  }
  auto next = s.Post("/v1/purchase-orders", Order("after"));
  ASSERT_EQ(next.status, 201) << next.body;
  const std::string last = orders.back();
  const std::string series = last.substr(0, last.size() - 5);
  EXPECT_EQ(next.json["id"], fmt::format("{}{:05}", series, std::stoi(last.substr(series.size())) + 1))
      << "last acknowledged " << last;
  EXPECT_EQ(s.Get("/v1/audit/verify").json["ok"], true);

  // The reader follows the log whoever writes it.
  JsonClient r(reader.port(), kToken);
  std::vector<std::string> paths = {"/v1/purchase-orders", "/v1/events?after=0&limit=1000",
                                    "/v1/purchase-orders/" + next.json["id"].get<std::string>()};
  EXPECT_EQ(Converge(s, r, paths), "") << reader.output();
  EXPECT_EQ(reader.Terminate(), 0);
  EXPECT_EQ(standby.Terminate(), 0);
}

// The local log is one process's RocksDB database: a reader of it is
// refused at start, with the reason, as a wrong configuration (exit 2).
TEST(ReplicaRoleTest, AReaderOfTheLocalLogIsRefusedAtStart) {
  TempDir dir;
  ProcessExit out = RunToExit(LEDGERD_BINARY, {"--data-dir", dir.path(), "--listen",
                                               "127.0.0.1:0", "--role", "reader"});
  EXPECT_EQ(out.code, 2) << out.output;
  EXPECT_NE(out.output.find("--role reader needs --log kafka"), std::string::npos) << out.output;
  ProcessExit bad = RunToExit(LEDGERD_BINARY, {"--data-dir", dir.path(), "--role", "follower"});
  EXPECT_EQ(bad.code, 2) << bad.output;
}

}  // namespace
}  // namespace ledger::testing
