// The committed states: the cache readers share, the snapshots and the
// stream index in the state store, and the log records the index points to.
// The writer installs states and flushes their snapshots; readers load them
// (from the cache, else the store, else the stream's events).
#include <fmt/format.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/state_keys.h"

namespace ledger {

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

}  // namespace ledger
