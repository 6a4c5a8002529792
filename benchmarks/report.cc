#include "benchmarks/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace ledger::bench {
namespace {

// Every line's ops_per_s so far, by name.
std::map<std::string, double, std::less<>>& Reported() {
  static std::map<std::string, double, std::less<>> reported;
  return reported;
}

}  // namespace

double Seconds(TimePoint a, TimePoint b) { return std::chrono::duration<double>(b - a).count(); }

double Percentile(const std::vector<double>& sorted, double p) {
  return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, size_t(p * sorted.size()))];
}

void Report(const std::string& name, uint64_t ops, double seconds, std::vector<double> latency_us,
            const std::string& extra) {
  std::sort(latency_us.begin(), latency_us.end());
  const double ops_per_s = ops / seconds;
  std::printf(
      "{\"name\":\"%s\",\"ops\":%llu,\"seconds\":%.3f,\"ops_per_s\":%.0f,\"p50_us\":%.1f,"
      "\"p99_us\":%.1f%s}\n",
      name.c_str(), static_cast<unsigned long long>(ops), seconds, ops_per_s,
      Percentile(latency_us, 0.5), Percentile(latency_us, 0.99), extra.c_str());
  std::fflush(stdout);
  RememberOpsPerS(name, ops_per_s);
}

void RememberOpsPerS(const std::string& name, double ops_per_s) { Reported()[name] = ops_per_s; }

std::optional<double> ReportedOpsPerS(std::string_view name) {
  const auto it = Reported().find(name);
  if (it == Reported().end()) return std::nullopt;
  return it->second;
}

std::string WriterMs(const EngineStats& before, const EngineStats& after) {
  return fmt::format(
      ",\"writer_ms\":{{\"decide\":{},\"append\":{},\"store\":{},\"answer\":{}}}",
      (after.decide_us - before.decide_us) / 1000, (after.append_us - before.append_us) / 1000,
      (after.store_us - before.store_us) / 1000, (after.answer_us - before.answer_us) / 1000);
}

}  // namespace ledger::bench
