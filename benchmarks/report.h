// The figures of ledger_bench: one JSON line per workload on stdout, and the
// clock they are measured with.
//
// Threading: Report and ReportedOpsPerS are called from the thread that runs
// the workloads, one at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace ledger::bench {

using TimePoint = std::chrono::steady_clock::time_point;

inline TimePoint Now() { return std::chrono::steady_clock::now(); }

// The seconds from `a` to `b`.
double Seconds(TimePoint a, TimePoint b);

// The value at `p` (in [0, 1]) of ascending values; 0 for none.
double Percentile(const std::vector<double>& sorted, double p);

// Prints {"name","ops","seconds","ops_per_s","p50_us","p99_us"} followed by
// `extra` (more members, each starting with a comma), and remembers
// ops_per_s under `name` for the ratios.
void Report(const std::string& name, uint64_t ops, double seconds, std::vector<double> latency_us,
            const std::string& extra = "");

// Remembers the ops_per_s a line reported under `name`, for a line printed
// other than by Report.
void RememberOpsPerS(const std::string& name, double ops_per_s);

// The ops_per_s the line `name` reported in this run, if it was printed.
std::optional<double> ReportedOpsPerS(std::string_view name);

// The engine writer's time per phase between two readings of its stats:
// ,"writer_ms":{"decide","append","store","answer"}.
std::string WriterMs(const EngineStats& before, const EngineStats& after);

}  // namespace ledger::bench
