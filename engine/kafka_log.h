// The `kafka` backend: the log of record is a Kafka cluster.
//
// Operation: Append writes a batch as one Kafka transaction of an
//   idempotent, transactional producer (acks=all): all records of the batch
//   become visible to read_committed readers together, or none does. Record
//   key = stream id, value = the envelope, headers `event_type` and
//   `schema_version`. Offsets come from the delivery reports.
// Single writer: init_transactions with a stable `transactional.id` fences
//   any older producer with the same id; a fenced or otherwise fatally failed
//   producer makes every later Append fail with `unavailable`.
// Readers: manual partition assignment, isolation.level=read_committed.
// Topics: `topic_prefix` + the names of kTopicNames, so that several ledgers
//   (or tests) share one cluster without sharing a topic.
// Limitations: offsets are not dense on a real cluster (transaction markers
//   take offsets), so cursor totals count offsets, not records. ReadAt is a
//   fetch; recently appended records are served from a bounded cache.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "engine/log.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace ledger {

struct KafkaLogOptions {
  LogLayout layout;
  std::string brokers;                      // bootstrap.servers; required
  std::string transactional_id = "ledgerd";  // Default: "ledgerd"; one per writer
  // Put before every topic name: "staging." reads and writes
  // staging.ledger.purchasing... Default: none.
  std::string topic_prefix;
  // Topic creation when a topic is missing. Defaults suit a 3-broker
  // cluster: replication 3 with min.insync.replicas 2.
  int replication_factor = 3;   // Default: 3
  int min_insync_replicas = 2;  // Default: 2 (at most replication_factor)
  bool create_topics = true;    // Default: true
  int timeout_ms = 30'000;      // Default: 30 s for transactions and admin calls
  size_t cache_records_max = 100'000;  // Default: 100000 recent records for ReadAt
  // Open a producer (false for read-only tools such as ledgerctl verify).
  bool writer = true;           // Default: true
};

class KafkaLog final : public EventLog {
 public:
  static Result<std::unique_ptr<KafkaLog>> Open(KafkaLogOptions options);
  ~KafkaLog() override;

  const LogLayout& layout() const override { return options_.layout; }
  Status Append(std::vector<AppendRecord>* records) override;
  LogCursor End() const override;
  Status ReadAt(uint32_t partition, uint64_t offset, std::string* bytes) const override;
  std::unique_ptr<LogReader> NewReader(const LogCursor& from, bool verify_hashes) const override;
  bool WaitBeyond(const LogCursor& cursor, std::chrono::milliseconds timeout) const override;

  // True once the producer was fenced by a newer writer or failed fatally.
  bool fenced() const { return fenced_.load(); }
  bool writer_failed() const override { return fenced(); }
  // Finishes the abort of a failed transaction if it could not be done at
  // once; `unavailable` for good once fenced.
  Status Resume() override;
  std::vector<std::pair<std::string, uint64_t>> Counters() const override;
  // The Kafka topic of a partition, with the prefix.
  const std::string& TopicOf(uint32_t partition) const;
  // The partition of a record of `topic` (with the prefix), if a ledger topic.
  std::optional<uint32_t> PartitionOf(std::string_view topic, int32_t index_in_topic) const;
  const KafkaLogOptions& options() const { return options_; }

 private:
  explicit KafkaLog(KafkaLogOptions options);
  Status EnsureTopics();
  // Stops this writer for good, saying why (fenced by a newer writer, or
  // another fatal producer error). Writer's thread only.
  void Fence(int code, const std::string& what);
  void Remember(uint32_t partition, uint64_t offset, const std::string& bytes) const;

  const KafkaLogOptions options_;
  std::array<std::string, kTopicCount> topics_;  // the prefixed topic names
  rd_kafka_s* producer_ = nullptr;   // also used for metadata and watermarks
  std::atomic<bool> fenced_{false};
  std::string fenced_why_;      // set before fenced_; the writer's thread only
  bool abort_pending_ = false;  // an abort failed and must be retried; writer's thread only
  std::atomic<uint64_t> committed_{0};       // transactions committed
  std::atomic<uint64_t> aborted_{0};         // transactions aborted or failed
  std::atomic<uint64_t> producer_errors_{0};  // failed producer calls
  mutable std::atomic<uint64_t> read_errors_{0};  // failed random reads

  // One past the last record this writer appended, per partition: End()
  // is at least this, since the brokers' last stable offset moves past a
  // transaction only once its commit markers are written, a little after
  // commit_transaction returns.
  mutable std::mutex end_mu_;
  LogCursor appended_end_;  // guarded by end_mu_

  // Random-access reads: one consumer, one read at a time.
  mutable std::mutex read_mu_;
  rd_kafka_s* reader_ = nullptr;
  // Recent records by (partition, offset).
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<uint64_t, std::string> cache_;
  mutable std::deque<uint64_t> cache_order_;
};

// A mock Kafka cluster (librdkafka's rd_kafka_mock_cluster): the real wire
// protocol on loopback, in this process. Non-durable: for development and
// tests only.
class KafkaMockCluster {
 public:
  // Starts `brokers` brokers and creates the ledger topics with
  // `partitions_per_topic` partitions each.
  static Result<std::unique_ptr<KafkaMockCluster>> Start(int brokers,
                                                         uint32_t partitions_per_topic);
  ~KafkaMockCluster();
  const std::string& bootstrap_servers() const { return bootstraps_; }
  rd_kafka_mock_cluster_s* handle() const { return cluster_; }

 private:
  KafkaMockCluster() = default;
  rd_kafka_s* owner_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstraps_;
};

}  // namespace ledger
