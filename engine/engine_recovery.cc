// Start-up and recovery: the engine's state store is derived from the log
// and records the log cursor it reflects; Recover replays the records after
// it (the tail) and restores the hash-chain tails, at Open and again when the
// writer resumes after a storage fault (engine_writer.cc).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/engine_batch.h"
#include "engine/state_keys.h"

namespace ledger {

Status CheckNothingAcknowledgedIsMissing(const LogLayout& layout, const LogCursor& acknowledged,
                                        const LogCursor& end) {
  std::string missing;
  Status::Details details;
  for (uint32_t p = 0; p < layout.partition_count(); ++p) {
    if (acknowledged[p] <= end[p]) continue;
    const std::string range = end[p] + 1 == acknowledged[p]
                                  ? std::to_string(end[p])
                                  : fmt::format("{}..{}", end[p], acknowledged[p] - 1);
    missing += fmt::format("{}{}@{} ({} records)", missing.empty() ? "" : ", ",
                           layout.PartitionName(p), range, acknowledged[p] - end[p]);
    details.emplace_back("partition", std::to_string(p));
    details.emplace_back("offset", std::to_string(end[p]));
  }
  if (missing.empty()) return Status::Ok();
  return Status(Errc::kCorruption,
                "the log lost records that were acknowledged: " + missing +
                    ". The state store's high-water mark says they were written; the log's WAL "
                    "or files no longer hold them. Restore the log from a backup or a replica, "
                    "or start with --accept-lost-records to rebuild every derived state from "
                    "what the log holds (the lost records stay lost).",
                "lost_records", std::move(details));
}

Status Engine::Recover() {
  const uint32_t partitions = log_->layout().partition_count();
  cursor_.assign(partitions, 0);
  chain_.assign(partitions, events::Digest{});
  // Replay from where the snapshots stand: everything after it is applied
  // again (the index, idempotency and counter writes are idempotent).
  // The index cursor is written with every batch, after the log took it and
  // before any caller is answered: it is the high-water mark of what was
  // acknowledged, kept apart from the log's own files.
  LogCursor acknowledged(partitions, 0);
  for (auto key : {state_keys::kCursor, state_keys::kSnapshotCursor}) {
    std::string stored;
    auto rs = store_->Get(rocksdb::ReadOptions(), key, &stored);
    if (rs.IsNotFound()) {
      if (key == state_keys::kSnapshotCursor) cursor_.assign(partitions, 0);
      continue;
    }
    if (!rs.ok()) return FromRocks(rs);
    auto c = DecodeCursor(stored, partitions);
    if (!c.ok()) return Status::Corruption("state store cursor: " + c.status().message());
    cursor_ = *c;
    if (key == state_keys::kCursor) acknowledged = *c;
  }
  const LogCursor end = log_->End();
  LEDGER_RETURN_IF_ERROR(CheckNothingAcknowledgedIsMissing(log_->layout(), acknowledged, end));

  // Where the chains continue, as of the store's cursor.
  std::string chain;
  bool have_chain = false;
  auto cs = store_->Get(rocksdb::ReadOptions(), state_keys::kChain, &chain);
  if (cs.ok() && chain.size() == partitions * 32 + 16) {
    for (uint32_t p = 0; p < partitions; ++p) std::memcpy(chain_[p].data(), chain.data() + 32 * p, 32);
    last_event_id_ = {state_keys::GetBE(chain.data() + 32 * partitions, 8),
                      state_keys::GetBE(chain.data() + 32 * partitions + 8, 8)};
    have_chain = true;
  } else if (!cs.ok() && !cs.IsNotFound()) {
    return FromRocks(cs);
  }
  // Replaying from the start recomputes every chain tail.
  if (CursorTotal(cursor_) == 0) have_chain = true;
  // The chain key is written with the index cursor, which may be ahead of
  // the snapshot cursor replayed from: replay recomputes it up to the end.
  // Replay the tail, flushing to the store every recovery_flush_records.
  auto reader = log_->NewReader(cursor_, true);
  uint64_t replayed = 0;
  LEDGER_RETURN_IF_ERROR(ApplyTail(reader.get(), &replayed));
  // A store without chain tails (or a log the store never saw) takes them
  // from the last record of each partition.
  for (uint32_t p = 0; p < partitions && !have_chain; ++p) {
    if (end[p] == 0) continue;
    std::string bytes;
    LEDGER_RETURN_IF_ERROR(log_->ReadAt(p, end[p] - 1, &bytes));
    const auto* env = events::EnvelopeOf(bytes);
    chain_[p] = events::HashOf(*env);
    last_event_id_ = std::max(last_event_id_, events::EventIdOf(*env));
  }
  {
    std::lock_guard lock(stats_mu_);
    stats_.recovered_records = replayed;
    follow_.start_end = end;
    follow_.position = reader->position();
  }
  if (replayed > 0) spdlog::info("engine: replayed {} log records after the snapshot", replayed);
  return Status::Ok();
}

Status Engine::ApplyTail(LogReader* reader, uint64_t* applied) {
  std::vector<LogRecord> records;
  while (true) {
    records.clear();
    LEDGER_RETURN_IF_ERROR(reader->Next(options_.recovery_flush_records, &records));
    if (records.empty()) break;
    Batch batch(this);
    for (const auto& r : records) {
      const auto* env = r.envelope();
      LEDGER_RETURN_IF_ERROR(batch.Apply(*env, Batch::kNoRecord, r.partition, r.offset));
      batch.set_chain_tail(r.partition, events::HashOf(*env));
      last_event_id_ = std::max(last_event_id_, events::EventIdOf(*env));
    }
    chain_ = batch.chain();
    LEDGER_RETURN_IF_ERROR(batch.Commit(reader->position()));
    cursor_ = reader->position();
    batch.Publish();
    LEDGER_RETURN_IF_ERROR(FlushSnapshots());
    *applied += records.size();
    std::lock_guard lock(stats_mu_);
    follow_.position = reader->position();
    follow_.applied_records += records.size();
    follow_.last_recorded_at_us = records.back().envelope()->recorded_at_us();
  }
  return Status::Ok();
}

}  // namespace ledger
