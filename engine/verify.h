// Integrity verification of the log: every record's own hash and the SHA-256
// chain of every partition (SPEC §3). An edit, a deletion inside a partition
// or a reordering of history is reported with the first broken record.
#pragma once

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

// Reads the whole log. `progress(done, total)` is called between batches.
Result<VerifyReport> VerifyLog(const EventLog& log,
                               const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace ledger
