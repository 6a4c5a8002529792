// Projections: checkpointed folds over the log (the read side).
//
// Operation: a ProjectionRunner reads the log from its projection's cursor,
//   hands each record to Projection::Apply with a ProjectionTxn, and writes
//   the txn's changes and the new cursor in one atomic RocksDB write. After a
//   crash it resumes from the stored cursor, so no event is applied twice or
//   skipped.
// Concurrency: one thread per runner; queries read RocksDB directly and may
//   trail the log by the runner's lag.
// Recovery: Rebuild deletes the projection's keys and replays from 0. A
//   projection whose version() changed is rebuilt at start.
// Limitations: Apply must not depend on the interleaving of partitions (only
//   the order within a stream is guaranteed), which holds for Kafka too.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/log.h"

namespace ledger {

// The writes of one projection batch, readable before they are committed.
class ProjectionTxn {
 public:
  ProjectionTxn(rocksdb::DB* db, std::string prefix) : db_(db), prefix_(std::move(prefix)) {}

  // Keys are relative to the projection's own key space.
  std::optional<std::string> Get(const std::string& key) const;
  void Put(const std::string& key, std::string value);
  void Delete(const std::string& key);

  // Moves every change into `wb` with absolute keys.
  void Flush(rocksdb::WriteBatch* wb);
  size_t size() const { return writes_.size(); }

  // What a projection keeps in memory for the length of one batch (e.g.
  // documents decoded once for all their events), written out by its
  // Finish. Destroyed with the txn, so a batch that fails leaves nothing.
  struct Scratch {
    virtual ~Scratch() = default;
  };
  std::unique_ptr<Scratch>& scratch() { return scratch_; }

 private:
  rocksdb::DB* db_;
  std::string prefix_;
  std::map<std::string, std::optional<std::string>> writes_;
  std::unique_ptr<Scratch> scratch_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  // Bump when Apply or the key layout changes: the projection is rebuilt.
  virtual uint32_t version() const = 0;
  virtual Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) = 0;
  // Called once per batch after its last Apply, before the txn is committed:
  // writes what the projection kept in the txn's scratch. What it writes may
  // not depend on where batches begin and end.
  virtual Status Finish(ProjectionTxn&) { return Status::Ok(); }
};

// "p/<name>/": the key space of a projection in the store.
std::string ProjectionPrefix(std::string_view name);

struct ProjectionRunnerOptions {
  // Records applied per atomic write. Default: 4096.
  size_t batch_records_max = 4096;
  // How long the runner sleeps waiting for new records. Default: 100 ms.
  std::chrono::milliseconds poll_interval{100};
};

class ProjectionRunner {
 public:
  ProjectionRunner(EventLog* log, rocksdb::DB* store, std::unique_ptr<Projection> projection,
                   ProjectionRunnerOptions options = {});
  ~ProjectionRunner();

  // Loads the cursor (rebuilding if the projection's version changed) and
  // starts the background thread.
  Status Start();
  void Stop();

  // Applies everything up to the log's current end on the caller's thread.
  // Only while the background thread is not running.
  Status CatchUp(const std::function<void(uint64_t done, uint64_t total)>& progress = {});
  // Deletes the projection's state and cursor; CatchUp or Start replays.
  Status Reset();

  // Blocks until the projection has applied everything before `cursor` or
  // `timeout` passes. Returns true if it has.
  bool WaitFor(const LogCursor& cursor, std::chrono::milliseconds timeout) const;

  LogCursor position() const;
  uint64_t lag() const;               // records in the log not yet applied
  uint64_t applied() const { return applied_.load(); }
  Status status() const;              // Ok, or why the runner stopped or retries
  const Projection& projection() const { return *projection_; }

 private:
  friend Status RebuildProjections(const std::vector<ProjectionRunner*>&,
                                   const std::function<void(uint64_t, uint64_t)>&);
  Status LoadCursor();
  Status Step(LogReader* reader, bool* progressed);
  // Applies `records` and stores them with the cursor `end` in one write.
  Status ApplyBatch(const std::vector<LogRecord>& records, const LogCursor& end);
  void Run();

  EventLog* const log_;
  rocksdb::DB* const store_;
  const std::unique_ptr<Projection> projection_;
  const ProjectionRunnerOptions options_;
  const std::string prefix_;

  mutable std::mutex mu_;
  mutable std::condition_variable advanced_;
  LogCursor cursor_;  // guarded by mu_
  Status status_;     // guarded by mu_
  std::atomic<uint64_t> applied_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Rebuilds every runner from position 0. The log is read and verified once;
// each projection applies the batches on its own thread. The runners must be
// stopped and share one log.
// `progress(done, total)` is called from the caller's thread about every
// 100 ms, with records applied over all projections.
Status RebuildProjections(const std::vector<ProjectionRunner*>& runners,
                          const std::function<void(uint64_t done, uint64_t total)>& progress = {});

}  // namespace ledger
