// The `local` backend: a durable, append-only log in its own RocksDB.
//
// Operation: Append writes a whole batch in one RocksDB WriteBatch with the
//   WAL synced (group commit): one fsync for every command of the batch.
// Concurrency: one writer (Append); any number of readers.
// Recovery: RocksDB replays its WAL up to its first damaged record (a torn
//   tail is dropped); the end of each partition is found by seeking its last
//   key. Whether that lost acknowledged records is the engine's check (its
//   state store keeps the high-water mark). A record is never rewritten.
// Layout: docs/FORMAT.md.
#pragma once

#include <rocksdb/db.h>

#include <condition_variable>
#include <mutex>

#include "engine/log.h"

namespace ledger {

struct LocalLogOptions {
  LogLayout layout;
  // fsync the WAL on every Append. Default: true. Only benchmarks of the
  // non-durable path turn it off.
  bool sync = true;
  // Open reads every block of the log's files against its checksum, so that
  // a damaged file stops start-up with the records it lost rather than
  // failing a read later. Costs a read of the whole log (docs/RELIABILITY.md
  // has the figures). Default: true.
  bool verify_on_open = true;
};

class LocalLog final : public EventLog {
 public:
  // Opens or creates the log in directory `path`. Fails if the directory holds
  // a log with another layout.
  static Result<std::unique_ptr<LocalLog>> Open(const std::string& path, LocalLogOptions options);
  ~LocalLog() override;

  const LogLayout& layout() const override { return options_.layout; }
  Status Append(std::vector<AppendRecord>* records) override;
  LogCursor End() const override;
  Status ReadAt(uint32_t partition, uint64_t offset, std::string* bytes) const override;
  std::unique_ptr<LogReader> NewReader(const LogCursor& from, bool verify_hashes) const override;
  bool WaitBeyond(const LogCursor& cursor, std::chrono::milliseconds timeout) const override;
  Status Resume() override;

  // Overwrites a stored record. Only for tests of corruption detection.
  Status CorruptForTest(uint32_t partition, uint64_t offset, std::string bytes);

  rocksdb::DB* db() const { return db_.get(); }

 private:
  LocalLog(LocalLogOptions options, std::unique_ptr<rocksdb::DB> db);
  // The end of every partition, from the database.
  Result<LogCursor> ReadEnd() const;
  // Checks every file's blocks; a damaged one is reported as Corruption
  // naming the records it holds that cannot be read.
  Status VerifyFiles() const;

  // Constant after construction.
  const LocalLogOptions options_;
  const std::unique_ptr<rocksdb::DB> db_;

  mutable std::mutex mu_;
  mutable std::condition_variable appended_;
  LogCursor end_;  // guarded by mu_
};

// Key of a record: big-endian partition (4 bytes) then offset (8 bytes).
std::string LogKey(uint32_t partition, uint64_t offset);

}  // namespace ledger
