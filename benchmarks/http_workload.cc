#include "benchmarks/http_workload.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "benchmarks/report.h"
#include "tools/bounded_context.h"
#include "tools/config.h"

namespace ledger::bench {

const std::string& AdminAuthorization() {
  static const std::string kLine = fmt::format("Authorization: Bearer {}\r\n", kAdminToken);
  return kLine;
}

HttpLoadResult RunHttp(const Options& o, Node& node, const std::vector<HttpLoadGroup>& groups) {
  Config config;
  config.admin_token = kAdminToken;
  if (Status s = StartContexts(node.engine(), config); !s.ok()) {
    std::fprintf(stderr, "set-up: %s\n", s.ToString().c_str());
    std::abort();
  }
  api::ApiOptions ao;
  ao.port = 0;
  ao.threads = o.http_threads;
  ao.admin_token = kAdminToken;
  api::ApiServer server(node.api_context(), ao);
  auto port = server.Bind();
  if (!port.ok()) {
    std::fprintf(stderr, "%s\n", port.status().ToString().c_str());
    std::abort();
  }
  std::thread serving([&] { server.Serve(); });
  // Stop does nothing before Serve runs (and join would then wait forever):
  // an answer proves that it runs.
  httplib::Client probe("127.0.0.1", *port);
  bool serving_ok = false;
  for (int i = 0; i < 500 && !serving_ok; ++i) {
    serving_ok = static_cast<bool>(probe.Get("/healthz"));
    if (!serving_ok) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!serving_ok) {
    std::fprintf(stderr, "the server under test does not answer /healthz\n");
    std::abort();
  }
  HttpLoadOptions lo;
  lo.port = *port;
  lo.client_threads = o.http_client_threads;
  lo.window_ms = static_cast<int>(o.http_seconds * 1000);
  auto result = RunHttpLoad(lo, groups);
  server.Stop();
  serving.join();
  return result;
}

void ReportHttp(const std::string& name, const HttpLoadResult& r, const std::string& extra) {
  const HttpGroupResult& g = r.groups.at(0);
  const std::vector<double>& conn_max = g.connection_latency_us_max;
  const double latency_us_max = conn_max.empty() ? 0.0 : conn_max.back();
  const double ops_per_s = g.ops / r.seconds;
  std::printf(
      "{\"name\":\"%s\",\"ops\":%llu,\"seconds\":%.3f,\"ops_per_s\":%.0f,\"p50_us\":%.1f,"
      "\"p99_us\":%.1f,\"max_us\":%.1f,\"connections\":%zu,\"slowest_connection_max_us\":%.1f,"
      "\"conn_p99_of_max_us\":%.1f,\"non_2xx\":%llu,\"failed\":%llu,\"reconnects\":%llu,"
      "\"listen_drops\":%lld,\"requests_without_answer\":%llu,\"connect_us_max\":%.1f%s}\n",
      name.c_str(), static_cast<unsigned long long>(g.ops), r.seconds, ops_per_s,
      Percentile(g.latency_us, 0.5), Percentile(g.latency_us, 0.99), latency_us_max, g.connections,
      latency_us_max, Percentile(conn_max, 0.99), static_cast<unsigned long long>(g.non_2xx),
      static_cast<unsigned long long>(g.failed), static_cast<unsigned long long>(g.reconnects),
      static_cast<long long>(r.listen_drops),
      static_cast<unsigned long long>(g.requests_without_answer), g.connect_us_max, extra.c_str());
  std::fflush(stdout);
  RememberOpsPerS(name, ops_per_s);
}

}  // namespace ledger::bench
