// The writer thread: it takes batches of commands from the queue, decides
// each against the batch's working states, appends every event with one
// durable log write (group commit), records the state store, and answers the
// callers. After a failed write it suspends commands until both databases
// are writable again and its memory is rebuilt from them.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/engine_batch.h"

namespace ledger {

namespace {

uint64_t MicrosSince(std::chrono::steady_clock::time_point t0) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - t0)
                                   .count());
}

}  // namespace

void Engine::Run() {
  std::vector<Pending> batch;
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait_for(lock, std::chrono::milliseconds(options_.snapshot_interval_ms),
                         [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) break;
      while (!queue_.empty() && batch.size() < options_.batch_commands_max) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status fault = write_fault();
    if (!fault.ok() && std::chrono::steady_clock::now() >= next_resume_ && Resume()) {
      fault = Status::Ok();
    }
    if (!fault.ok()) {
      RefuseAll(&batch, fault);
      continue;
    }
    if (!batch.empty()) ProcessBatch(&batch);
    if (write_fault().ok() &&
        (unflushed_.size() >= options_.snapshot_pending_max ||
         std::chrono::steady_clock::now() - last_flush_ >=
             std::chrono::milliseconds(options_.snapshot_interval_ms))) {
      Status s = FlushSnapshots();
      if (!s.ok()) Suspend(s);
    }
  }
  if (!write_fault().ok()) return;  // the tail is replayed at the next start
  Status s = FlushSnapshots();
  if (!s.ok()) spdlog::error("engine: snapshot write failed: {}", s.ToString());
}

void Engine::ProcessBatch(std::vector<Pending>* pending) {
  auto t_decide = std::chrono::steady_clock::now();
  Batch batch(this);
  std::vector<CommandOutcome> outcomes(pending->size());
  std::vector<bool> appended(pending->size(), false);
  uint64_t rejected = 0;

  for (size_t i = 0; i < pending->size(); ++i) {
    Command& cmd = (*pending)[i].cmd;
    CommandOutcome& out = outcomes[i];
    out.stream_type = cmd.stream_type;
    const StreamType* type = FindStreamType(cmd.stream_type);
    const int64_t now_us = clock_->NowMicros();
    auto reject = [&](Status s) {
      out.status = std::move(s);
      ++rejected;
    };
    if (type == nullptr || !cmd.decide) {
      reject(Status::Internal("command without a known stream type"));
      continue;
    }
    std::string idem_key;
    if (!cmd.idempotency_key.empty()) {
      idem_key = Batch::IdemKey(cmd.actor.id, cmd.idempotency_key);
      if (auto prior = batch.FindIdem(idem_key)) {
        if (prior->request_hash != cmd.request_hash) {
          reject(Status(Errc::kDuplicate,
                        "Idempotency-Key was already used for a different request"));
          continue;
        }
        out.stream_type = prior->stream_type;
        out.stream_id = prior->stream_id;
        out.version = prior->version;
        out.created = prior->created;
        out.state_label = prior->label;
        out.replayed = true;
        continue;
      }
    }
    batch.BeginNumbering();
    if (cmd.stream_id.empty()) {
      if (type->series.empty()) {
        reject(Status::Malformed("missing id"));
        continue;
      }
      cmd.stream_id = batch.NextNumber(type->series, now_us);
    }
    out.stream_id = cmd.stream_id;
    auto target = batch.Get(cmd.stream_type, cmd.stream_id);
    if (!target.ok()) {
      reject(target.status());
      continue;
    }
    const AggregateState* state = (*target)->state.get();
    const bool exists = state->version > 0;
    if (cmd.expect == Expect::kNew && exists) {
      reject(Status::Duplicate(fmt::format("{} {} already exists", cmd.stream_type, cmd.stream_id)));
      continue;
    }
    if (cmd.expect == Expect::kExisting && !exists) {
      reject(Status::NotFound(fmt::format("{} {} does not exist", cmd.stream_type, cmd.stream_id)));
      continue;
    }
    if (cmd.expected_version && *cmd.expected_version != state->version) {
      reject(Status(Errc::kVersionConflict,
                    fmt::format("{} {} is at version {}, not {}", cmd.stream_type, cmd.stream_id,
                                state->version, *cmd.expected_version),
                    "", {{"expected", std::to_string(*cmd.expected_version)},
                         {"actual", std::to_string(state->version)}}));
      continue;
    }
    batch.BeginCommand(&cmd.actor, &cmd.stream_id, now_us);
    Decision decision = Status::Internal("not decided");
    try {
      decision = cmd.decide(exists ? state : nullptr, batch);
    } catch (const std::exception& e) {
      decision = Status::Internal(std::string("decide failed: ") + e.what());
    }
    if (!decision.ok()) {
      reject(decision.status());
      continue;
    }
    if (decision->size() > options_.events_per_command_max) {
      reject(Status::Rule("too_many_events", "the command would append too many events"));
      continue;
    }
    // Every event of the command: encode, chain, apply.
    const std::string command_id =
        events::EventIdValue{static_cast<uint64_t>(now_us), event_id_salt_ + ++command_seq_}
            .ToString();
    const std::string date = IsoDate(now_us);
    Status failed;
    for (auto& ev : *decision) {
      const std::string& st = ev.stream_type.empty() ? cmd.stream_type : ev.stream_type;
      const std::string& sid = ev.stream_type.empty() ? cmd.stream_id : ev.stream_id;
      auto entry = batch.Get(st, sid);
      if (!entry.ok()) {
        failed = entry.status();
        break;
      }
      events::EventIdValue id{static_cast<uint64_t>(now_us), 0};
      if (id.hi <= last_event_id_.hi) {
        id = {last_event_id_.hi, last_event_id_.lo + 1};
      } else {
        id.lo = event_id_salt_;
      }
      last_event_id_ = id;
      events::EnvelopeMeta meta;
      meta.event_id = id;
      meta.stream_type = st;
      meta.stream_id = sid;
      meta.stream_version = (*entry)->state->version + 1;
      meta.recorded_at_us = now_us;
      meta.effective_date = ev.effective_date.empty() ? date : ev.effective_date;
      meta.actor = cmd.actor.id;
      meta.actor_roles = &cmd.actor.roles;
      meta.command_id = command_id;
      meta.correlation_id = cmd.correlation_id.empty() ? command_id : cmd.correlation_id;
      meta.causation_id = cmd.causation_id;
      meta.idempotency_key = cmd.idempotency_key;
      meta.request_hash = cmd.request_hash;
      failed = batch.AddEvent(meta, ev.event, *(*entry)->type);
      if (!failed.ok()) break;
    }
    // Decisions are validated before any event is built; a failure here is a
    // bug in an aggregate and fails the whole batch rather than commit half a
    // command.
    LEDGER_ASSERT(failed.ok());
    appended[i] = true;
    auto after = batch.Get(cmd.stream_type, cmd.stream_id);
    out.version = (*after)->state->version;
    out.created = !exists && out.version > 0;
    out.state_label = std::string((*after)->state->StatusLabel());
  }

  const uint64_t decide_us = MicrosSince(t_decide);
  auto t_append = std::chrono::steady_clock::now();
  Status written = Status::Ok();
  auto& records = batch.records();
  if (!records.empty()) written = log_->Append(&records);
  const uint64_t append_us = MicrosSince(t_append);
  auto t_store = std::chrono::steady_clock::now();
  Status stored = Status::Ok();
  if (written.ok()) {
    LogCursor next = cursor_;
    for (const auto& r : records) next[r.partition] = std::max(next[r.partition], r.offset + 1);
    // The events are durable whatever happens to the store: the commands
    // succeeded. A store that missed them is rebuilt by Resume before the
    // next command is decided.
    stored = batch.Commit(next);
    cursor_ = next;
    chain_ = batch.chain();
    batch.Publish();
    if (!stored.ok()) Suspend(stored);
  } else {
    Suspend(written);
  }
  const uint64_t store_us = MicrosSince(t_store);
  auto t_answer = std::chrono::steady_clock::now();
  for (size_t i = 0; i < pending->size(); ++i) {
    if (appended[i] && !written.ok()) outcomes[i].status = write_fault();
    (*pending)[i].done(std::move(outcomes[i]));
  }
  {
    std::lock_guard lock(stats_mu_);
    stats_.decide_us += decide_us;
    stats_.append_us += append_us;
    stats_.store_us += store_us;
    stats_.answer_us += MicrosSince(t_answer);
    stats_.batches++;
    stats_.commands += pending->size();
    stats_.rejected += rejected;
    if (written.ok()) stats_.events += records.size();
    if (!written.ok()) stats_.log_write_failures++;
    if (!stored.ok()) stats_.store_write_failures++;
  }
}

void Engine::Suspend(const Status& why) {
  spdlog::error("engine: storage write failed, commands are refused until it recovers: {}",
                why.ToString());
  Status refusal =
      why.code() == Errc::kNoSpace
          ? Status(Errc::kNoSpace,
                   "the disk is full: commands are refused until space is freed, then accepted "
                   "again without a restart; nothing of this command was written")
          : Status::Unavailable("a storage write failed (" + why.message() +
                                "): commands are refused until the ledger recovers; nothing of "
                                "this command was written");
  next_resume_ = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(options_.resume_interval_ms);
  std::lock_guard lock(stats_mu_);
  write_fault_ = std::move(refusal);
}

bool Engine::Resume() {
  next_resume_ = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(options_.resume_interval_ms);
  Status s = log_->Resume();
  if (s.ok()) s = FromRocks(store_->Resume());
  if (s.ok()) {
    // What this process remembers may differ from what reached the disks
    // (e.g. the log took a batch the store did not): forget it and rebuild
    // from the databases, exactly as a restart would.
    unflushed_.clear();
    {
      std::unique_lock lock(cache_mu_);
      cache_.clear();
    }
    s = Recover();
  }
  if (!s.ok()) {
    spdlog::warn("engine: still cannot write: {}", s.ToString());
    return false;
  }
  spdlog::info("engine: storage writable again; commands are accepted");
  std::lock_guard lock(stats_mu_);
  write_fault_ = Status::Ok();
  stats_.resumes++;
  return true;
}

void Engine::RefuseAll(std::vector<Pending>* pending, const Status& why) {
  for (auto& p : *pending) {
    CommandOutcome out;
    out.stream_type = p.cmd.stream_type;
    out.status = why;
    p.done(std::move(out));
  }
  std::lock_guard lock(stats_mu_);
  stats_.commands += pending->size();
  stats_.rejected += pending->size();
}

}  // namespace ledger
