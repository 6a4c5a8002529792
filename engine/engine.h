// The write side: commands in, durable events out.
//
// Operation: callers Submit commands to a bounded queue. One writer thread
//   takes up to `batch_commands_max` of them, decides each against the
//   current state of its aggregate (commands later in a batch see the effects
//   of earlier ones), appends every resulting event with one durable log
//   write (group commit), then records the new states, the stream index,
//   idempotency keys and the log position in one atomic state-store write,
//   and only then answers each caller.
// Concurrency: Submit, Execute, Load and ReadStream are thread-safe. decide
//   and evolve run on the writer thread only.
// Recovery: the state store holds the log cursor its contents reflect. Open
//   replays only the records after that cursor (the tail); a snapshot that
//   no longer decodes is rebuilt from the stream's events.
// Storage faults: a failed write of the log or the state store (a full
//   disk, an I/O error) suspends writing: every command is refused (507 on a
//   full disk, else 503) without being decided, until the writer has resumed
//   both databases and rebuilt its in-memory state from what they hold, as
//   Open does. So a failed write leaves nothing behind: no phantom number,
//   id or version survives it.
// Following (a read replica, EngineOptions::follow_log): no writer thread;
//   a follower thread applies every record the log gains to the state store
//   and the cache with the replay loop of recovery (ApplyTail), blocking in
//   EventLog::WaitBeyond between them. Submit refuses every command with
//   `unavailable` without deciding it; the log is never appended to.
// Limitations: one writer per log; the state store is derived data and is
//   written without fsync (the log is the record; the tail is replayed).
#pragma once

#include <rocksdb/db.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "engine/aggregate.h"
#include "engine/clock.h"
#include "engine/log.h"

namespace ledger {

struct EngineOptions {
  // Commands decided together and appended with one log write. Default: 4096.
  size_t batch_commands_max = 4096;
  // Commands waiting for the writer; beyond it Submit answers `overloaded`.
  // Default: 100000.
  size_t queue_commands_max = 100'000;
  // Committed aggregate states kept in memory. Default: 1000000.
  size_t cache_streams_max = 1'000'000;
  // Events one command may append. Default: 10000.
  size_t events_per_command_max = 10'000;
  // Records replayed between two state-store writes during recovery.
  // Default: 20000.
  size_t recovery_flush_records = 20'000;
  // Snapshots of changed aggregates are written at most this often, so a
  // stream changed by many batches is written once. Bounds the tail a
  // crash leaves to replay. Default: 200 ms.
  int64_t snapshot_interval_ms = 200;
  // Changed aggregates waiting for their snapshot; reaching it forces a
  // write. Default: 200000.
  size_t snapshot_pending_max = 200'000;
  // After a failed write, how often the writer tries to resume. Default:
  // 1000 ms.
  int64_t resume_interval_ms = 1000;
  // Follow the log instead of writing it (ledgerd --role reader): see the
  // class comment. Default: false.
  bool follow_log = false;
};

// Where a following engine stands (Engine::follow_state).
struct FollowState {
  LogCursor start_end;     // the log's end when the engine opened
  LogCursor position;      // the log position applied (past transaction markers)
  uint64_t applied_records = 0;         // records applied since Open (recovery included)
  int64_t last_recorded_at_us = 0;      // recorded time of the last record applied; 0: none
  Status fault;            // why following stopped (a read error), retried; Ok while it follows
  // Whether `position` has reached `start_end` in every partition.
  bool caught_up() const {
    for (size_t p = 0; p < start_end.size() && p < position.size(); ++p) {
      if (position[p] < start_end[p]) return false;
    }
    return true;
  }
};

struct EngineStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
  uint64_t batches = 0;
  uint64_t events = 0;
  uint64_t log_write_failures = 0;
  uint64_t store_write_failures = 0;
  uint64_t resumes = 0;            // writing resumed after a storage fault
  uint64_t recovered_records = 0;  // records replayed by Open
  uint64_t queue_depth = 0;
  // Writer time per phase, cumulative microseconds.
  uint64_t decide_us = 0;   // decide, encode, chain, evolve
  uint64_t append_us = 0;   // the durable log write
  uint64_t store_us = 0;    // state store write and cache update
  uint64_t answer_us = 0;   // callbacks to the callers
};

class Engine {
 public:
  // Opens the write side on `log` with its state in `store` (not owned; both
  // must outlive the engine) and replays the log tail.
  static Result<std::unique_ptr<Engine>> Open(EventLog* log, rocksdb::DB* store,
                                              const Clock* clock, EngineOptions options);
  ~Engine();

  // Queues a command; `done` is called exactly once, from the writer thread,
  // after the command's events are durable or it was rejected. A following
  // engine answers `unavailable` at once, from the caller's thread.
  void Submit(Command cmd, std::function<void(CommandOutcome)> done);
  // Submit and wait.
  CommandOutcome Execute(Command cmd);

  // The committed state of a stream, or nullptr if it has no event.
  std::shared_ptr<const AggregateState> Load(std::string_view type, std::string_view id) const;
  // The committed state of the S stream `id`, typed (sharing the ownership
  // of the untyped one), or nullptr if it has no event.
  template <Streamed S>
  std::shared_ptr<const S> Load(std::string_view id) const {
    std::shared_ptr<const AggregateState> state = Load(S::kStream.type, id);
    const S* typed = StateCast<S>(state.get());
    return typed ? std::shared_ptr<const S>(state, typed) : nullptr;
  }
  // Every committed record of a stream, in version order.
  Status ReadStream(std::string_view type, std::string_view id,
                    std::vector<LogRecord>* records) const;
  // The ids of the committed streams of `type`, in byte order, from the
  // stream index. For maintenance at start (never on a request path): it
  // reads the index, not the cache. too_large if there are more than `max`.
  Result<std::vector<std::string>> StreamIds(std::string_view type, size_t max) const;

  // Refuses new commands, answers every queued one, and stops the writer.
  void Stop();

  EngineStats stats() const;
  // Why commands are refused after a storage fault, or Ok while the writer
  // writes.
  Status write_fault() const;
  // Whether this engine follows the log (a read replica) and where it stands.
  bool following() const { return options_.follow_log; }
  FollowState follow_state() const;
  EventLog* log() const { return log_; }
  const Clock* clock() const { return clock_; }

 private:
  class Batch;
  struct Pending {
    Command cmd;
    std::function<void(CommandOutcome)> done;
  };

  Engine(EventLog* log, rocksdb::DB* store, const Clock* clock, EngineOptions options);
  Status Recover();
  // Applies every record `reader` returns until it is caught up, flushing to
  // the store every recovery_flush_records: recovery and following alike.
  // Adds the records applied to *applied. Writer or follower thread (or Open).
  Status ApplyTail(LogReader* reader, uint64_t* applied);
  void Run();
  // The follower thread: ApplyTail, then WaitBeyond, until Stop.
  void Follow();
  // Writer thread: commands are refused with `why` until Resume succeeds.
  void Suspend(const Status& why);
  // Writer thread: resumes the databases and rebuilds the in-memory state
  // from them; true once commands are accepted again.
  bool Resume();
  void RefuseAll(std::vector<Pending>* pending, const Status& why);
  void ProcessBatch(std::vector<Pending>* pending);
  // Loads a stream's committed state from the cache, the store or the log.
  Result<std::unique_ptr<AggregateState>> LoadForWrite(const StreamType& type,
                                                       const std::string& key) const;
  Result<std::unique_ptr<AggregateState>> LoadFromStore(const StreamType& type,
                                                        std::string_view stream_type,
                                                        std::string_view stream_id) const;
  // Publishes a committed state to readers; it stays pinned in the cache
  // until its snapshot is written.
  void Install(const std::string& key, std::unique_ptr<AggregateState> state);
  // Writes the snapshot of every changed aggregate with the cursor they
  // reflect, in one atomic write.
  Status FlushSnapshots();

  // Constant after construction.
  EventLog* const log_;
  rocksdb::DB* const store_;
  const Clock* const clock_;
  const EngineOptions options_;

  // Queue, guarded by queue_mu_.
  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  // Committed states; writer installs, readers share.
  mutable std::shared_mutex cache_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const AggregateState>> cache_;

  // Writer-thread state.
  // Committed states whose snapshot is not written yet.
  std::unordered_map<std::string, std::shared_ptr<const AggregateState>> unflushed_;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
  std::vector<events::Digest> chain_;  // hash of the last record per partition
  LogCursor cursor_;                   // log position the committed state reflects
  events::EventIdValue last_event_id_;
  uint64_t event_id_salt_ = 0;
  uint64_t command_seq_ = 0;

  mutable std::mutex stats_mu_;
  EngineStats stats_;
  Status write_fault_;  // guarded by stats_mu_
  std::chrono::steady_clock::time_point next_resume_;  // writer thread

  // Following: what follow_state reports, guarded by stats_mu_.
  FollowState follow_;

  std::thread writer_;  // the writer, or the follower when following
};

// Corruption (rule "lost_records") naming every partition whose log ends
// before `acknowledged`, the state store's high-water mark: records a caller
// was told are durable and the log no longer holds.
Status CheckNothingAcknowledgedIsMissing(const LogLayout& layout, const LogCursor& acknowledged,
                                        const LogCursor& end);

// "purchase_order\x1fPO-2026-00001": the key of a stream in maps and stores.
std::string StreamKey(std::string_view type, std::string_view id);

}  // namespace ledger
