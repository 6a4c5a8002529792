#include "engine/scrub.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/threads.h"
#include "engine/verify.h"

namespace ledger {

LogScrubber::LogScrubber(const EventLog* log, ScrubOptions options)
    : log_(log), options_(options) {
  if (options_.records_per_second == 0) return;
  thread_ = std::thread([this] {
    SetUpThisThread("ledger-scrub", ThreadKind::kThroughput);
    Run();
  });
}

LogScrubber::~LogScrubber() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ScrubReport LogScrubber::report() const {
  std::lock_guard lock(mu_);
  return report_;
}

bool LogScrubber::Pause(std::chrono::steady_clock::duration d) {
  std::unique_lock lock(mu_);
  return !stop_cv_.wait_for(lock, d, [&] { return stopping_; });
}

void LogScrubber::Run() {
  while (true) {
    const auto start = std::chrono::steady_clock::now();
    uint64_t counted = 0;
    bool stopped = false;
    // Between batches: count the records, then sleep until the rate allows
    // the next ones.
    auto pace = [&](uint64_t done, uint64_t) {
      {
        std::lock_guard lock(mu_);
        report_.records += done - counted;
      }
      counted = done;
      const auto due = start + std::chrono::microseconds(done * 1'000'000 /
                                                         options_.records_per_second);
      if (!Pause(due - std::chrono::steady_clock::now())) stopped = true;
      return !stopped;
    };
    // Batches of a tenth of a second's worth keep the pace even.
    const size_t batch = std::max<uint64_t>(1, options_.records_per_second / 10);
    auto verified = VerifyLog(*log_, pace, batch);
    if (stopped) return;
    {
      std::lock_guard lock(mu_);
      if (!verified.ok()) {
        spdlog::warn("scrub: cannot read the log: {}", verified.status().ToString());
      } else if (!verified->ok) {
        Status damage = CorruptionStatus(log_->layout(), verified->partition, verified->offset,
                                         verified->reason);
        if (damage.message() != report_.damage.message()) {
          spdlog::error("scrub: the log is damaged: {}", damage.message());
        }
        report_.damage = std::move(damage);
      } else {
        report_.damage = Status::Ok();
        report_.passes++;
        report_.last_pass_end_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count();
      }
    }
    if (!Pause(options_.interval)) return;
  }
}

}  // namespace ledger
