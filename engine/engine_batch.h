// The working set of one batch of the engine's writer (engine.h), private to
// the engine: the writer decides a batch through it (engine_writer.cc) and
// recovery replays the log tail through it (engine_recovery.cc), so that both
// build exactly the same state.
//
// Operation: copies of every stream the batch touches, the records to append
//   and everything the state store must learn (stream index, series counters,
//   idempotency records, chain tails). Nothing here is visible to readers
//   until the log write succeeded: Commit writes the state store, Publish
//   hands the new states to the engine's cache.
// Concurrency: writer thread only (or Open, before the writer starts).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"

namespace ledger {

// What an idempotency key answers: the outcome of the command that first
// used it (stored under state_keys::Idempotency).
struct IdemRecord {
  std::string request_hash;
  std::string stream_type;
  std::string stream_id;
  uint64_t version = 0;
  bool created = false;
  std::string label;
};

class Engine::Batch final : public DecideContext {
 public:
  struct Entry {
    const StreamType* type = nullptr;
    std::unique_ptr<AggregateState> state;
    bool dirty = false;
  };
  static constexpr size_t kNoRecord = ~size_t{0};
  struct IndexEntry {
    std::string stream_key;
    uint64_t version;
    size_t record;  // index into records_, or kNoRecord when replayed
    uint32_t partition;
    uint64_t offset;
  };

  explicit Batch(Engine* engine) : engine_(engine), chain_(engine->chain_) {}

  // The working copy of a stream, loaded on first use.
  Result<Entry*> Get(std::string_view type_name, std::string_view id);

  // DecideContext.
  const AggregateState* Find(std::string_view type, std::string_view id) override;
  int64_t now_us() const override { return now_us_; }
  const Actor& actor() const override { return *actor_; }
  const std::string& stream_id() const override { return *stream_id_; }
  Result<std::string> NewDocumentId(std::string_view type_name) override;

  void BeginCommand(const Actor* actor, const std::string* stream_id, int64_t now_us) {
    actor_ = actor;
    stream_id_ = stream_id;
    now_us_ = now_us;
  }

  // Applies an encoded record to the working set: the stream's state, the
  // series counters and the idempotency records. Used for new events and for
  // recovery alike, so both build exactly the same state.
  Status Apply(const events::Envelope& env, size_t record_index, uint32_t partition = 0,
               uint64_t offset = 0);

  static std::string IdemKey(std::string_view actor, std::string_view key) {
    return std::string(actor) + '\x1f' + std::string(key);
  }
  // The record of idempotency key `k` (IdemKey), from this batch or the
  // store; nullopt if the key was never used.
  std::optional<IdemRecord> FindIdem(const std::string& k);

  // The last number of a series-year the state store holds (0: none).
  uint64_t StoredCounter(const std::string& series_year);

  // Reserves the next number of a series for the current command. The
  // counter itself moves only when the document's first event is applied, so
  // a command that is rejected (or never writes to the document) leaves no
  // gap: its reservations are dropped by BeginNumbering.
  std::string NextNumber(std::string_view series, int64_t now_us);
  void BeginNumbering() { reserved_.clear(); }

  // Builds the record of one new event and applies it.
  Status AddEvent(const events::EnvelopeMeta& meta_in, const events::EncodedEvent& event,
                  const StreamType& type);

  // Writes the state store: stream index, counters, idempotency keys and the
  // log cursor, in one atomic write. Snapshots follow in FlushSnapshots.
  Status Commit(const LogCursor& cursor);

  // Hands the new states to the engine's cache.
  void Publish();

  std::vector<AppendRecord>& records() { return records_; }
  const std::vector<events::Digest>& chain() const { return chain_; }
  void set_chain_tail(uint32_t partition, const events::Digest& hash) { chain_[partition] = hash; }
  size_t streams_touched() const { return streams_.size(); }

 private:
  Engine* engine_;
  std::unordered_map<std::string, Entry> streams_;
  std::unordered_map<std::string, uint64_t> counters_;
  std::unordered_map<std::string, uint64_t> stored_counters_;
  std::unordered_map<std::string, uint64_t> reserved_;  // this command's numbers
  std::unordered_map<std::string, IdemRecord> idem_;
  std::vector<IndexEntry> index_;
  std::vector<AppendRecord> records_;
  std::vector<events::Digest> chain_;
  const Actor* actor_ = nullptr;
  const std::string* stream_id_ = nullptr;
  int64_t now_us_ = 0;
};

}  // namespace ledger
