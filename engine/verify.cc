#include "engine/verify.h"

#include <fmt/format.h>


namespace ledger {

Result<VerifyReport> VerifyLog(const EventLog& log,
                               const std::function<void(uint64_t, uint64_t)>& progress) {
  const LogLayout& layout = log.layout();
  VerifyReport report;
  LogCursor start(layout.partition_count(), 0);
  std::vector<events::Digest> prev(layout.partition_count(), events::Digest{});
  auto reader = log.NewReader(start, true);
  const uint64_t total = CursorTotal(log.End());
  std::vector<LogRecord> batch;
  while (true) {
    batch.clear();
    Status s = reader->Next(8192, &batch);
    for (const auto& r : batch) {
      const auto* e = r.envelope();
      std::string reason;
      if (e->partition() != r.partition) {
        reason = fmt::format("record claims partition {}", e->partition());
      } else if (events::PrevHashOf(*e) != prev[r.partition]) {
        reason = "prev_hash does not match the previous record's hash (history was edited, "
                 "removed or reordered)";
      }
      if (!reason.empty()) {
        report.ok = false;
        report.partition = r.partition;
        report.offset = r.offset;
        report.reason = reason;
        report.end = reader->position();
        return report;
      }
      prev[r.partition] = events::HashOf(*e);
      ++report.records;
    }
    if (!s.ok()) {
      if (!s.IsCorruption()) return s;
      report.ok = false;
      report.reason = s.message();
      for (const auto& [k, v] : s.details()) {
        if (k == "partition") report.partition = static_cast<uint32_t>(std::stoul(v));
        if (k == "offset") report.offset = std::stoull(v);
      }
      report.end = reader->position();
      return report;
    }
    if (progress) progress(report.records, total);
    if (batch.empty()) break;
  }
  report.end = reader->position();
  return report;
}

}  // namespace ledger
