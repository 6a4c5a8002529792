// The engine's face: opening it, the queue of commands, stopping, its
// statistics. The writer thread is in engine_writer.cc, recovery in
// engine_recovery.cc, the committed states and the state store in
// engine_state_store.cc.
#include "engine/engine.h"

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
  engine->writer_ = std::thread([e = engine.get()] {
    SetUpThisThread("ledger-writer", ThreadKind::kThroughput);
    e->Run();
  });
  return engine;
}

void Engine::Submit(Command cmd, std::function<void(CommandOutcome)> done) {
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
