// The background scrub: verifies the whole log again and again (every
// record's checksum and hash, every partition's chain) at a bounded rate, so
// that a damaged file is found while a replica or backup can still replace
// it, not when an auditor first reads the record.
//
// Operation: one thread runs VerifyLog from position 0, sleeping between
//   batches to stay within `records_per_second`; after a pass it waits
//   `interval` and starts again. A damaged record ends the pass and is
//   reported until a later pass finds the log intact.
// Concurrency: report() is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/log.h"

namespace ledger {

struct ScrubOptions {
  // 0 turns the scrub off. Default: 20000.
  uint64_t records_per_second = 20'000;
  // Pause between two passes. Default: 1 hour.
  std::chrono::milliseconds interval{3'600'000};
};

struct ScrubReport {
  uint64_t passes = 0;            // complete passes
  uint64_t records = 0;           // records verified, all passes
  int64_t last_pass_end_us = 0;   // wall clock of the last complete pass, 0 if none
  Status damage;                  // the first damaged record of the last pass, or Ok
};

class LogScrubber {
 public:
  // Starts scrubbing `log` (not owned; outlives the scrubber).
  LogScrubber(const EventLog* log, ScrubOptions options);
  ~LogScrubber();

  ScrubReport report() const;

 private:
  void Run();
  // Sleeps up to `d`; false if the scrubber is stopping.
  bool Pause(std::chrono::steady_clock::duration d);

  const EventLog* const log_;
  const ScrubOptions options_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  ScrubReport report_;     // guarded by mu_
  std::thread thread_;
};

}  // namespace ledger
