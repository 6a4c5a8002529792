// Matching (SPEC §5): supplier invoices by match status, open disputes with
// their discrepancies, and the 3-way match rate without dispute.
//
// Keys:
//   "i/<invoice>"             -> the invoice's summary (JSON)
//   "s/<status>\x1f<invoice>" -> "" (index by status)
#pragma once

#include <nlohmann/json.hpp>

#include "projections/projection.h"

namespace ledger {

class MatchingProjection final : public Projection {
 public:
  std::string_view name() const override { return "matching"; }
  uint32_t version() const override { return 1; }
  Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) override;
};

// Invoices with `status` ("" = any), ordered by id, after `cursor` (an id).
struct InvoicePage {
  std::vector<nlohmann::json> invoices;
  std::string next_cursor;  // "" at the end
};
Result<InvoicePage> QueryInvoices(rocksdb::DB* store, const std::string& status,
                                  const std::string& cursor, size_t limit);

struct MatchingStats {
  uint64_t invoices = 0;               // captured, not cancelled
  uint64_t three_way = 0;              // of which matched 3-way
  uint64_t three_way_clean = 0;        // matched at capture and never disputed
  uint64_t disputed_now = 0;           // open disputes
  uint64_t ever_disputed = 0;
  double three_way_match_rate = 0;     // clean / three_way (0 when none)
};
Result<MatchingStats> QueryMatchingStats(rocksdb::DB* store);

}  // namespace ledger
