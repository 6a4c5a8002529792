// The Kafka backend against librdkafka's mock cluster (the real protocol on
// loopback): the write path, restart from stored offsets, rebuild from the
// topics alone.
//
// Not here: read_committed isolation and zombie fencing. The mock cluster of
// librdkafka 2.0.2 (Debian 12) serves records of aborted transactions and
// does not fence an older producer with the same transactional.id, so
// neither can be shown against it.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "engine/kafka_log.h"
#include "engine/verify.h"
#include "projections/purchasing/commitments.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using domain::PurchaseOrder;

class KafkaTest : public NodeTest {
 protected:
  Backend backend() const override { return Backend::kKafka; }
  static domain::ConfirmPo Confirm(const std::string& id) { return {id}; }
  std::string Snapshot(const std::string& id) {
    auto s = engine().Load("purchase_order", id);
    return s ? std::to_string(s->version) + s->Encode() : "absent";
  }
};

TEST_F(KafkaTest, PurchaseOrdersOnKafkaSurviveRestartFromStoredOffsets) {
  SeedReference();
  auto a = NewPo({Line("LAPTOP", "2", "1000"), Line("SCREEN", "1", "250.5", "OPS")});
  Ok(Confirm(a));
  When(Confirm(a));
  ExpectRejected(Errc::kInvalidState);
  std::vector<LogRecord> history;
  ASSERT_TRUE(engine().ReadStream("purchase_order", a, &history).ok());
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(events::EventTypeName(*history[3].envelope()), "PurchaseOrderConfirmed");
  ASSERT_TRUE(node().StartProjections().ok());
  ASSERT_TRUE(node().projection("commitments")->WaitFor(node().log().End(), std::chrono::seconds(20)));
  auto rows = QueryCommitments(node().store(), {"cost_center"});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].committed, "2000.00");
  std::string snap = Snapshot(a);

  // Restart on the same cluster: the engine resumes from its stored offsets.
  Reopen();
  EXPECT_EQ(engine().stats().recovered_records, 0u);
  EXPECT_EQ(Snapshot(a), snap);
  EXPECT_EQ(NewPo({}), "PO-2026-00002");

  // Without its store, the node rebuilds everything from the topics.
  const uint64_t records = CursorTotal(node().log().End());
  node_.reset();
  std::filesystem::remove_all(dir_.path() + "/store");
  Reopen();
  EXPECT_EQ(engine().stats().recovered_records, records);
  EXPECT_EQ(Snapshot(a), snap);
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->records, records);
}

// Kafka protocol API keys (the public headers do not name them).
constexpr int16_t kApiProduce = 0;
constexpr int16_t kApiAddPartitionsToTxn = 24;

// Broker failures and request errors during load: the client retries what is
// safe to retry; afterwards every acknowledged command is in the log exactly
// once, and no command is there twice.
TEST_F(KafkaTest, AcknowledgedCommandsSurviveBrokerFailuresExactlyOnce) {
  SeedReference();
  constexpr int kClients = 4, kPerClient = 25;
  std::mutex mu;
  std::map<std::string, std::string> acked;  // tag -> order id
  int failed = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kPerClient; ++i) {
        std::string tag = fmt::format("c{}-{}", c, i);
        domain::PoHeaderInput h;
        h.supplier = "ACME";
        domain::PoNotesInput notes;
        notes.internal = tag;
        Command cmd = ToCommand(domain::CreatePurchaseOrder{h, notes, {Line("LAPTOP", "1", "10")}});
        cmd.idempotency_key = tag;
        cmd.request_hash = tag;
        auto out = Run(std::move(cmd));
        std::lock_guard lock(mu);
        if (out.status.ok()) {
          acked[tag] = out.stream_id;
        } else {
          ++failed;
        }
      }
    });
  }
  // Faults while the clients run.
  auto* mock = cluster_->handle();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  rd_kafka_mock_push_request_errors(mock, kApiProduce, 4, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  rd_kafka_mock_push_request_errors(mock, kApiAddPartitionsToTxn, 2,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                    RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  rd_kafka_mock_broker_set_down(mock, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  rd_kafka_mock_broker_set_up(mock, 2);
  for (auto& t : clients) t.join();
  EXPECT_GT(acked.size(), 0u);
  std::printf("fault test: %zu acknowledged, %d failed cleanly\n", acked.size(), failed);

  // Count creations per tag in the log itself.
  auto count_log = [&] {
    std::map<std::string, int> created;
    auto reader = node().log().NewReader(LogCursor(node().log().layout().partition_count(), 0), true);
    std::vector<LogRecord> batch;
    for (int rounds = 0; rounds < 100; ++rounds) {
      batch.clear();
      EXPECT_TRUE(reader->Next(1000, &batch).ok());
      if (batch.empty() && CursorTotal(reader->position()) >= CursorTotal(node().log().End())) break;
      for (const auto& r : batch) {
        const auto* e = r.envelope();
        if (e->payload_type() == events::Payload::PurchaseOrderCreated) {
          ++created[events::Str(e->payload_as_PurchaseOrderCreated()->note_internal())];
        }
      }
    }
    return created;
  };
  auto created = count_log();
  for (const auto& [tag, id] : acked) EXPECT_EQ(created[tag], 1) << tag;
  for (const auto& [tag, n] : created) EXPECT_LE(n, 1) << tag;
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->reason;

  // And after a restart every acknowledged order is served.
  Reopen();
  for (const auto& [tag, id] : acked) {
    auto s = engine().Load("purchase_order", id);
    ASSERT_NE(s, nullptr) << id;
    EXPECT_EQ(StateCast<PurchaseOrder>(s.get())->note_internal, tag);
  }
}

// An empty batch means "at the end", never "the consumer was still
// connecting": recovery and projections rely on it.
TEST_F(KafkaTest, AFreshReaderNeverAnswersEmptyWhileRecordsRemain) {
  SeedReference();
  const uint64_t total = CursorTotal(node().log().End());
  ASSERT_GT(total, 10u);
  for (int i = 0; i < 5; ++i) {
    auto reader = node().log().NewReader(LogCursor(node().log().layout().partition_count(), 0), true);
    std::vector<LogRecord> records;
    while (true) {
      size_t before = records.size();
      ASSERT_TRUE(reader->Next(7, &records).ok());
      if (records.size() == before) break;
    }
    EXPECT_EQ(records.size(), total) << "round " << i;
  }
}

// A newer writer fences this one: the broker answers PRODUCER_FENCED (the
// 2.0.2 mock does not fence by itself, so the answer is injected). The writer
// stops for good: every later command is refused with `unavailable` (HTTP
// 503) and nothing more is appended.
TEST_F(KafkaTest, AFencedWriterStopsAcceptingCommands) {
  SeedReference();
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  rd_kafka_mock_push_request_errors(cluster_->handle(), kApiAddPartitionsToTxn, 1,
                                    RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
  auto out = Run(Confirm(id));
  EXPECT_EQ(out.status.code(), Errc::kUnavailable) << out.status.ToString();
  auto* log = dynamic_cast<KafkaLog*>(&node().log());
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->fenced());
  EXPECT_TRUE(node().log().writer_failed());
  std::map<std::string, uint64_t> counters;
  for (const auto& [k, v] : node().log().Counters()) counters[k] = v;
  EXPECT_GE(counters["kafka_transactions_committed_total"], 1u);
  EXPECT_EQ(counters["kafka_transactions_failed_total"], 1u);
  const LogCursor end = node().log().End();
  for (int i = 0; i < 3; ++i) {
    auto again = Run(Confirm(id));
    EXPECT_EQ(again.status.code(), Errc::kUnavailable);
    EXPECT_NE(again.status.message().find("fenced"), std::string::npos) << again.status.ToString();
  }
  EXPECT_EQ(node().log().End(), end);
  EXPECT_EQ(Po(id).status, "draft");  // the refused confirmation changed nothing
}

}  // namespace
}  // namespace ledger::testing
