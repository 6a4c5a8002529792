// The audit trail: every event, findable by stream, by actor and by time.
//
// Every key maps to the event's log position (partition:4 BE, offset:8 BE);
// queries read the envelope from the log, which verifies its hash, so a
// tampered record is reported, never served. Keys (docs/FORMAT.md):
//   "s/<stream_id>\x1f<stream_type>\x1f<version:8 BE>"
//   "t/<recorded_at_us:8 BE><event_id:16>"
//   "a/<actor>\x1f<recorded_at_us:8 BE><event_id:16>"
//   "c/<correlation_id>\x1f<recorded_at_us:8 BE><event_id:16>"
#pragma once

#include "projections/projection.h"

namespace ledger {

class AuditProjection final : public Projection {
 public:
  std::string_view name() const override { return "audit"; }
  uint32_t version() const override { return 2; }
  Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) override;
};

struct AuditQuery {
  std::string actor;
  std::string stream_id;
  std::string stream_type;     // only with stream_id
  std::string correlation_id;
  int64_t from_us = INT64_MIN;  // recorded_at >= from
  int64_t to_us = INT64_MAX;    // recorded_at < to
  size_t limit = 100;
  std::string cursor;           // from a previous page's next_cursor
};

struct AuditPage {
  std::vector<LogRecord> events;
  std::string next_cursor;      // "" on the last page
};

// Events matching every given filter, in (recorded_at, event id) order, or in
// version order for a stream.
Result<AuditPage> QueryAudit(rocksdb::DB* store, const EventLog& log, const AuditQuery& q);

}  // namespace ledger
