// What an http workload of ledger_bench needs besides the load generator
// (http_load.h): the server under test on a node, the admin's credentials,
// and the JSON line of a group of connections.
//
// The server is the in-process ApiServer with the default ApiOptions but for
// --http_threads, on a free loopback port, started as ledgerd starts one:
// every context's start runs first, with kAdminToken as the admin token (the
// reference context then ensures the admin user the token authenticates as).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "benchmarks/http_load.h"
#include "benchmarks/workload.h"
#include "tools/node.h"

namespace ledger::bench {

// The connection counts of an http family (Workload::sizes): 64, 256, 1024
// keep-alive connections opened at once.
inline constexpr size_t kHttpConnections[] = {64, 256, 1024};

// The admin token of the server under test, and the header line that sends it.
inline constexpr char kAdminToken[] = "bench-admin-token";
const std::string& AdminAuthorization();  // "Authorization: Bearer …\r\n"

// Starts the server on `node`, runs the load for --http_seconds after a 1 s
// warm-up, and stops the server, so that no connection of one workload
// lingers into the next. Aborts if the server does not bind or answer.
HttpLoadResult RunHttp(const Options& options, Node& node,
                       const std::vector<HttpLoadGroup>& groups);

// The line of the first group of `result`: the figures of Report, then
// max_us, connections, slowest_connection_max_us (each connection's slowest
// request, the slowest of them), conn_p99_of_max_us, the counts that are 0
// in a healthy server (non_2xx, failed, listen_drops,
// requests_without_answer), reconnects, connect_us_max, then `extra`.
// Remembers ops_per_s under `name` for the ratios.
void ReportHttp(const std::string& name, const HttpLoadResult& result,
                const std::string& extra = "");

}  // namespace ledger::bench
