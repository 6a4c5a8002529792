// Key layout of the write side's state store (docs/FORMAT.md). Every key
// starts with "w/" so that projections can share the RocksDB instance.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/coding.h"

namespace ledger::state_keys {

// Log cursor that the stream index, idempotency keys and counters reflect.
inline constexpr std::string_view kCursor = "w/cursor";
// Log cursor that the snapshots reflect (never beyond kCursor).
inline constexpr std::string_view kSnapshotCursor = "w/snapshot_cursor";

using ::ledger::GetBE;
using ::ledger::PutBE;

// Hash of the last record of every partition (32 bytes each), then the
// newest event id (16 bytes): where the writer's chains continue.
inline constexpr std::string_view kChain = "w/chain";

// w/a/<type>\x1f<id> -> snapshot
inline std::string Snapshot(std::string_view stream_key) {
  return "w/a/" + std::string(stream_key);
}
// w/x/<type>\x1f<id>\x1f<version, 8 bytes BE> -> ref
inline constexpr std::string_view kIndexRoot = "w/x/";
inline std::string IndexPrefix(std::string_view stream_key) {
  return std::string(kIndexRoot) + std::string(stream_key) + '\x1f';
}
// Splits an index key into its stream's type, id and version; false if the
// key is not one.
inline bool ParseIndex(std::string_view key, std::string_view* type, std::string_view* id,
                       uint64_t* version) {
  if (!key.starts_with(kIndexRoot) || key.size() < kIndexRoot.size() + 11) return false;
  const std::string_view stream = key.substr(kIndexRoot.size(), key.size() - kIndexRoot.size() - 9);
  const size_t sep = stream.find('\x1f');
  if (sep == std::string_view::npos || key[key.size() - 9] != '\x1f') return false;
  *type = stream.substr(0, sep);
  *id = stream.substr(sep + 1);
  *version = GetBE(key.data() + key.size() - 8, 8);
  return true;
}
inline std::string Index(std::string_view stream_key, uint64_t version) {
  std::string k = IndexPrefix(stream_key);
  PutBE(&k, version, 8);
  return k;
}
// w/n/<series>-<year> -> last number assigned, decimal text
inline std::string Counter(std::string_view series_year) {
  return "w/n/" + std::string(series_year);
}
// w/k/<actor>\x1f<idempotency key> -> JSON record of the first outcome
inline std::string Idempotency(std::string_view actor_and_key) {
  return "w/k/" + std::string(actor_and_key);
}

// Snapshot value: format (4 bytes BE), version (8 bytes BE), body.
inline std::string EncodeSnapshot(uint32_t format, uint64_t version, const std::string& body) {
  std::string v;
  v.reserve(12 + body.size());
  PutBE(&v, format, 4);
  PutBE(&v, version, 8);
  v += body;
  return v;
}

// Index value: partition (4 bytes BE), offset (8 bytes BE).
inline std::string EncodeRef(uint32_t partition, uint64_t offset) {
  std::string v;
  PutBE(&v, partition, 4);
  PutBE(&v, offset, 8);
  return v;
}

}  // namespace ledger::state_keys
