// The engine's face: opening it, the queue of commands, stopping, its
// statistics. The writer thread is in engine_writer.cc, recovery in
// engine_recovery.cc, the committed states and the state store in
// engine_state_store.cc.
#include "engine/engine.h"

#include <spdlog/spdlog.h>

#include <future>
#include <random>

#include "engine/threads.h"

namespace ledger {

std::string StreamKey(std::string_view type, std::string_view id) {
  std::string k;
  k.reserve(type.size() + id.size() + 1);
  k.append(type);
  k.push_back('\x1f');
  k.append(id);
  return k;
}

std::string DecideContext::today() const { return IsoDate(now_us()); }

Engine::Engine(EventLog* log, rocksdb::DB* store, const Clock* clock, EngineOptions options)
    : log_(log), store_(store), clock_(clock), options_(options) {
  std::random_device rd;
  event_id_salt_ = (static_cast<uint64_t>(rd()) << 32);
}

Engine::~Engine() { Stop(); }

Result<std::unique_ptr<Engine>> Engine::Open(EventLog* log, rocksdb::DB* store, const Clock* clock,
                                             EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(log, store, clock, options));
  Status s = engine->Recover();
  if (!s.ok()) return s;
  if (options.follow_log) {
    engine->writer_ = std::thread([e = engine.get()] {
      SetUpThisThread("ledger-follower", ThreadKind::kThroughput);
      e->Follow();
    });
    return engine;
  }
  engine->writer_ = std::thread([e = engine.get()] {
    SetUpThisThread("ledger-writer", ThreadKind::kThroughput);
    e->Run();
  });
  return engine;
}

void Engine::Submit(Command cmd, std::function<void(CommandOutcome)> done) {
  if (options_.follow_log) {
    CommandOutcome out;
    out.stream_type = cmd.stream_type;
    out.status = Status::Unavailable(
        "this ledgerd is a read replica: it follows the log and never writes it; send commands "
        "to the writer");
    done(std::move(out));
    return;
  }
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_ && queue_.size() < options_.queue_commands_max) {
      queue_.push_back({std::move(cmd), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  CommandOutcome out;
  bool stopping;
  {
    std::lock_guard lock(queue_mu_);
    stopping = stopping_;
  }
  out.status = stopping ? Status::Unavailable("the ledger is shutting down")
                        : Status(Errc::kOverloaded, "too many commands waiting; retry later");
  done(std::move(out));
}

CommandOutcome Engine::Execute(Command cmd) {
  std::promise<CommandOutcome> promise;
  auto future = promise.get_future();
  Submit(std::move(cmd), [&promise](CommandOutcome o) { promise.set_value(std::move(o)); });
  return future.get();
}

void Engine::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
    queue_cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

void Engine::Follow() {
  // Waiting for the log is bounded so that Stop is seen within it.
  constexpr auto kWaitMax = std::chrono::milliseconds(200);
  auto stopping = [this] {
    std::lock_guard lock(queue_mu_);
    return stopping_;
  };
  std::unique_ptr<LogReader> reader = log_->NewReader(cursor_, true);
  while (!stopping()) {
    uint64_t applied = 0;
    Status s = ApplyTail(reader.get(), &applied);
    if (!s.ok()) {
      bool first = false;
      {
        std::lock_guard lock(stats_mu_);
        first = follow_.fault.ok();
        follow_.fault = s;
      }
      if (first) spdlog::error("engine: following the log failed, retrying: {}", s.ToString());
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait_for(lock, std::chrono::milliseconds(options_.resume_interval_ms),
                         [this] { return stopping_; });
      lock.unlock();
      // Again from what the store holds: a failed reader may have stopped
      // in the middle of a batch.
      reader = log_->NewReader(cursor_, true);
      continue;
    }
    bool recovered = false;
    {
      std::lock_guard lock(stats_mu_);
      recovered = !follow_.fault.ok();
      follow_.fault = Status::Ok();
      // Past the transaction markers too, once caught up.
      follow_.position = reader->position();
    }
    if (recovered) spdlog::info("engine: following the log again");
    if (applied == 0) log_->WaitBeyond(reader->position(), kWaitMax);
  }
  Status s = FlushSnapshots();
  if (!s.ok()) spdlog::error("engine: snapshot write failed: {}", s.ToString());
}

FollowState Engine::follow_state() const {
  std::lock_guard lock(stats_mu_);
  return follow_;
}

Status Engine::write_fault() const {
  std::lock_guard lock(stats_mu_);
  return write_fault_;
}

EngineStats Engine::stats() const {
  EngineStats s;
  {
    std::lock_guard lock(stats_mu_);
    s = stats_;
  }
  std::lock_guard lock(queue_mu_);
  s.queue_depth = queue_.size();
  return s;
}

}  // namespace ledger
