// Integrity verification of the log: every record's own hash and the SHA-256
// chain of every partition (SPEC §3); and of the state store against it. An edit, a deletion inside a partition
// or a reordering of history is reported with the first broken record.
#pragma once

#include <rocksdb/db.h>

#include <functional>

#include "engine/log.h"

namespace ledger {

struct VerifyReport {
  bool ok = true;
  uint64_t records = 0;       // records checked
  uint32_t partition = 0;     // first broken record, when !ok
  uint64_t offset = 0;
  std::string reason;
  LogCursor end;              // where the check stopped
};

// Reads the whole log. `progress(done, total)` is called between batches;
// returning false stops the check (the report then covers what was read).
// `batch_records` bounds a batch (the scrub paces itself between them).
Result<VerifyReport> VerifyLog(const EventLog& log,
                               const std::function<bool(uint64_t, uint64_t)>& progress = {},
                               size_t batch_records = 8192);

struct StoreReport {
  bool ok = true;
  uint64_t indexed = 0;  // stream index entries checked
  std::string problem;   // the first inconsistency, when !ok
};

// Checks the write side's state store against the log: nothing it saw
// acknowledged is missing from the log (its high-water mark), every stream
// index entry points at the record of that stream and version, and every
// record below its cursor is indexed once.
Result<StoreReport> VerifyStore(const EventLog& log, rocksdb::DB* store);

}  // namespace ledger
