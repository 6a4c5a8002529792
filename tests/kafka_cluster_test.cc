// The Kafka backend against a real Apache Kafka cluster (tools/kafka/cluster,
// started by ctest's fixture KafkaCluster; skipped without one): what the
// mock cluster cannot show (kafka_test.cc).
// - Zombie fencing: two ledgerd processes with the same transactional id; the
//   second's init_transactions fences the first, which refuses every later
//   command with 503 `unavailable`, and nothing it did not acknowledge is
//   committed.
// - An aborted transaction: a batch whose records partly reached the brokers
//   is aborted; read_committed readers (the ledger itself, and after a
//   restart and a rebuild) never see them, while read_uncommitted shows they
//   are in the log.
// The both-backend suites run here too (their kafka_cluster instances), and
// tests/kafka_cluster_test.py kills ledgerd in the middle of transactions and
// reads the topics with third-party clients.
#include <librdkafka/rdkafka.h>

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "engine/kafka_log.h"
#include "engine/verify.h"
#include "events/purchasing_events.h"
#include "tests/http_support.h"
#include "tests/process_support.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;
constexpr const char* kToken = "kafka-cluster-test-admin";

std::string Brokers() { return KafkaClusterBrokers(); }

#define SKIP_WITHOUT_CLUSTER()                                                              \
  if (Brokers().empty()) {                                                                  \
    GTEST_SKIP() << "no real Kafka cluster: start one with tools/kafka/cluster start --dir " \
                    "DIR and set LEDGER_KAFKA_BROKERS (ctest does it: fixture KafkaCluster)"; \
  }

int ReplicationFactor(const std::string& brokers) {
  return static_cast<int>(std::min<size_t>(3, std::count(brokers.begin(), brokers.end(), ',') + 1));
}

// Every record of the ledger's topics under `prefix`, read with the given
// isolation level by a plain librdkafka consumer (not the ledger's reader):
// (topic, offset) -> value.
std::map<std::pair<std::string, int64_t>, std::string> ReadAll(const std::string& prefix,
                                                               const char* isolation) {
  std::map<std::pair<std::string, int64_t>, std::string> out;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", Brokers()},
                      {"group.id", "kafka-cluster-test"},
                      {"isolation.level", std::string(isolation)},
                      {"enable.partition.eof", "true"},
                      {"enable.auto.commit", "false"},
                      {"log_level", "3"}}) {
    LEDGER_ASSERT(rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
  }
  rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  LEDGER_ASSERT(c != nullptr);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kTopicCount);
  for (auto topic : kTopicNames) {
    rd_kafka_topic_partition_list_add(list, (prefix + std::string(topic)).c_str(), 0)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(c, list);
  rd_kafka_topic_partition_list_destroy(list);
  size_t at_end = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (at_end < kTopicCount && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
    } else if (!m->err) {
      out[{rd_kafka_topic_name(m->rkt), m->offset}] =
          std::string(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(at_end, kTopicCount) << "reading " << prefix << "* with " << isolation << " timed out";
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return out;
}

// The internal notes of the purchase orders created in `records`.
std::multiset<std::string> CreatedNotes(
    const std::map<std::pair<std::string, int64_t>, std::string>& records) {
  std::multiset<std::string> notes;
  for (const auto& [where, bytes] : records) {
    const auto* e = events::EnvelopeOf(bytes);
    if (events::Is<events::PurchaseOrderCreated>(*e)) {
      notes.insert(events::Str(events::As<events::PurchaseOrderCreated>(*e)->note_internal()));
    }
  }
  return notes;
}

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
          {"lines", {{{"product", "LAPTOP"}, {"quantity", "1"}, {"unit_price", "10"},
                      {"cost_center", "IT"}}}}};
}

// Two ledgerd processes with the same transactional id, as a writer and a
// standby that takes over while the writer still runs under load. Once the
// standby has started, the old writer answers every command with 503
// `unavailable` saying it was fenced; what is committed is exactly what it
// acknowledged, so nothing it tried after the standby's init_transactions
// got in; the standby continues the numbering without a gap.
TEST(KafkaClusterTest, ASecondWriterFencesTheFirstWhichStopsWriting) {
  SKIP_WITHOUT_CLUSTER();
  const std::string name = UniqueKafkaName();
  const std::string prefix = name + ".";
  TempDir dir_a, dir_b;
  auto args = [&](const TempDir& dir) {
    return std::vector<std::string>{
        "--data-dir", dir.path(), "--listen", "127.0.0.1:0", "--admin-token", kToken,
        "--log", "kafka", "--kafka-brokers", Brokers(), "--kafka-topic-prefix", prefix,
        "--kafka-transactional-id", "ledgerd-" + name, "--kafka-replication-factor",
        std::to_string(ReplicationFactor(Brokers()))};
  };
  LedgerdProcess a(args(dir_a), true);
  ASSERT_GT(a.port(), 0) << a.output();
  JsonClient ca(a.port(), kToken);
  Seed(ca);
  auto first = ca.Post("/v1/purchase-orders", Order("before"));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string series = first.json["id"].get<std::string>().substr(0, 8);  // "PO-2026-"

  // Load on the first writer while the second starts.
  std::mutex mu;
  std::set<std::string> acked;
  std::map<int, int> statuses;
  std::string refusal;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      JsonClient c(a.port(), kToken);
      for (int i = 0; !stop && i < 10'000; ++i) {
        std::string tag = fmt::format("a-{}-{}", t, i);
        auto r = c.Post("/v1/purchase-orders", Order(tag));
        std::lock_guard lock(mu);
        statuses[r.status]++;
        if (r.status == 201) acked.insert(tag);
        if (r.status == 503) {
          refusal = r.body;
          break;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto t0 = std::chrono::steady_clock::now();
  LedgerdProcess b(args(dir_b), true);
  ASSERT_GT(b.port(), 0) << b.output();
  const double takeover_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The first writer's next write fails: its clients stop at their first 503.
  for (auto& t : clients) t.join();
  stop = true;
  std::printf("fencing: the standby was serving after %.1f s; the old writer acknowledged %zu "
              "orders under load, answers %s\n",
              takeover_s, acked.size(), Json(statuses).dump().c_str());
  ASSERT_FALSE(refusal.empty()) << "the old writer never refused a command";
  Json err = Json::parse(refusal, nullptr, false);
  EXPECT_EQ(err["error"]["code"], "unavailable") << refusal;
  EXPECT_NE(err["error"]["message"].get<std::string>().find("fenced"), std::string::npos)
      << refusal;
  // And so on for good, without a restart.
  for (int i = 0; i < 3; ++i) {
    auto r = ca.Post("/v1/purchase-orders", Order(fmt::format("zombie-{}", i)));
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.json["error"]["code"], "unavailable") << r.body;
  }
  EXPECT_EQ(ca.Get("/readyz").status, 503);

  // What is committed: exactly what the old writer acknowledged.
  auto committed = CreatedNotes(ReadAll(prefix, "read_committed"));
  for (const auto& tag : acked) EXPECT_EQ(committed.count(tag), 1u) << tag;
  for (const auto& tag : committed) {
    if (tag == "before") continue;
    EXPECT_EQ(committed.count(tag), 1u) << tag;
    EXPECT_TRUE(acked.count(tag)) << tag << " is committed but was never acknowledged";
  }
  EXPECT_EQ(committed.size(), acked.size() + 1);

  // The standby serves it all and numbers on without a gap.
  JsonClient cb(b.port(), kToken);
  const size_t orders = committed.size();
  for (size_t n = 1; n <= orders; ++n) {
    EXPECT_EQ(cb.Get(fmt::format("/v1/purchase-orders/{}{:05}", series, n)).status, 200) << n;
  }
  auto next = cb.Post("/v1/purchase-orders", Order("standby"));
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(next.json["id"], fmt::format("{}{:05}", series, orders + 1));
  EXPECT_EQ(cb.Get("/v1/audit/verify").json["ok"], true);
  EXPECT_EQ(a.Terminate(), 0);
  EXPECT_EQ(b.Terminate(), 0);
}

class KafkaClusterNodeTest : public NodeTest {
 protected:
  Backend backend() const override { return Backend::kKafkaCluster; }

  // Sets a topic's configuration (Kafka's AlterConfigs replaces all of it,
  // so min.insync.replicas is set again).
  void AlterTopic(const std::string& topic, const std::string& key, const std::string& value) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", config_.kafka_brokers.c_str(), err, sizeof err);
    rd_kafka_t* admin = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    ASSERT_NE(admin, nullptr) << err;
    rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC,
                                                                 topic.c_str());
    rd_kafka_ConfigResource_set_config(res, key.c_str(), value.c_str());
    const std::string isr = std::to_string(std::min(2, config_.kafka_replication_factor));
    rd_kafka_ConfigResource_set_config(res, "min.insync.replicas", isr.c_str());
    rd_kafka_queue_t* q = rd_kafka_queue_new(admin);
    rd_kafka_AlterConfigs(admin, &res, 1, nullptr, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_event_error_string(ev);
    size_t n = 0;
    const auto* result = rd_kafka_event_AlterConfigs_result(ev);
    ASSERT_NE(result, nullptr);
    const rd_kafka_ConfigResource_t** resources = rd_kafka_AlterConfigs_result_resources(result, &n);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(rd_kafka_ConfigResource_error(resources[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_ConfigResource_error_string(resources[0]);
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_ConfigResource_destroy(res);
    rd_kafka_destroy(admin);
  }
};

// One command appends a small event to ledger.purchasing and a large one to
// ledger.reference, whose brokers refuse records over 4 KiB: the purchasing
// record is written, the reference one refused, and the transaction aborted.
// The command fails with `unavailable`; read_uncommitted shows the aborted
// record in the log, read_committed never; the engine's state never holds
// it, commands go on after it, and a restart and a rebuild from the topics
// alone agree with the state.
TEST_F(KafkaClusterNodeTest, AnAbortedTransactionIsNeverSeenByReadCommittedReaders) {
  SeedReference();
  const std::string prefix = config_.kafka_topic_prefix;
  AlterTopic(prefix + "ledger.reference", "max.message.bytes", "4096");
  const std::string before = NewPo({Line("LAPTOP", "1", "10")});

  Command torn = RawCommand("supplier_document", "ACME/TORN-1", Expect::kNew,
                            [](DecideContext&) -> Decision {
                              events::SupplierDocumentClaimedT claim;
                              claim.document = "torn";
                              claim.kind = "invoice";
                              events::CostCenterDefinedT big;
                              big.name = std::string(8192, 'x');
                              std::vector<NewEvent> out;
                              out.push_back(Emit(std::move(claim)));
                              out.push_back(ToStream(Emit(std::move(big)), "cost_center", "BIG"));
                              return out;
                            });
  auto out = Run(std::move(torn), kAdmin);
  ASSERT_EQ(out.status.code(), Errc::kUnavailable) << out.status.ToString();
  std::printf("the aborted command: %s\n", out.status.ToString().c_str());

  // The aborted record is in the log, and only read_uncommitted serves it.
  auto has_claim = [](const auto& records) {
    for (const auto& [where, bytes] : records) {
      if (events::Sv(events::EnvelopeOf(bytes)->stream_id()) == "ACME/TORN-1") return true;
    }
    return false;
  };
  // Whether the purchasing record reached the brokers before the refusal
  // aborted the transaction depends on timing (it did in most runs); the
  // checks below hold either way, and kafka_aborted_test.py always shows
  // aborted records in the log (it cycles until there are).
  if (!has_claim(ReadAll(prefix, "read_uncommitted"))) {
    std::printf("this run's aborted transaction left no record in the log\n");
  }
  EXPECT_FALSE(has_claim(ReadAll(prefix, "read_committed")));
  std::vector<LogRecord> all;
  auto reader = node().log().NewReader(LogCursor(node().log().layout().partition_count(), 0), true);
  while (true) {
    size_t n = all.size();
    ASSERT_TRUE(reader->Next(1000, &all).ok());
    if (all.size() == n) break;
  }
  for (const auto& r : all) EXPECT_NE(events::Sv(r.envelope()->stream_id()), "ACME/TORN-1");
  EXPECT_EQ(engine().Load("supplier_document", "ACME/TORN-1"), nullptr);

  // The ledger goes on once the writer has resumed (resume_interval_ms).
  CommandOutcome after;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    domain::PoHeaderInput h;
    h.supplier = "ACME";
    after = Run(domain::CreatePurchaseOrder{h, {}, {Line("LAPTOP", "2", "10")}});
  } while (!after.status.ok() && std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(after.status.ok()) << after.status.ToString();
  EXPECT_EQ(after.stream_id, "PO-2026-00002");
  auto snapshot = [&](const std::string& id) {
    auto s = engine().Load("purchase_order", id);
    return s ? std::to_string(s->version) + s->Encode() : "absent";
  };
  const std::string a = snapshot(before), b = snapshot(after.stream_id);

  // A restart, and a rebuild from the topics alone, see the same ledger.
  Reopen();
  EXPECT_EQ(snapshot(before), a);
  EXPECT_EQ(snapshot(after.stream_id), b);
  EXPECT_EQ(engine().Load("supplier_document", "ACME/TORN-1"), nullptr);
  node_.reset();
  std::filesystem::remove_all(dir_.path() + "/store");
  Reopen();
  EXPECT_GT(engine().stats().recovered_records, 0u);
  EXPECT_EQ(snapshot(before), a);
  EXPECT_EQ(snapshot(after.stream_id), b);
  EXPECT_EQ(engine().Load("supplier_document", "ACME/TORN-1"), nullptr);
  EXPECT_EQ(engine().Load("cost_center", "BIG"), nullptr);
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->reason;
}

}  // namespace
}  // namespace ledger::testing
