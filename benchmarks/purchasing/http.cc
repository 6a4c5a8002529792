// Purchase orders over HTTP: creates (http_create_N), reads (http_get_N)
// and both at once (http_mixed), each family on a node of its own, without
// projections, like `commands`.
#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "benchmarks/http_workload.h"
#include "benchmarks/purchasing/fixtures.h"
#include "benchmarks/purchasing/workloads.h"
#include "benchmarks/report.h"

namespace ledger::bench::purchasing {
namespace {

// Orders created beforehand for the GETs to go round.
constexpr size_t kReadOrders = 1000;

// POST /v1/purchase-orders with one line, as the admin.
std::string CreateRequest() {
  return FormatHttpRequest("POST", "/v1/purchase-orders",
                           AdminAuthorization() + "Content-Type: application/json\r\n",
                           R"({"supplier":"ACME","lines":[{"product":"LAPTOP",)"
                           R"("quantity":"1","unit_price":"1249.99","cost_center":"IT"}]})");
}

// Creates `count` purchase orders, all queued at once so that they share
// group commits, and returns a GET request for each.
std::vector<std::string> OrderReads(Engine& engine, size_t count) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> reads;
  for (size_t i = 0; i < count; ++i) {
    Command c = NextOrderCommand(0, "", static_cast<int>(i));
    c.actor = kBuyer;
    engine.Submit(std::move(c), [&](CommandOutcome out) {
      if (!out.status.ok()) {
        std::fprintf(stderr, "set-up: %s\n", out.status.ToString().c_str());
        std::abort();
      }
      std::lock_guard lock(mu);
      reads.push_back(FormatHttpRequest("GET", "/v1/purchase-orders/" + out.stream_id,
                                        AdminAuthorization(), ""));
      if (reads.size() == count) cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return reads.size() == count; });
  return reads;
}

// What the engine's writer did meanwhile: how the commands were batched and
// where its time went (a whole run, warm-up and drain included).
std::string WriterFigures(const EngineStats& before, const EngineStats& after) {
  const uint64_t batches = after.batches - before.batches;
  const uint64_t commands = after.commands - before.commands;
  return fmt::format(
             ",\"commands_per_batch\":{:.1f}",
             batches == 0 ? 0.0 : static_cast<double>(commands) / static_cast<double>(batches)) +
         WriterMs(before, after);
}

}  // namespace

// POST /v1/purchase-orders on each number of connections; expects 201.
void HttpCreates(const Options& o, Nodes& nodes, std::span<const size_t> connections) {
  OwnNode own = nodes.Own("http_create");
  SeedReference(own.node->engine());
  for (size_t n : connections) {
    const EngineStats before = own.node->engine().stats();
    auto r = RunHttp(o, *own.node, {{n, {CreateRequest()}}});
    ReportHttp(fmt::format("http_create_{}", n), r,
               WriterFigures(before, own.node->engine().stats()));
  }
}

// GET /v1/purchase-orders/{id} round robin over kReadOrders orders;
// expects 200.
void HttpGets(const Options& o, Nodes& nodes, std::span<const size_t> connections) {
  OwnNode own = nodes.Own("http_get");
  SeedReference(own.node->engine());
  const auto reads = OrderReads(own.node->engine(), kReadOrders);
  for (size_t n : connections) {
    ReportHttp(fmt::format("http_get_{}", n), RunHttp(o, *own.node, {{n, reads}}));
  }
}

// Reads beside writes: 256 connections create while 8 read, the readers on
// a client thread of their own. Reports the creates' throughput and the
// reads' latency.
void HttpMixed(const Options& o, Nodes& nodes, std::span<const size_t>) {
  OwnNode own = nodes.Own("http_mixed");
  SeedReference(own.node->engine());
  const auto reads = OrderReads(own.node->engine(), kReadOrders);
  auto r =
      RunHttp(o, *own.node, {{256, {CreateRequest()}, false}, {8, reads, /*own_thread=*/true}});
  const HttpGroupResult& create = r.groups[0];
  const HttpGroupResult& get = r.groups[1];
  std::vector<double> conn_max = create.connection_latency_us_max;
  conn_max.insert(conn_max.end(), get.connection_latency_us_max.begin(),
                  get.connection_latency_us_max.end());
  std::sort(conn_max.begin(), conn_max.end());
  std::printf(
      "{\"name\":\"http_mixed\",\"seconds\":%.3f,\"connections\":%zu,\"create_connections\":%zu,"
      "\"get_connections\":%zu,\"create_ops\":%llu,\"create_ops_per_s\":%.0f,"
      "\"create_p50_us\":%.1f,\"create_p99_us\":%.1f,\"get_ops\":%llu,\"get_ops_per_s\":%.0f,"
      "\"get_p50_us\":%.1f,\"get_p99_us\":%.1f,\"get_max_us\":%.1f,"
      "\"slowest_connection_max_us\":%.1f,\"conn_p99_of_max_us\":%.1f,\"non_2xx\":%llu,"
      "\"failed\":%llu,\"reconnects\":%llu,\"listen_drops\":%lld,"
      "\"requests_without_answer\":%llu}\n",
      r.seconds, conn_max.size(), create.connections, get.connections,
      static_cast<unsigned long long>(create.ops), create.ops / r.seconds,
      Percentile(create.latency_us, 0.5), Percentile(create.latency_us, 0.99),
      static_cast<unsigned long long>(get.ops), get.ops / r.seconds,
      Percentile(get.latency_us, 0.5), Percentile(get.latency_us, 0.99),
      get.connection_latency_us_max.empty() ? 0.0 : get.connection_latency_us_max.back(),
      conn_max.empty() ? 0.0 : conn_max.back(), Percentile(conn_max, 0.99),
      static_cast<unsigned long long>(create.non_2xx + get.non_2xx),
      static_cast<unsigned long long>(create.failed + get.failed),
      static_cast<unsigned long long>(create.reconnects + get.reconnects),
      static_cast<long long>(r.listen_drops),
      static_cast<unsigned long long>(create.requests_without_answer +
                                      get.requests_without_answer));
  std::fflush(stdout);
}

}  // namespace ledger::bench::purchasing
