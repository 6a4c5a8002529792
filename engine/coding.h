// Small encoding helpers shared by the storage code: big-endian integers
// (so that keys sort by number) and RocksDB statuses as ledger Statuses.
#pragma once

#include <rocksdb/status.h>

#include <cstdint>
#include <string>

#include "events/status.h"

namespace ledger {

// Appends the low `bytes` bytes of `v`, most significant first.
inline void PutBE(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline uint64_t GetBE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// RocksDB's status as a ledger Status: NotFound, Corruption, NoSpace (a full
// disk), else IoError.
inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  if (s.IsNoSpace()) return Status(Errc::kNoSpace, s.ToString());
  return Status::IoError(s.ToString());
}

}  // namespace ledger
