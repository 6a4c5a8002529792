#include "projections/projection.h"

#include <spdlog/spdlog.h>

#include "engine/coding.h"

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
  if (records.empty()) return Status::Ok();
  ProjectionTxn txn(store_, prefix_);
  for (const auto& r : records) {
    LEDGER_RETURN_IF_ERROR(projection_->Apply(r, *r.envelope(), txn));
  }
  rocksdb::WriteBatch wb;
  txn.Flush(&wb);
  wb.Put(prefix_ + std::string(kCursorKey), EncodeCursor(reader->position()));
  LEDGER_RETURN_IF_ERROR(FromRocks(store_->Write(rocksdb::WriteOptions(), &wb)));
  applied_ += records.size();
  {
    std::lock_guard lock(mu_);
    cursor_ = reader->position();
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
  thread_ = std::thread([this] { Run(); });
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
    if (s.code() == Errc::kUnavailable) {
      // The log is unreachable for now (e.g. brokers down): try again.
      spdlog::warn("projection {}: {}; retrying", projection_->name(), s.ToString());
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
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

Status RebuildProjections(const std::vector<ProjectionRunner*>& runners,
                          const std::function<void(uint64_t, uint64_t)>& progress) {
  std::vector<Status> results(runners.size());
  std::vector<std::thread> threads;
  std::atomic<size_t> running{runners.size()};
  uint64_t total = 0;
  for (size_t i = 0; i < runners.size(); ++i) {
    LEDGER_RETURN_IF_ERROR(runners[i]->Reset());
    total += CursorTotal(runners[i]->log_->End());
  }
  for (size_t i = 0; i < runners.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = runners[i]->CatchUp();
      --running;
    });
  }
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
  for (const auto& s : results) LEDGER_RETURN_IF_ERROR(s);
  return Status::Ok();
}

Status ProjectionRunner::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace ledger
