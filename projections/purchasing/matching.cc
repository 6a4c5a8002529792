#include "projections/purchasing/matching.h"

#include "engine/purchasing/listings.h"
#include "projections/lists.h"

namespace ledger {

Result<MatchingStats> QueryMatchingStats(rocksdb::DB* store) {
  MatchingStats s;
  const std::string_view invoices = purchasing::kSupplierInvoiceListing.collection;
  Status scanned = ForEachListed(store, invoices, [&s](const nlohmann::json& j) {
    const std::string status = j.value("status", "");
    if (status == "cancelled") return Status::Ok();
    ++s.invoices;
    const bool disputed_once = j.value("ever_disputed", false);
    if (disputed_once) ++s.ever_disputed;
    if (status == "disputed") ++s.disputed_now;
    if (j.value("mode", "") == "3-way") {
      ++s.three_way;
      if (j.value("first_result", "") == "matched" && !disputed_once) ++s.three_way_clean;
    }
    return Status::Ok();
  });
  LEDGER_RETURN_IF_ERROR(scanned);
  s.three_way_match_rate =
      s.three_way == 0 ? 0.0 : static_cast<double>(s.three_way_clean) / s.three_way;
  return s;
}

}  // namespace ledger
