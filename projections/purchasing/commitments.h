// Commitments: the untaxed amounts of confirmed purchase orders not yet
// released, by cost centre, supplier, month (the period of confirmation) and
// currency.
//
// Keys: "d/<cost_center>\x1f<supplier>\x1f<YYYY-MM>\x1f<currency>" -> decimal.
// A query groups those rows by any subset of the dimensions.
#pragma once

#include "projections/projection.h"

namespace ledger {

class CommitmentsProjection final : public Projection {
 public:
  std::string_view name() const override { return "commitments"; }
  uint32_t version() const override { return 1; }
  Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) override;
};

struct CommitmentRow {
  std::string cost_center, supplier, month, currency;  // empty when not grouped by
  std::string committed;                                // decimal text
};

// `group_by`: any of "cost_center", "supplier", "month". Rows are sorted by
// their grouping key; amounts are summed exactly.
Result<std::vector<CommitmentRow>> QueryCommitments(rocksdb::DB* store,
                                                    const std::vector<std::string>& group_by);

}  // namespace ledger
