#include "projections/projection.h"

#include <spdlog/spdlog.h>

#include <deque>

#include "engine/coding.h"
#include "engine/threads.h"

namespace ledger {
namespace {

constexpr std::string_view kCursorKey = "\x01" "cursor";
constexpr std::string_view kVersionKey = "\x01" "version";


}  // namespace

std::string ProjectionPrefix(std::string_view name) { return "p/" + std::string(name) + "/"; }

std::optional<std::string> ProjectionTxn::Get(const std::string& key) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  std::string v;
  if (db_->Get(rocksdb::ReadOptions(), prefix_ + key, &v).ok()) return v;
  return std::nullopt;
}

void ProjectionTxn::Put(const std::string& key, std::string value) {
  writes_[key] = std::move(value);
}

void ProjectionTxn::Delete(const std::string& key) { writes_[key] = std::nullopt; }

void ProjectionTxn::Flush(rocksdb::WriteBatch* wb) {
  for (auto& [k, v] : writes_) {
    if (v) {
      wb->Put(prefix_ + k, *v);
    } else {
      wb->Delete(prefix_ + k);
    }
  }
  writes_.clear();
}

ProjectionRunner::ProjectionRunner(EventLog* log, rocksdb::DB* store,
                                   std::unique_ptr<Projection> projection,
                                   ProjectionRunnerOptions options)
    : log_(log),
      store_(store),
      projection_(std::move(projection)),
      options_(options),
      prefix_(ProjectionPrefix(projection_->name())),
      cursor_(log->layout().partition_count(), 0) {}

ProjectionRunner::~ProjectionRunner() { Stop(); }

Status ProjectionRunner::LoadCursor() {
  std::string version;
  auto s = store_->Get(rocksdb::ReadOptions(), prefix_ + std::string(kVersionKey), &version);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s);
  if (s.IsNotFound() || version != std::to_string(projection_->version())) {
    if (s.ok()) {
      spdlog::info("projection {}: version changed ({} -> {}), rebuilding", projection_->name(),
                   version, projection_->version());
    }
    return Reset();
  }
  std::string text;
  s = store_->Get(rocksdb::ReadOptions(), prefix_ + std::string(kCursorKey), &text);
  if (!s.ok()) return Reset();
  auto c = DecodeCursor(text, log_->layout().partition_count());
  if (!c.ok()) return Status::Corruption("projection cursor of " + std::string(projection_->name()));
  std::lock_guard lock(mu_);
  cursor_ = *c;
  return Status::Ok();
}

Status ProjectionRunner::Reset() {
  rocksdb::WriteBatch wb;
  std::string end = prefix_;
  end.back() = static_cast<char>(end.back() + 1);
  wb.DeleteRange(prefix_, end);
  wb.Put(prefix_ + std::string(kVersionKey), std::to_string(projection_->version()));
  LogCursor zero(log_->layout().partition_count(), 0);
  wb.Put(prefix_ + std::string(kCursorKey), EncodeCursor(zero));
  LEDGER_RETURN_IF_ERROR(FromRocks(store_->Write(rocksdb::WriteOptions(), &wb)));
  std::lock_guard lock(mu_);
  cursor_ = zero;
  applied_ = 0;
  return Status::Ok();
}

Status ProjectionRunner::Step(LogReader* reader, bool* progressed) {
  std::vector<LogRecord> records;
  records.reserve(options_.batch_records_max);
  LEDGER_RETURN_IF_ERROR(reader->Next(options_.batch_records_max, &records));
  *progressed = !records.empty();
  if (records.empty()) {
    // On a real Kafka cluster a transaction's commit marker takes an offset
    // and is no record: the reader moves past it without a record. The
    // cursor follows, or the projection would never reach the log's end.
    if (reader->position() != position()) return ApplyBatch(records, reader->position());
    return Status::Ok();
  }
  return ApplyBatch(records, reader->position());
}

Status ProjectionRunner::ApplyBatch(const std::vector<LogRecord>& records, const LogCursor& end) {
  ProjectionTxn txn(store_, prefix_);
  for (const auto& r : records) {
    LEDGER_RETURN_IF_ERROR(projection_->Apply(r, *r.envelope(), txn));
  }
  LEDGER_RETURN_IF_ERROR(projection_->Finish(txn));
  rocksdb::WriteBatch wb;
  txn.Flush(&wb);
  wb.Put(prefix_ + std::string(kCursorKey), EncodeCursor(end));
  LEDGER_RETURN_IF_ERROR(FromRocks(store_->Write(rocksdb::WriteOptions(), &wb)));
  applied_ += records.size();
  {
    std::lock_guard lock(mu_);
    cursor_ = end;
  }
  advanced_.notify_all();
  return Status::Ok();
}

Status ProjectionRunner::CatchUp(const std::function<void(uint64_t, uint64_t)>& progress) {
  LEDGER_ASSERT(!thread_.joinable());
  LEDGER_RETURN_IF_ERROR(LoadCursor());
  auto reader = log_->NewReader(position(), true);
  const uint64_t total = CursorTotal(log_->End());
  bool progressed = true;
  while (progressed) {
    LEDGER_RETURN_IF_ERROR(Step(reader.get(), &progressed));
    if (progress) progress(CursorTotal(position()), total);
  }
  return Status::Ok();
}

Status ProjectionRunner::Start() {
  LEDGER_RETURN_IF_ERROR(LoadCursor());
  stop_ = false;
  thread_ = std::thread([this] {
    SetUpThisThread("ledger-project", ThreadKind::kThroughput);
    Run();
  });
  return Status::Ok();
}

void ProjectionRunner::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ProjectionRunner::Run() {
  auto reader = log_->NewReader(position(), true);
  while (!stop_) {
    bool progressed = false;
    Status s = Step(reader.get(), &progressed);
    if (s.code() == Errc::kUnavailable || s.code() == Errc::kNoSpace ||
        s.code() == Errc::kIoError) {
      // The log is unreachable (brokers down) or the store cannot write (a
      // full disk) for now: report it, then try again from the last
      // committed cursor with a new reader, since the failed batch was not
      // applied.
      spdlog::warn("projection {}: {}; retrying", projection_->name(), s.ToString());
      {
        std::lock_guard lock(mu_);
        status_ = s;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (s.code() != Errc::kUnavailable) (void)store_->Resume();
      reader = log_->NewReader(position(), true);
      continue;
    }
    if (s.ok() && progressed) {
      std::lock_guard lock(mu_);
      status_ = Status::Ok();
    }
    if (!s.ok()) {
      spdlog::error("projection {} stopped: {}", projection_->name(), s.ToString());
      std::lock_guard lock(mu_);
      status_ = s;
      return;
    }
    if (!progressed) log_->WaitBeyond(reader->position(), options_.poll_interval);
  }
}

bool ProjectionRunner::WaitFor(const LogCursor& cursor, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return advanced_.wait_for(lock, timeout, [&] {
    for (size_t p = 0; p < cursor.size(); ++p) {
      if (cursor_[p] < cursor[p]) return false;
    }
    return true;
  });
}

LogCursor ProjectionRunner::position() const {
  std::lock_guard lock(mu_);
  return cursor_;
}

uint64_t ProjectionRunner::lag() const {
  uint64_t end = CursorTotal(log_->End());
  uint64_t at = CursorTotal(position());
  return end > at ? end - at : 0;
}

namespace {

// One batch of the shared read, handed to every projection.
struct SharedBatch {
  std::vector<LogRecord> records;
  LogCursor end;  // the reader's position after the batch
};

// A bounded queue of batches for one projection's worker; nullptr ends it.
class BatchQueue {
 public:
  void Push(std::shared_ptr<const SharedBatch> b) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return q_.size() < kDepth || abandoned_; });
    if (abandoned_) return;
    q_.push_back(std::move(b));
    ready_.notify_one();
  }
  // The next batch; nullptr at the end or once abandoned.
  std::shared_ptr<const SharedBatch> Pop() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !q_.empty() || abandoned_; });
    if (q_.empty()) return nullptr;
    auto b = std::move(q_.front());
    q_.pop_front();
    space_.notify_one();
    return b;
  }
  // The worker failed: the reader stops waiting for it.
  void Abandon() {
    std::lock_guard lock(mu_);
    abandoned_ = true;
    q_.clear();
    space_.notify_all();
    ready_.notify_all();
  }

 private:
  static constexpr size_t kDepth = 8;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::shared_ptr<const SharedBatch>> q_;
  bool abandoned_ = false;
};

}  // namespace

Status RebuildProjections(const std::vector<ProjectionRunner*>& runners,
                          const std::function<void(uint64_t, uint64_t)>& progress) {
  if (runners.empty()) return Status::Ok();
  for (auto* r : runners) {
    LEDGER_RETURN_IF_ERROR(r->Reset());
    // One reader for all of them: they must share the log.
    LEDGER_ASSERT(r->log_ == runners.front()->log_);
  }
  EventLog* log = runners.front()->log_;
  const uint64_t total = CursorTotal(log->End()) * runners.size();
  // The log is read (and its hashes verified) once; every projection applies
  // each batch on its own thread and commits it with its cursor, exactly as
  // its own catch-up would.
  std::vector<BatchQueue> queues(runners.size());
  std::vector<Status> results(runners.size());
  std::vector<std::thread> threads;
  std::atomic<size_t> running{runners.size() + 1};
  for (size_t i = 0; i < runners.size(); ++i) {
    threads.emplace_back([&, i] {
      while (auto batch = queues[i].Pop()) {
        results[i] = runners[i]->ApplyBatch(batch->records, batch->end);
        if (!results[i].ok()) queues[i].Abandon();
      }
      --running;
    });
  }
  Status read_status;
  threads.emplace_back([&] {
    auto reader = log->NewReader(LogCursor(log->layout().partition_count(), 0), true);
    const size_t batch_max = runners.front()->options_.batch_records_max;
    for (;;) {
      auto batch = std::make_shared<SharedBatch>();
      batch->records.reserve(batch_max);
      read_status = reader->Next(batch_max, &batch->records);
      if (!read_status.ok() || batch->records.empty()) break;
      batch->end = reader->position();
      std::shared_ptr<const SharedBatch> shared = std::move(batch);
      for (auto& q : queues) q.Push(shared);
    }
    for (auto& q : queues) q.Push(nullptr);
    --running;
  });
  while (running.load() > 0) {
    if (progress) {
      uint64_t done = 0;
      for (auto* r : runners) done += r->applied();
      progress(std::min(done, total), total);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : threads) t.join();
  if (progress) progress(total, total);
  LEDGER_RETURN_IF_ERROR(read_status);
  for (const auto& s : results) LEDGER_RETURN_IF_ERROR(s);
  return Status::Ok();
}

Status ProjectionRunner::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace ledger
