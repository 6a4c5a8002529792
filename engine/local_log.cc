#include "engine/local_log.h"

#include "engine/coding.h"
#include "engine/rocks_setup.h"

#include <rocksdb/write_batch.h>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <deque>

namespace ledger {
namespace {

constexpr std::string_view kLayoutKey = "\xff\xff\xff\xff" "layout";




class LocalReader final : public LogReader {
 public:
  LocalReader(const LocalLog* log, LogCursor from, bool verify)
      : log_(log), pos_(std::move(from)), verify_(verify), heads_(pos_.size()) {}

  Status Next(size_t max_records, std::vector<LogRecord>* out) override {
    if (!failed_.ok()) return failed_;
    const LogCursor end = log_->End();
    size_t produced = 0;
    while (produced < max_records) {
      // Pick the partition whose next record has the smallest event id.
      int best = -1;
      events::EventIdValue best_id;
      for (size_t p = 0; p < heads_.size(); ++p) {
        if (heads_[p].empty() && next_fetch(p) < end[p]) {
          Status s = Fill(p, end[p]);
          if (!s.ok()) {
            failed_ = s;
            if (produced > 0) return Status::Ok();
            return s;
          }
        }
        if (heads_[p].empty()) continue;
        auto id = events::EventIdOf(*heads_[p].front().envelope());
        if (best < 0 || id < best_id) {
          best = static_cast<int>(p);
          best_id = id;
        }
      }
      if (best < 0) break;
      auto& q = heads_[best];
      pos_[best] = q.front().offset + 1;
      out->push_back(std::move(q.front()));
      q.pop_front();
      ++produced;
    }
    return Status::Ok();
  }

  const LogCursor& position() const override { return pos_; }

 private:
  static constexpr size_t kFetchRecordsMax = 512;

  uint64_t next_fetch(size_t p) const {
    return heads_[p].empty() ? pos_[p] : heads_[p].back().offset + 1;
  }

  Status Fill(size_t p, uint64_t end) {
    rocksdb::ReadOptions ro;
    std::string upper = LogKey(static_cast<uint32_t>(p), end);
    rocksdb::Slice upper_slice(upper);
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(log_->db()->NewIterator(ro));
    uint64_t expect = next_fetch(p);
    for (it->Seek(LogKey(static_cast<uint32_t>(p), expect));
         it->Valid() && heads_[p].size() < kFetchRecordsMax; it->Next()) {
      auto key = it->key();
      uint64_t offset = GetBE(key.data() + 4, 8);
      if (key.size() != 12 || offset != expect) {
        return CorruptionAt(p, expect, "missing record (gap in the partition)");
      }
      LogRecord r{static_cast<uint32_t>(p), offset, it->value().ToString()};
      Status s = events::VerifyRecord(r.bytes, verify_);
      if (!s.ok()) return CorruptionAt(p, offset, s.message());
      heads_[p].push_back(std::move(r));
      ++expect;
    }
    if (!it->status().ok()) {
      // A damaged block: name the first record that could not be read.
      Status s = FromRocks(it->status());
      return s.IsCorruption() ? CorruptionAt(p, expect, s.message()) : s;
    }
    return Status::Ok();
  }

  Status CorruptionAt(size_t p, uint64_t offset, const std::string& why) const {
    return CorruptionStatus(log_->layout(), static_cast<uint32_t>(p), offset, why);
  }

  const LocalLog* log_;
  LogCursor pos_;
  bool verify_;
  std::vector<std::deque<LogRecord>> heads_;
  Status failed_;
};

}  // namespace

std::string LogKey(uint32_t partition, uint64_t offset) {
  std::string k;
  k.reserve(12);
  PutBE(&k, partition, 4);
  PutBE(&k, offset, 8);
  return k;
}

LocalLog::LocalLog(LocalLogOptions options, std::unique_ptr<rocksdb::DB> db)
    : options_(options), db_(std::move(db)), end_(options.layout.partition_count(), 0) {}

LocalLog::~LocalLog() = default;

Result<std::unique_ptr<LocalLog>> LocalLog::Open(const std::string& path, LocalLogOptions options) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  o.write_buffer_size = 64 << 20;
  ConfigureRocks(&o, "log");
  auto opened = OpenRocks(o, path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<rocksdb::DB> db = std::move(opened.value());

  std::string layout = std::to_string(options.layout.partitions_per_topic);
  std::string stored;
  auto s = db->Get(rocksdb::ReadOptions(), kLayoutKey, &stored);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->Put(wo, kLayoutKey, layout);
  } else if (s.ok() && stored != layout) {
    return Status::InvalidState("log at " + path + " has " + stored +
                                " partitions per topic, not " + layout);
  }
  if (!s.ok()) return FromRocks(s);

  std::unique_ptr<LocalLog> log(new LocalLog(options, std::move(db)));
  if (options.verify_on_open) LEDGER_RETURN_IF_ERROR(log->VerifyFiles());
  auto end = log->ReadEnd();
  if (!end.ok()) return end.status();
  log->end_ = std::move(end.value());
  return log;
}

Result<LogCursor> LocalLog::ReadEnd() const {
  LogCursor end(options_.layout.partition_count(), 0);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (uint32_t p = 0; p < options_.layout.partition_count(); ++p) {
    it->SeekForPrev(LogKey(p, ~0ull));
    if (it->Valid() && it->key().size() == 12 && GetBE(it->key().data(), 4) == p) {
      end[p] = GetBE(it->key().data() + 4, 8) + 1;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return end;
}

Status LocalLog::VerifyFiles() const {
  rocksdb::Status checked = db_->VerifyChecksum();
  if (checked.ok()) return Status::Ok();
  if (!checked.IsCorruption()) return FromRocks(checked);
  const std::string why = checked.ToString();
  // Which records the damaged file held and which of them are unreadable:
  // every offset of its key range is read back on its own.
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  std::string unreadable;
  Status::Details details;
  const uint32_t partitions = options_.layout.partition_count();
  for (const auto& f : files) {
    if (why.find(f.name) == std::string::npos) continue;
    if (f.smallestkey.size() != 12) continue;
    uint32_t p = static_cast<uint32_t>(GetBE(f.smallestkey.data(), 4));
    uint64_t offset = GetBE(f.smallestkey.data() + 4, 8);
    const uint64_t last_p = f.largestkey.size() == 12 ? GetBE(f.largestkey.data(), 4) : partitions - 1;
    const uint64_t last_offset = f.largestkey.size() == 12 ? GetBE(f.largestkey.data() + 4, 8) : ~0ull;
    for (; p < partitions && p <= last_p; ++p, offset = 0) {
      std::optional<uint64_t> bad_from;
      auto close_range = [&](uint64_t bad_to) {
        unreadable += fmt::format("{}{}@{}..{}", unreadable.empty() ? "" : ", ",
                                  options_.layout.PartitionName(p), *bad_from, bad_to);
        if (details.empty()) {
          details = {{"partition", std::to_string(p)}, {"offset", std::to_string(*bad_from)}};
        }
        bad_from.reset();
      };
      for (;; ++offset) {
        if (p == last_p && offset > last_offset) break;
        std::string value;
        rocksdb::Status got = db_->Get(rocksdb::ReadOptions(), LogKey(p, offset), &value);
        if (got.IsNotFound()) break;
        if (!got.ok() && !bad_from) bad_from = offset;
        if (got.ok() && bad_from) close_range(offset - 1);
      }
      if (bad_from) close_range(offset - 1);
    }
  }
  return Status(Errc::kCorruption,
                "the log's files are damaged (" + why + "); " +
                    (unreadable.empty() ? std::string("no record could be named")
                                        : "records that cannot be read: " + unreadable) +
                    ". Restore the log from a backup or a replica.",
                "damaged_log", std::move(details));
}

Status LocalLog::Resume() {
  // RocksDB stops writing after a failed write (a "background error") until
  // Resume() has flushed its memtables and started a new WAL; appending
  // before that would reuse the failed file, which Debian's build asserts on.
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Resume()));
  auto end = ReadEnd();
  if (!end.ok()) return end.status();
  {
    std::lock_guard lock(mu_);
    end_ = std::move(end.value());
  }
  appended_.notify_all();
  return Status::Ok();
}

Status LocalLog::Append(std::vector<AppendRecord>* records) {
  if (records->empty()) return Status::Ok();
  LogCursor next;
  {
    std::lock_guard lock(mu_);
    next = end_;
  }
  rocksdb::WriteBatch batch;
  for (auto& r : *records) {
    LEDGER_ASSERT(r.partition < next.size());
    r.offset = next[r.partition]++;
    batch.Put(LogKey(r.partition, r.offset), r.bytes);
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  Status s = FromRocks(db_->Write(wo, &batch));
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    end_ = std::move(next);
  }
  appended_.notify_all();
  return Status::Ok();
}

LogCursor LocalLog::End() const {
  std::lock_guard lock(mu_);
  return end_;
}

Status LocalLog::ReadAt(uint32_t partition, uint64_t offset, std::string* bytes) const {
  if (partition >= options_.layout.partition_count()) return Status::NotFound("no such partition");
  Status s = FromRocks(db_->Get(rocksdb::ReadOptions(), LogKey(partition, offset), bytes));
  if (s.IsCorruption()) return CorruptionStatus(options_.layout, partition, offset, s.message());
  if (!s.ok()) return s;
  s = events::VerifyRecord(*bytes, true);
  if (!s.ok()) return CorruptionStatus(options_.layout, partition, offset, s.message());
  return s;
}

std::unique_ptr<LogReader> LocalLog::NewReader(const LogCursor& from, bool verify_hashes) const {
  LEDGER_ASSERT(from.size() == options_.layout.partition_count());
  return std::make_unique<LocalReader>(this, from, verify_hashes);
}

bool LocalLog::WaitBeyond(const LogCursor& cursor, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  auto beyond = [&] {
    for (size_t p = 0; p < end_.size(); ++p) {
      if (end_[p] > cursor[p]) return true;
    }
    return false;
  };
  return appended_.wait_for(lock, timeout, beyond);
}

Status LocalLog::CorruptForTest(uint32_t partition, uint64_t offset, std::string bytes) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, LogKey(partition, offset), bytes));
}

}  // namespace ledger
