// The log of record: one interface, two backends (local RocksDB, Kafka).
//
// The log is a fixed set of partitions: every topic of SPEC §3 has
// `partitions_per_topic` partitions, numbered densely (topic-major). A stream
// always lands in the same partition, so its events keep their order; each
// partition's records form a SHA-256 chain. A position in the log is a
// LogCursor: the next offset to read in every partition.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/codec.h"

namespace ledger {

enum class Topic : uint8_t { kPurchasing, kBudgets, kLicensing, kBilling, kVouchers, kReference };
inline constexpr size_t kTopicCount = 6;
inline constexpr std::array<std::string_view, kTopicCount> kTopicNames = {
    "ledger.purchasing", "ledger.budgets", "ledger.licensing",
    "ledger.billing",    "ledger.vouchers", "ledger.reference"};

struct LogLayout {
  // Partitions of each topic. Default: 1.
  uint32_t partitions_per_topic = 1;

  uint32_t partition_count() const { return partitions_per_topic * kTopicCount; }
  // The partition of a stream: stable for the life of the log.
  uint32_t PartitionFor(Topic topic, std::string_view stream_id) const;
  Topic TopicOf(uint32_t partition) const {
    return static_cast<Topic>(partition / partitions_per_topic);
  }
  uint32_t IndexInTopic(uint32_t partition) const { return partition % partitions_per_topic; }
  // "ledger.purchasing/0"
  std::string PartitionName(uint32_t partition) const;
};

// Next offset to read, per partition.
using LogCursor = std::vector<uint64_t>;

std::string EncodeCursor(const LogCursor& c);            // "12.0.3.0.0.7"
// "0" is the start of the log whatever the partition count, so that a client
// can begin without knowing it.
Result<LogCursor> DecodeCursor(std::string_view text, uint32_t partition_count);
uint64_t CursorTotal(const LogCursor& c);                 // records before the cursor

// A Corruption status naming the record, with "partition" and "offset" in
// its details.
Status CorruptionStatus(const LogLayout& layout, uint32_t partition, uint64_t offset,
                        const std::string& why);

struct AppendRecord {
  uint32_t partition = 0;
  std::string bytes;
  uint64_t offset = 0;  // set by Append
};

struct LogRecord {
  uint32_t partition = 0;
  uint64_t offset = 0;
  std::string bytes;
  const events::Envelope* envelope() const { return events::EnvelopeOf(bytes); }
};

// Reads records after a cursor, merged across partitions in event-id order
// (for one writer, the order it wrote them). Not thread-safe.
class LogReader {
 public:
  virtual ~LogReader() = default;
  // Appends up to `max_records` records that passed verification to `out`
  // and advances. A record that fails verification stops the reader with a
  // Corruption status naming its partition and offset; nothing after it in
  // that partition is returned.
  virtual Status Next(size_t max_records, std::vector<LogRecord>* out) = 0;
  // The cursor after the last record returned.
  virtual const LogCursor& position() const = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  virtual const LogLayout& layout() const = 0;

  // Appends every record durably and atomically: on Ok all of them are
  // durable and have their offsets, otherwise none is visible. Offsets are
  // consecutive per partition in the order given. Single writer: calls must
  // not overlap.
  virtual Status Append(std::vector<AppendRecord>* records) = 0;

  // One past the last durable offset of every partition. Thread-safe.
  virtual LogCursor End() const = 0;

  // Reads and verifies one record. Thread-safe.
  virtual Status ReadAt(uint32_t partition, uint64_t offset, std::string* bytes) const = 0;

  // A reader starting at `from`. `verify_hashes` also checks each record's
  // own hash (the chain between records is checked by `ledgerctl verify`).
  virtual std::unique_ptr<LogReader> NewReader(const LogCursor& from,
                                               bool verify_hashes = true) const = 0;

  // Blocks until the log has a record beyond `cursor` or `timeout` passes.
  // Returns true if it has one. Thread-safe.
  virtual bool WaitBeyond(const LogCursor& cursor, std::chrono::milliseconds timeout) const = 0;

  // After a failed Append: makes the log writable again if it can (e.g. once
  // a full disk has space) and re-reads its end from durable storage, so that
  // End() is exactly what the log holds. Ok when appends may resume.
  virtual Status Resume() { return Status::Ok(); }

  // True once this process can never append again (e.g. a Kafka writer
  // fenced by a newer one). Thread-safe.
  virtual bool writer_failed() const { return false; }

  // Backend counters for /metrics, as (name, value): e.g. Kafka
  // transactions committed and aborted, producer and consumer errors.
  // Thread-safe.
  virtual std::vector<std::pair<std::string, uint64_t>> Counters() const { return {}; }
};

}  // namespace ledger
