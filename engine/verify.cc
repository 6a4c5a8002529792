#include "engine/verify.h"

#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/state_keys.h"


namespace ledger {

Result<VerifyReport> VerifyLog(const EventLog& log,
                               const std::function<bool(uint64_t, uint64_t)>& progress,
                               size_t batch_records) {
  const LogLayout& layout = log.layout();
  VerifyReport report;
  LogCursor start(layout.partition_count(), 0);
  std::vector<events::Digest> prev(layout.partition_count(), events::Digest{});
  auto reader = log.NewReader(start, true);
  const uint64_t total = CursorTotal(log.End());
  std::vector<LogRecord> batch;
  while (true) {
    batch.clear();
    Status s = reader->Next(batch_records, &batch);
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
      // The report names the record itself: keep only the why.
      const std::string place =
          fmt::format("record {}@{}: ", layout.PartitionName(report.partition), report.offset);
      if (report.reason.starts_with(place)) report.reason.erase(0, place.size());
      report.end = reader->position();
      return report;
    }
    if (batch.empty()) break;
    if (progress && !progress(report.records, total)) break;
  }
  report.end = reader->position();
  return report;
}

Result<StoreReport> VerifyStore(const EventLog& log, rocksdb::DB* store) {
  const LogLayout& layout = log.layout();
  StoreReport report;
  auto fail = [&](std::string why) {
    report.ok = false;
    report.problem = std::move(why);
    return report;
  };
  std::string text;
  auto got = store->Get(rocksdb::ReadOptions(), state_keys::kCursor, &text);
  if (got.IsNotFound()) return report;  // a store that never saw a batch
  if (!got.ok()) return FromRocks(got);
  auto cursor = DecodeCursor(text, layout.partition_count());
  if (!cursor.ok()) return fail("the store's cursor does not decode: " + text);
  Status missing = CheckNothingAcknowledgedIsMissing(layout, *cursor, log.End());
  if (!missing.ok()) return fail(missing.message());

  std::vector<uint64_t> indexed(layout.partition_count(), 0);
  const std::string_view root = state_keys::kIndexRoot;
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(root); it->Valid() && it->key().starts_with(root); it->Next()) {
    std::string_view type, id;
    uint64_t version = 0;
    if (!state_keys::ParseIndex(it->key().ToStringView(), &type, &id, &version) ||
        it->value().size() != 12) {
      return fail("a malformed stream index entry");
    }
    const auto partition = static_cast<uint32_t>(state_keys::GetBE(it->value().data(), 4));
    const uint64_t offset = state_keys::GetBE(it->value().data() + 4, 8);
    const std::string entry = fmt::format("the index entry of {}/{} version {}", type, id, version);
    if (partition >= layout.partition_count() || offset >= (*cursor)[partition]) {
      return fail(entry + " points beyond the store's cursor");
    }
    std::string bytes;
    Status read = log.ReadAt(partition, offset, &bytes);
    if (!read.ok()) return fail(entry + ": " + read.message());
    const auto* e = events::EnvelopeOf(bytes);
    if (events::Sv(e->stream_type()) != type || events::Sv(e->stream_id()) != id ||
        e->stream_version() != version) {
      return fail(fmt::format("{} points at {}@{}, which is {}/{} version {}", entry,
                              layout.PartitionName(partition), offset,
                              events::Sv(e->stream_type()), events::Sv(e->stream_id()),
                              e->stream_version()));
    }
    ++indexed[partition];
    ++report.indexed;
  }
  if (!it->status().ok()) return FromRocks(it->status());
  for (uint32_t p = 0; p < layout.partition_count(); ++p) {
    if (indexed[p] != (*cursor)[p]) {
      return fail(fmt::format("{} has {} records below the store's cursor but {} index entries",
                              layout.PartitionName(p), (*cursor)[p], indexed[p]));
    }
  }
  return report;
}

}  // namespace ledger
