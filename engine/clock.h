// The clock is injected: aggregates never read time, the engine does, through
// this interface, so tests control time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace ledger {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_us) : now_us_(now_us) {}
  int64_t NowMicros() const override { return now_us_.load(); }
  void Set(int64_t now_us) { now_us_.store(now_us); }
  void Advance(int64_t delta_us) { now_us_.fetch_add(delta_us); }

 private:
  std::atomic<int64_t> now_us_;
};

// "2026-11-23" for a UTC instant.
std::string IsoDate(int64_t micros);
// "2026-11-23T10:15:00.123456Z"
std::string IsoTimestamp(int64_t micros);
// Parses "2026-11-23" or an RFC 3339 timestamp ("2026-11-23T10:15:00Z",
// fractional seconds and +hh:mm offsets accepted) into microseconds.
bool ParseTimestamp(std::string_view text, int64_t* micros);
// True if `text` is a valid ISO date "YYYY-MM-DD".
bool IsIsoDate(std::string_view text);
// Malformed ("<field> must be a date YYYY-MM-DD") unless `text` is one.
Status CheckIsoDate(std::string_view text, std::string_view field);

}  // namespace ledger
