#include "engine/engine.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstring>
#include <random>

#include "engine/coding.h"
#include "engine/state_keys.h"
#include "engine/threads.h"

namespace ledger {

std::string StreamKey(std::string_view type, std::string_view id) {
  std::string k;
  k.reserve(type.size() + id.size() + 1);
  k.append(type);
  k.push_back('\x1f');
  k.append(id);
  return k;
}

std::string DecideContext::today() const { return IsoDate(now_us()); }


namespace {


// "PO-2026-00042" with series "PO": the series-year key "PO-2026" and 42.
bool ParseNumbered(std::string_view series, std::string_view id, std::string* series_year,
                   uint64_t* number) {
  if (series.empty() || id.size() < series.size() + 7 || id.substr(0, series.size()) != series ||
      id[series.size()] != '-' || id[series.size() + 5] != '-') {
    return false;
  }
  auto digits = id.substr(series.size() + 6);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *number);
  if (ec != std::errc() || p != digits.data() + digits.size()) return false;
  *series_year = std::string(id.substr(0, series.size() + 5));
  return true;
}

struct IdemRecord {
  std::string request_hash;
  std::string stream_type;
  std::string stream_id;
  uint64_t version = 0;
  bool created = false;
  std::string label;
};

std::string EncodeIdem(const IdemRecord& r) {
  nlohmann::json j = {{"h", r.request_hash}, {"t", r.stream_type}, {"i", r.stream_id},
                      {"v", r.version},      {"c", r.created},     {"l", r.label}};
  return j.dump();
}

bool DecodeIdem(const std::string& s, IdemRecord* r) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  r->request_hash = j.value("h", "");
  r->stream_type = j.value("t", "");
  r->stream_id = j.value("i", "");
  r->version = j.value("v", uint64_t{0});
  r->created = j.value("c", false);
  r->label = j.value("l", "");
  return true;
}

}  // namespace

// The working set of one batch: copies of every stream the batch touches,
// the records to append and everything the state store must learn. Nothing
// here is visible to readers until the log write succeeded.
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

  Result<Entry*> Get(std::string_view type_name, std::string_view id) {
    std::string key = StreamKey(type_name, id);
    auto it = streams_.find(key);
    if (it != streams_.end()) return &it->second;
    const StreamType* type = FindStreamType(type_name);
    if (type == nullptr) return Status::Internal("unknown stream type " + std::string(type_name));
    auto loaded = engine_->LoadForWrite(*type, key);
    if (!loaded.ok()) return loaded.status();
    Entry e{type, std::move(loaded.value()), false};
    return &streams_.emplace(std::move(key), std::move(e)).first->second;
  }

  // DecideContext.
  const AggregateState* Find(std::string_view type, std::string_view id) override {
    auto e = Get(type, id);
    if (!e.ok() || (*e)->state->version == 0) return nullptr;
    return (*e)->state.get();
  }
  int64_t now_us() const override { return now_us_; }
  const Actor& actor() const override { return *actor_; }
  const std::string& stream_id() const override { return *stream_id_; }
  Result<std::string> NewDocumentId(std::string_view type_name) override {
    const StreamType* type = FindStreamType(type_name);
    if (type == nullptr || type->series.empty()) {
      return Status::Internal("stream type " + std::string(type_name) + " is not numbered");
    }
    return NextNumber(type->series, now_us_);
  }

  void BeginCommand(const Actor* actor, const std::string* stream_id, int64_t now_us) {
    actor_ = actor;
    stream_id_ = stream_id;
    now_us_ = now_us;
  }

  // Applies an encoded record to the working set: the stream's state, the
  // series counters and the idempotency records. Used for new events and for
  // recovery alike, so both build exactly the same state.
  Status Apply(const events::Envelope& env, size_t record_index, uint32_t partition = 0,
               uint64_t offset = 0) {
    auto type_name = events::Sv(env.stream_type());
    auto id = events::Sv(env.stream_id());
    auto entry = Get(type_name, id);
    if (!entry.ok()) return entry.status();
    Entry* e = *entry;
    // During recovery a snapshot may already include an event after the
    // stored cursor (e.g. the store was restored from an older cursor): the
    // event is not applied twice.
    const bool already_applied =
        record_index == kNoRecord && env.stream_version() <= e->state->version;
    if (!already_applied) {
      if (env.stream_version() != e->state->version + 1) {
        return Status::Corruption(fmt::format("stream {}/{} jumps from version {} to {}",
                                              type_name, id, e->state->version,
                                              env.stream_version()));
      }
      e->state->Evolve(env);
      e->state->version = env.stream_version();
      e->dirty = true;
      index_.push_back(
          {StreamKey(type_name, id), env.stream_version(), record_index, partition, offset});
    }
    std::string series_year;
    uint64_t number = 0;
    if (env.stream_version() == 1 && ParseNumbered(e->type->series, id, &series_year, &number)) {
      auto& c = counters_[series_year];
      c = std::max(std::max(c, number), StoredCounter(series_year));
    }
    auto key = events::Sv(env.idempotency_key());
    if (!key.empty()) {
      IdemRecord& r = idem_[IdemKey(events::Sv(env.actor()), key)];
      if (r.stream_id.empty()) {
        r = {events::Str(env.request_hash()), std::string(type_name), std::string(id), 0,
             env.stream_version() == 1, ""};
      }
      if (r.stream_type == type_name && r.stream_id == id) {
        r.version = env.stream_version();
        r.label = std::string(e->state->StatusLabel());
      }
    }
    return Status::Ok();
  }

  static std::string IdemKey(std::string_view actor, std::string_view key) {
    return std::string(actor) + '\x1f' + std::string(key);
  }

  std::optional<IdemRecord> FindIdem(const std::string& k) {
    auto it = idem_.find(k);
    if (it != idem_.end()) return it->second;
    std::string v;
    if (engine_->store_->Get(rocksdb::ReadOptions(), state_keys::Idempotency(k), &v).ok()) {
      IdemRecord r;
      if (DecodeIdem(v, &r)) return r;
    }
    return std::nullopt;
  }

  uint64_t StoredCounter(const std::string& series_year) {
    auto it = stored_counters_.find(series_year);
    if (it != stored_counters_.end()) return it->second;
    std::string v;
    uint64_t n = 0;
    if (engine_->store_->Get(rocksdb::ReadOptions(), state_keys::Counter(series_year), &v).ok()) {
      std::from_chars(v.data(), v.data() + v.size(), n);
    }
    stored_counters_[series_year] = n;
    return n;
  }

  // Reserves the next number of a series for the current command. The
  // counter itself moves only when the document's first event is applied, so
  // a command that is rejected (or never writes to the document) leaves no
  // gap: its reservations are dropped by BeginNumbering.
  std::string NextNumber(std::string_view series, int64_t now_us) {
    std::string series_year = fmt::format("{}-{}", series, IsoDate(now_us).substr(0, 4));
    auto it = counters_.find(series_year);
    uint64_t last = it != counters_.end() ? it->second : StoredCounter(series_year);
    uint64_t& reserved = reserved_[series_year];
    reserved = std::max(reserved, last) + 1;
    return fmt::format("{}-{:05}", series_year, reserved);
  }
  void BeginNumbering() { reserved_.clear(); }

  // Builds the record of one new event and applies it.
  Status AddEvent(const events::EnvelopeMeta& meta_in, const events::EncodedEvent& event,
                  const StreamType& type) {
    events::EnvelopeMeta meta = meta_in;
    // A topic holds the events of one context, so that an integrator reads
    // it with that context's schema: a stream type's events are of the
    // context of its topic (ledger.<context>).
    const std::string_view topic = kTopicNames[static_cast<size_t>(type.topic)];
    LEDGER_ASSERT(topic.substr(0, 7) == "ledger." && topic.substr(7) == event.context);
    meta.partition = engine_->log_->layout().PartitionFor(type.topic, meta.stream_id);
    events::Digest hash;
    AppendRecord rec;
    rec.partition = meta.partition;
    rec.bytes = events::EncodeEnvelope(meta, event, chain_[meta.partition], &hash);
    chain_[meta.partition] = hash;
    records_.push_back(std::move(rec));
    return Apply(*events::EnvelopeOf(records_.back().bytes), records_.size() - 1);
  }

  // Writes the state store: stream index, counters, idempotency keys and the
  // log cursor, in one atomic write. Snapshots follow in FlushSnapshots.
  Status Commit(const LogCursor& cursor) {
    rocksdb::WriteBatch wb;
    for (const auto& ix : index_) {
      uint32_t partition = ix.partition;
      uint64_t offset = ix.offset;
      if (ix.record != kNoRecord) {
        partition = records_[ix.record].partition;
        offset = records_[ix.record].offset;
      }
      wb.Put(state_keys::Index(ix.stream_key, ix.version), state_keys::EncodeRef(partition, offset));
    }
    for (const auto& [k, n] : counters_) wb.Put(state_keys::Counter(k), std::to_string(n));
    for (const auto& [k, r] : idem_) wb.Put(state_keys::Idempotency(k), EncodeIdem(r));
    wb.Put(state_keys::kCursor, EncodeCursor(cursor));
    std::string chain;
    for (const auto& d : chain_) chain.append(reinterpret_cast<const char*>(d.data()), d.size());
    state_keys::PutBE(&chain, engine_->last_event_id_.hi, 8);
    state_keys::PutBE(&chain, engine_->last_event_id_.lo, 8);
    wb.Put(state_keys::kChain, chain);
    rocksdb::WriteOptions wo;
    wo.sync = false;
    return FromRocks(engine_->store_->Write(wo, &wb));
  }

  // Hands the new states to the engine's cache.
  void Publish() {
    for (auto& [key, e] : streams_) {
      if (e.dirty) engine_->Install(key, std::move(e.state));
    }
    streams_.clear();
  }

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

Engine::Engine(EventLog* log, rocksdb::DB* store, const Clock* clock, EngineOptions options)
    : log_(log), store_(store), clock_(clock), options_(options) {
  std::random_device rd;
  event_id_salt_ = (static_cast<uint64_t>(rd()) << 32);
}

Engine::~Engine() { Stop(); }

Status CheckNothingAcknowledgedIsMissing(const LogLayout& layout, const LogCursor& acknowledged,
                                        const LogCursor& end) {
  std::string missing;
  Status::Details details;
  for (uint32_t p = 0; p < layout.partition_count(); ++p) {
    if (acknowledged[p] <= end[p]) continue;
    const std::string range = end[p] + 1 == acknowledged[p]
                                  ? std::to_string(end[p])
                                  : fmt::format("{}..{}", end[p], acknowledged[p] - 1);
    missing += fmt::format("{}{}@{} ({} records)", missing.empty() ? "" : ", ",
                           layout.PartitionName(p), range, acknowledged[p] - end[p]);
    details.emplace_back("partition", std::to_string(p));
    details.emplace_back("offset", std::to_string(end[p]));
  }
  if (missing.empty()) return Status::Ok();
  return Status(Errc::kCorruption,
                "the log lost records that were acknowledged: " + missing +
                    ". The state store's high-water mark says they were written; the log's WAL "
                    "or files no longer hold them. Restore the log from a backup or a replica, "
                    "or start with --accept-lost-records to rebuild every derived state from "
                    "what the log holds (the lost records stay lost).",
                "lost_records", std::move(details));
}

Result<std::unique_ptr<Engine>> Engine::Open(EventLog* log, rocksdb::DB* store, const Clock* clock,
                                             EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(log, store, clock, options));
  Status s = engine->Recover();
  if (!s.ok()) return s;
  engine->writer_ = std::thread([e = engine.get()] {
    SetUpThisThread("ledger-writer", ThreadKind::kThroughput);
    e->Run();
  });
  return engine;
}

Status Engine::Recover() {
  const uint32_t partitions = log_->layout().partition_count();
  cursor_.assign(partitions, 0);
  chain_.assign(partitions, events::Digest{});
  // Replay from where the snapshots stand: everything after it is applied
  // again (the index, idempotency and counter writes are idempotent).
  // The index cursor is written with every batch, after the log took it and
  // before any caller is answered: it is the high-water mark of what was
  // acknowledged, kept apart from the log's own files.
  LogCursor acknowledged(partitions, 0);
  for (auto key : {state_keys::kCursor, state_keys::kSnapshotCursor}) {
    std::string stored;
    auto rs = store_->Get(rocksdb::ReadOptions(), key, &stored);
    if (rs.IsNotFound()) {
      if (key == state_keys::kSnapshotCursor) cursor_.assign(partitions, 0);
      continue;
    }
    if (!rs.ok()) return FromRocks(rs);
    auto c = DecodeCursor(stored, partitions);
    if (!c.ok()) return Status::Corruption("state store cursor: " + c.status().message());
    cursor_ = *c;
    if (key == state_keys::kCursor) acknowledged = *c;
  }
  const LogCursor end = log_->End();
  LEDGER_RETURN_IF_ERROR(CheckNothingAcknowledgedIsMissing(log_->layout(), acknowledged, end));

  // Where the chains continue, as of the store's cursor.
  std::string chain;
  bool have_chain = false;
  auto cs = store_->Get(rocksdb::ReadOptions(), state_keys::kChain, &chain);
  if (cs.ok() && chain.size() == partitions * 32 + 16) {
    for (uint32_t p = 0; p < partitions; ++p) std::memcpy(chain_[p].data(), chain.data() + 32 * p, 32);
    last_event_id_ = {state_keys::GetBE(chain.data() + 32 * partitions, 8),
                      state_keys::GetBE(chain.data() + 32 * partitions + 8, 8)};
    have_chain = true;
  } else if (!cs.ok() && !cs.IsNotFound()) {
    return FromRocks(cs);
  }
  // Replaying from the start recomputes every chain tail.
  if (CursorTotal(cursor_) == 0) have_chain = true;
  // The chain key is written with the index cursor, which may be ahead of
  // the snapshot cursor replayed from: replay recomputes it up to the end.
  // Replay the tail, flushing to the store every recovery_flush_records.
  auto reader = log_->NewReader(cursor_, true);
  std::vector<LogRecord> records;
  uint64_t replayed = 0;
  while (true) {
    records.clear();
    LEDGER_RETURN_IF_ERROR(reader->Next(options_.recovery_flush_records, &records));
    if (records.empty()) break;
    Batch batch(this);
    for (const auto& r : records) {
      const auto* env = r.envelope();
      LEDGER_RETURN_IF_ERROR(batch.Apply(*env, Batch::kNoRecord, r.partition, r.offset));
      batch.set_chain_tail(r.partition, events::HashOf(*env));
      last_event_id_ = std::max(last_event_id_, events::EventIdOf(*env));
    }
    chain_ = batch.chain();
    LEDGER_RETURN_IF_ERROR(batch.Commit(reader->position()));
    cursor_ = reader->position();
    batch.Publish();
    LEDGER_RETURN_IF_ERROR(FlushSnapshots());
    replayed += records.size();
  }
  // A store without chain tails (or a log the store never saw) takes them
  // from the last record of each partition.
  for (uint32_t p = 0; p < partitions && !have_chain; ++p) {
    if (end[p] == 0) continue;
    std::string bytes;
    LEDGER_RETURN_IF_ERROR(log_->ReadAt(p, end[p] - 1, &bytes));
    const auto* env = events::EnvelopeOf(bytes);
    chain_[p] = events::HashOf(*env);
    last_event_id_ = std::max(last_event_id_, events::EventIdOf(*env));
  }
  {
    std::lock_guard lock(stats_mu_);
    stats_.recovered_records = replayed;
  }
  if (replayed > 0) spdlog::info("engine: replayed {} log records after the snapshot", replayed);
  return Status::Ok();
}

void Engine::Submit(Command cmd, std::function<void(CommandOutcome)> done) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_ && queue_.size() < options_.queue_commands_max) {
      queue_.push_back({std::move(cmd), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  CommandOutcome out;
  bool stopping;
  {
    std::lock_guard lock(queue_mu_);
    stopping = stopping_;
  }
  out.status = stopping ? Status::Unavailable("the ledger is shutting down")
                        : Status(Errc::kOverloaded, "too many commands waiting; retry later");
  done(std::move(out));
}

CommandOutcome Engine::Execute(Command cmd) {
  std::promise<CommandOutcome> promise;
  auto future = promise.get_future();
  Submit(std::move(cmd), [&promise](CommandOutcome o) { promise.set_value(std::move(o)); });
  return future.get();
}

void Engine::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
    queue_cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

void Engine::Run() {
  std::vector<Pending> batch;
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait_for(lock, std::chrono::milliseconds(options_.snapshot_interval_ms),
                         [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) break;
      while (!queue_.empty() && batch.size() < options_.batch_commands_max) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status fault = write_fault();
    if (!fault.ok() && std::chrono::steady_clock::now() >= next_resume_ && Resume()) {
      fault = Status::Ok();
    }
    if (!fault.ok()) {
      RefuseAll(&batch, fault);
      continue;
    }
    if (!batch.empty()) ProcessBatch(&batch);
    if (write_fault().ok() &&
        (unflushed_.size() >= options_.snapshot_pending_max ||
         std::chrono::steady_clock::now() - last_flush_ >=
             std::chrono::milliseconds(options_.snapshot_interval_ms))) {
      Status s = FlushSnapshots();
      if (!s.ok()) Suspend(s);
    }
  }
  if (!write_fault().ok()) return;  // the tail is replayed at the next start
  Status s = FlushSnapshots();
  if (!s.ok()) spdlog::error("engine: snapshot write failed: {}", s.ToString());
}

void Engine::Suspend(const Status& why) {
  spdlog::error("engine: storage write failed, commands are refused until it recovers: {}",
                why.ToString());
  Status refusal =
      why.code() == Errc::kNoSpace
          ? Status(Errc::kNoSpace,
                   "the disk is full: commands are refused until space is freed, then accepted "
                   "again without a restart; nothing of this command was written")
          : Status::Unavailable("a storage write failed (" + why.message() +
                                "): commands are refused until the ledger recovers; nothing of "
                                "this command was written");
  next_resume_ = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(options_.resume_interval_ms);
  std::lock_guard lock(stats_mu_);
  write_fault_ = std::move(refusal);
}

bool Engine::Resume() {
  next_resume_ = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(options_.resume_interval_ms);
  Status s = log_->Resume();
  if (s.ok()) s = FromRocks(store_->Resume());
  if (s.ok()) {
    // What this process remembers may differ from what reached the disks
    // (e.g. the log took a batch the store did not): forget it and rebuild
    // from the databases, exactly as a restart would.
    unflushed_.clear();
    {
      std::unique_lock lock(cache_mu_);
      cache_.clear();
    }
    s = Recover();
  }
  if (!s.ok()) {
    spdlog::warn("engine: still cannot write: {}", s.ToString());
    return false;
  }
  spdlog::info("engine: storage writable again; commands are accepted");
  std::lock_guard lock(stats_mu_);
  write_fault_ = Status::Ok();
  stats_.resumes++;
  return true;
}

void Engine::RefuseAll(std::vector<Pending>* pending, const Status& why) {
  for (auto& p : *pending) {
    CommandOutcome out;
    out.stream_type = p.cmd.stream_type;
    out.status = why;
    p.done(std::move(out));
  }
  std::lock_guard lock(stats_mu_);
  stats_.commands += pending->size();
  stats_.rejected += pending->size();
}

Status Engine::write_fault() const {
  std::lock_guard lock(stats_mu_);
  return write_fault_;
}

Status Engine::FlushSnapshots() {
  last_flush_ = std::chrono::steady_clock::now();
  if (unflushed_.empty()) return Status::Ok();
  rocksdb::WriteBatch wb;
  for (const auto& [key, state] : unflushed_) {
    const StreamType* type = FindStreamType(std::string_view(key).substr(0, key.find('\x1f')));
    LEDGER_ASSERT(type != nullptr);
    wb.Put(state_keys::Snapshot(key),
           state_keys::EncodeSnapshot(type->snapshot_format, state->version, state->Encode()));
  }
  wb.Put(state_keys::kSnapshotCursor, EncodeCursor(cursor_));
  rocksdb::WriteOptions wo;
  // Also makes the batches' high-water marks durable (they were written
  // without a sync): a power loss forgets at most one interval of them.
  wo.sync = true;
  LEDGER_RETURN_IF_ERROR(FromRocks(store_->Write(wo, &wb)));
  unflushed_.clear();
  return Status::Ok();
}

namespace {
uint64_t MicrosSince(std::chrono::steady_clock::time_point t0) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - t0)
                                   .count());
}
}  // namespace

void Engine::ProcessBatch(std::vector<Pending>* pending) {
  auto t_decide = std::chrono::steady_clock::now();
  Batch batch(this);
  std::vector<CommandOutcome> outcomes(pending->size());
  std::vector<bool> appended(pending->size(), false);
  uint64_t rejected = 0;

  for (size_t i = 0; i < pending->size(); ++i) {
    Command& cmd = (*pending)[i].cmd;
    CommandOutcome& out = outcomes[i];
    out.stream_type = cmd.stream_type;
    const StreamType* type = FindStreamType(cmd.stream_type);
    const int64_t now_us = clock_->NowMicros();
    auto reject = [&](Status s) {
      out.status = std::move(s);
      ++rejected;
    };
    if (type == nullptr || !cmd.decide) {
      reject(Status::Internal("command without a known stream type"));
      continue;
    }
    std::string idem_key;
    if (!cmd.idempotency_key.empty()) {
      idem_key = Batch::IdemKey(cmd.actor.id, cmd.idempotency_key);
      if (auto prior = batch.FindIdem(idem_key)) {
        if (prior->request_hash != cmd.request_hash) {
          reject(Status(Errc::kDuplicate,
                        "Idempotency-Key was already used for a different request"));
          continue;
        }
        out.stream_type = prior->stream_type;
        out.stream_id = prior->stream_id;
        out.version = prior->version;
        out.created = prior->created;
        out.state_label = prior->label;
        out.replayed = true;
        continue;
      }
    }
    batch.BeginNumbering();
    if (cmd.stream_id.empty()) {
      if (type->series.empty()) {
        reject(Status::Malformed("missing id"));
        continue;
      }
      cmd.stream_id = batch.NextNumber(type->series, now_us);
    }
    out.stream_id = cmd.stream_id;
    auto target = batch.Get(cmd.stream_type, cmd.stream_id);
    if (!target.ok()) {
      reject(target.status());
      continue;
    }
    const AggregateState* state = (*target)->state.get();
    const bool exists = state->version > 0;
    if (cmd.expect == Expect::kNew && exists) {
      reject(Status::Duplicate(fmt::format("{} {} already exists", cmd.stream_type, cmd.stream_id)));
      continue;
    }
    if (cmd.expect == Expect::kExisting && !exists) {
      reject(Status::NotFound(fmt::format("{} {} does not exist", cmd.stream_type, cmd.stream_id)));
      continue;
    }
    if (cmd.expected_version && *cmd.expected_version != state->version) {
      reject(Status(Errc::kVersionConflict,
                    fmt::format("{} {} is at version {}, not {}", cmd.stream_type, cmd.stream_id,
                                state->version, *cmd.expected_version),
                    "", {{"expected", std::to_string(*cmd.expected_version)},
                         {"actual", std::to_string(state->version)}}));
      continue;
    }
    batch.BeginCommand(&cmd.actor, &cmd.stream_id, now_us);
    Decision decision = Status::Internal("not decided");
    try {
      decision = cmd.decide(exists ? state : nullptr, batch);
    } catch (const std::exception& e) {
      decision = Status::Internal(std::string("decide failed: ") + e.what());
    }
    if (!decision.ok()) {
      reject(decision.status());
      continue;
    }
    if (decision->size() > options_.events_per_command_max) {
      reject(Status::Rule("too_many_events", "the command would append too many events"));
      continue;
    }
    // Every event of the command: encode, chain, apply.
    const std::string command_id =
        events::EventIdValue{static_cast<uint64_t>(now_us), event_id_salt_ + ++command_seq_}
            .ToString();
    const std::string date = IsoDate(now_us);
    Status failed;
    for (auto& ev : *decision) {
      const std::string& st = ev.stream_type.empty() ? cmd.stream_type : ev.stream_type;
      const std::string& sid = ev.stream_type.empty() ? cmd.stream_id : ev.stream_id;
      auto entry = batch.Get(st, sid);
      if (!entry.ok()) {
        failed = entry.status();
        break;
      }
      events::EventIdValue id{static_cast<uint64_t>(now_us), 0};
      if (id.hi <= last_event_id_.hi) {
        id = {last_event_id_.hi, last_event_id_.lo + 1};
      } else {
        id.lo = event_id_salt_;
      }
      last_event_id_ = id;
      events::EnvelopeMeta meta;
      meta.event_id = id;
      meta.stream_type = st;
      meta.stream_id = sid;
      meta.stream_version = (*entry)->state->version + 1;
      meta.recorded_at_us = now_us;
      meta.effective_date = ev.effective_date.empty() ? date : ev.effective_date;
      meta.actor = cmd.actor.id;
      meta.actor_roles = &cmd.actor.roles;
      meta.command_id = command_id;
      meta.correlation_id = cmd.correlation_id.empty() ? command_id : cmd.correlation_id;
      meta.causation_id = cmd.causation_id;
      meta.idempotency_key = cmd.idempotency_key;
      meta.request_hash = cmd.request_hash;
      failed = batch.AddEvent(meta, ev.event, *(*entry)->type);
      if (!failed.ok()) break;
    }
    // Decisions are validated before any event is built; a failure here is a
    // bug in an aggregate and fails the whole batch rather than commit half a
    // command.
    LEDGER_ASSERT(failed.ok());
    appended[i] = true;
    auto after = batch.Get(cmd.stream_type, cmd.stream_id);
    out.version = (*after)->state->version;
    out.created = !exists && out.version > 0;
    out.state_label = std::string((*after)->state->StatusLabel());
  }

  const uint64_t decide_us = MicrosSince(t_decide);
  auto t_append = std::chrono::steady_clock::now();
  Status written = Status::Ok();
  auto& records = batch.records();
  if (!records.empty()) written = log_->Append(&records);
  const uint64_t append_us = MicrosSince(t_append);
  auto t_store = std::chrono::steady_clock::now();
  Status stored = Status::Ok();
  if (written.ok()) {
    LogCursor next = cursor_;
    for (const auto& r : records) next[r.partition] = std::max(next[r.partition], r.offset + 1);
    // The events are durable whatever happens to the store: the commands
    // succeeded. A store that missed them is rebuilt by Resume before the
    // next command is decided.
    stored = batch.Commit(next);
    cursor_ = next;
    chain_ = batch.chain();
    batch.Publish();
    if (!stored.ok()) Suspend(stored);
  } else {
    Suspend(written);
  }
  const uint64_t store_us = MicrosSince(t_store);
  auto t_answer = std::chrono::steady_clock::now();
  for (size_t i = 0; i < pending->size(); ++i) {
    if (appended[i] && !written.ok()) outcomes[i].status = write_fault();
    (*pending)[i].done(std::move(outcomes[i]));
  }
  {
    std::lock_guard lock(stats_mu_);
    stats_.decide_us += decide_us;
    stats_.append_us += append_us;
    stats_.store_us += store_us;
    stats_.answer_us += MicrosSince(t_answer);
    stats_.batches++;
    stats_.commands += pending->size();
    stats_.rejected += rejected;
    if (written.ok()) stats_.events += records.size();
    if (!written.ok()) stats_.log_write_failures++;
    if (!stored.ok()) stats_.store_write_failures++;
  }
}

Result<std::unique_ptr<AggregateState>> Engine::LoadForWrite(const StreamType& type,
                                                             const std::string& key) const {
  {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second->Clone();
  }
  auto sep = key.find('\x1f');
  return LoadFromStore(type, std::string_view(key).substr(0, sep),
                       std::string_view(key).substr(sep + 1));
}

Result<std::unique_ptr<AggregateState>> Engine::LoadFromStore(const StreamType& type,
                                                              std::string_view stream_type,
                                                              std::string_view stream_id) const {
  std::string key = StreamKey(stream_type, stream_id);
  auto state = type.make();
  std::string value;
  auto s = store_->Get(rocksdb::ReadOptions(), state_keys::Snapshot(key), &value);
  if (s.IsNotFound()) return state;
  if (!s.ok()) return FromRocks(s);
  if (value.size() >= 12 && state_keys::GetBE(value.data(), 4) == type.snapshot_format &&
      state->Decode(std::string_view(value).substr(12))) {
    state->version = state_keys::GetBE(value.data() + 4, 8);
    return state;
  }
  // The snapshot no longer decodes: rebuild the stream from its events.
  spdlog::warn("engine: snapshot of {}/{} does not decode; rebuilding it from the log",
               stream_type, stream_id);
  state = type.make();
  std::vector<LogRecord> records;
  LEDGER_RETURN_IF_ERROR(ReadStream(stream_type, stream_id, &records));
  for (const auto& r : records) {
    state->Evolve(*r.envelope());
    state->version = r.envelope()->stream_version();
  }
  return state;
}

void Engine::Install(const std::string& key, std::unique_ptr<AggregateState> state) {
  std::shared_ptr<const AggregateState> shared(std::move(state));
  unflushed_[key] = shared;
  bool full;
  {
    std::shared_lock lock(cache_mu_);
    full = cache_.size() >= options_.cache_streams_max && !cache_.count(key);
  }
  if (full) {
    // Once every snapshot is written, evicting any state is safe: the next
    // load reads it back from the store.
    Status s = FlushSnapshots();
    std::unique_lock lock(cache_mu_);
    if (s.ok()) {
      size_t target = options_.cache_streams_max - options_.cache_streams_max / 10;
      for (auto it = cache_.begin(); it != cache_.end() && cache_.size() > target;) {
        it = cache_.erase(it);
      }
    }
  }
  std::unique_lock lock(cache_mu_);
  cache_[key] = std::move(shared);
}

std::shared_ptr<const AggregateState> Engine::Load(std::string_view type_name,
                                                   std::string_view id) const {
  std::string key = StreamKey(type_name, id);
  {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second->version > 0 ? it->second : nullptr;
  }
  const StreamType* type = FindStreamType(type_name);
  if (type == nullptr) return nullptr;
  auto loaded = LoadFromStore(*type, type_name, id);
  if (!loaded.ok() || (*loaded)->version == 0) return nullptr;
  std::shared_ptr<const AggregateState> shared(std::move(loaded.value()));
  std::unique_lock lock(cache_mu_);
  // The writer may have installed a newer state meanwhile: never replace it.
  return cache_.try_emplace(key, shared).first->second;
}

Status Engine::ReadStream(std::string_view type, std::string_view id,
                          std::vector<LogRecord>* records) const {
  std::string prefix = state_keys::IndexPrefix(StreamKey(type, id));
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(store_->NewIterator(ro));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto v = it->value();
    if (v.size() != 12) return Status::Corruption("bad stream index entry");
    LogRecord r;
    r.partition = static_cast<uint32_t>(state_keys::GetBE(v.data(), 4));
    r.offset = state_keys::GetBE(v.data() + 4, 8);
    LEDGER_RETURN_IF_ERROR(log_->ReadAt(r.partition, r.offset, &r.bytes));
    records->push_back(std::move(r));
  }
  return FromRocks(it->status());
}

Result<std::vector<std::string>> Engine::StreamIds(std::string_view type, size_t max) const {
  // Index keys are <prefix><id>\x1f<version>: after the versions of one id,
  // the next id starts at <prefix><id>\x20 (ids never hold \x1f).
  const std::string prefix = state_keys::IndexPrefix(type);
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(store_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);) {
    std::string_view rest = it->key().ToStringView().substr(prefix.size());
    const size_t end = rest.find('\x1f');
    if (end == std::string_view::npos) return Status::Corruption("bad stream index key");
    if (ids.size() == max) {
      return Status(Errc::kTooLarge, fmt::format("more than {} {} streams", max, type));
    }
    ids.emplace_back(rest.substr(0, end));
    it->Seek(prefix + ids.back() + '\x20');
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status()));
  return ids;
}

EngineStats Engine::stats() const {
  EngineStats s;
  {
    std::lock_guard lock(stats_mu_);
    s = stats_;
  }
  std::lock_guard lock(queue_mu_);
  s.queue_depth = queue_.size();
  return s;
}

}  // namespace ledger
