// The working set of one batch (engine_batch.h): how a record changes the
// working states, the series counters and the idempotency records, and how
// the batch reaches the state store and the cache.
#include "engine/engine_batch.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>

#include "engine/state_keys.h"

namespace ledger {
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

Result<Engine::Batch::Entry*> Engine::Batch::Get(std::string_view type_name,
                                                std::string_view id) {
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

const AggregateState* Engine::Batch::Find(std::string_view type, std::string_view id) {
  auto e = Get(type, id);
  if (!e.ok() || (*e)->state->version == 0) return nullptr;
  return (*e)->state.get();
}

Result<std::string> Engine::Batch::NewDocumentId(std::string_view type_name) {
  const StreamType* type = FindStreamType(type_name);
  if (type == nullptr || type->series.empty()) {
    return Status::Internal("stream type " + std::string(type_name) + " is not numbered");
  }
  return NextNumber(type->series, now_us_);
}

Status Engine::Batch::Apply(const events::Envelope& env, size_t record_index, uint32_t partition,
                            uint64_t offset) {
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

std::optional<IdemRecord> Engine::Batch::FindIdem(const std::string& k) {
  auto it = idem_.find(k);
  if (it != idem_.end()) return it->second;
  std::string v;
  if (engine_->store_->Get(rocksdb::ReadOptions(), state_keys::Idempotency(k), &v).ok()) {
    IdemRecord r;
    if (DecodeIdem(v, &r)) return r;
  }
  return std::nullopt;
}

uint64_t Engine::Batch::StoredCounter(const std::string& series_year) {
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

std::string Engine::Batch::NextNumber(std::string_view series, int64_t now_us) {
  std::string series_year = fmt::format("{}-{}", series, IsoDate(now_us).substr(0, 4));
  auto it = counters_.find(series_year);
  uint64_t last = it != counters_.end() ? it->second : StoredCounter(series_year);
  uint64_t& reserved = reserved_[series_year];
  reserved = std::max(reserved, last) + 1;
  return fmt::format("{}-{:05}", series_year, reserved);
}

Status Engine::Batch::AddEvent(const events::EnvelopeMeta& meta_in,
                               const events::EncodedEvent& event, const StreamType& type) {
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

Status Engine::Batch::Commit(const LogCursor& cursor) {
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

void Engine::Batch::Publish() {
  for (auto& [key, e] : streams_) {
    if (e.dirty) engine_->Install(key, std::move(e.state));
  }
  streams_.clear();
}

}  // namespace ledger
