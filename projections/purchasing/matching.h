// Matching (SPEC §5): the 3-way match rate without dispute, and how many
// invoices are or were disputed.
//
// Read from the list of supplier invoices (projections/lists.h), whose items
// carry the invoice's own status, match mode, first result and whether it
// was ever disputed, all folded by the invoice's own Apply: this read model
// keeps no copy of its own and derives no status. Invoices by match status
// and their discrepancies are GET /v1/supplier-invoices?status=disputed.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>

#include "events/status.h"

namespace ledger {

struct MatchingStats {
  uint64_t invoices = 0;               // captured, not cancelled
  uint64_t three_way = 0;              // of which matched 3-way
  uint64_t three_way_clean = 0;        // matched at capture and never disputed
  uint64_t disputed_now = 0;           // open disputes
  uint64_t ever_disputed = 0;
  double three_way_match_rate = 0;     // clean / three_way (0 when none)
};
// Scans every supplier invoice: O(invoices).
Result<MatchingStats> QueryMatchingStats(rocksdb::DB* store);

}  // namespace ledger
