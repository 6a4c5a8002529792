// http_load: a closed-loop HTTP/1.1 load generator over real sockets, the
// client side of ledger_bench's http workloads.
//
// Operation: every connection of every group is opened at once, a burst of
//   nonblocking connects as a fleet of clients arriving together would make.
//   Each connection then keeps exactly one request in flight: it writes the
//   request with one send, reads the whole answer (status line, headers and a
//   Content-Length body), records the latency and sends the next request.
//   An answer with `Connection: close` ends the connection, which connects
//   again (counted in `reconnects`).
// Phases: a warm-up (answers not measured), the measured window (it ends after
//   `window_ms` or once `requests_max` 2xx answers were counted in it), then
//   the drain: no new request, and up to `drain_ms` to wait for the requests
//   still in flight. What is unanswered then is counted, never waited for.
// Failures: a connect that does not complete within `connect_timeout_ms`, a
//   request unanswered after `request_timeout_ms`, a connection error with a
//   request in flight, an answer that cannot be read. Each closes that
//   connection for the rest of the run and counts in `failed`.
// Concurrency: `client_threads` threads (plus one per group that asks for
//   its own), each with an epoll set of its own and its share of the
//   connections. RunHttpLoad blocks until the end; call
//   it from one thread at a time.
// Limitations: IPv4 only; no pipelining; answers without Content-Length (for
//   example chunked ones) count as failures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::bench {

struct HttpLoadOptions {
  std::string host = "127.0.0.1";  // An IPv4 address. Default: loopback
  int port = 0;                    // Required
  // Client threads. Default: 1, so that the client leaves the cores to the
  // server under test.
  size_t client_threads = 1;
  int warmup_ms = 1'000;   // Default: 1 s
  int window_ms = 5'000;   // The measured window. Default: 5 s
  // 2xx answers after which the measured window ends early. Also bounds the
  // memory the latency samples take. Default: 10 million.
  uint64_t requests_max = 10'000'000;
  int connect_timeout_ms = 10'000;  // Default: 10 s
  int request_timeout_ms = 30'000;  // Default: 30 s
  int drain_ms = 10'000;            // Default: 10 s
};

// Connections that send the same kind of request.
struct HttpLoadGroup {
  size_t connections = 0;
  // Complete requests (head and body), sent round robin. At least one.
  std::vector<std::string> requests;
  // The group gets a client thread of its own, as a separate client (a
  // reader beside a fleet of writers) would have, so that its latency is
  // not the time the shared client threads take to handle the other
  // groups' answers. Default: shares the `client_threads`.
  bool own_thread = false;
};

// What the connections of one group saw.
struct HttpGroupResult {
  size_t connections = 0;
  // 2xx answers received within the measured window.
  uint64_t ops = 0;
  // Latency of every answer received after the warm-up (in the window or
  // the drain, whatever its status), sorted ascending. The drain's answers
  // belong here: leaving them out would hide the slowest requests.
  std::vector<double> latency_us;
  // Per connection, its slowest request after the warm-up. A request that
  // timed out or was still unanswered at the end counts with its age then (a
  // lower bound of its latency), so that starved connections show.
  std::vector<double> connection_latency_us_max;
  // Answers whose status is not 2xx, over the whole run: an error is never
  // warm-up.
  uint64_t non_2xx = 0;
  uint64_t failed = 0;      // see Failures above; whole run
  uint64_t reconnects = 0;  // answers with `Connection: close`
  uint64_t requests_without_answer = 0;  // in flight when the drain ended
  double connect_us_max = 0;             // the slowest connect that succeeded
};

struct HttpLoadResult {
  double seconds = 0;  // the measured window as it lasted
  std::vector<HttpGroupResult> groups;  // in the order of the groups given
  // TcpExt ListenDrops during the run, from /proc/net/netstat: counts the
  // whole network namespace, not only this server. -1 if unreadable.
  int64_t listen_drops = -1;
};

// Runs the load against host:port until the drain ends. Raises this
// process's RLIMIT_NOFILE soft limit to the hard limit first, since every
// connection takes a descriptor on both sides when the server is in-process.
HttpLoadResult RunHttpLoad(const HttpLoadOptions& options,
                           const std::vector<HttpLoadGroup>& groups);

// An HTTP/1.1 request: the request line, `Host: localhost`, the given header
// lines (each "Name: value\r\n"), `Content-Length` unless the method is GET
// or HEAD, the body.
std::string FormatHttpRequest(std::string_view method, std::string_view target,
                              std::string_view header_lines, std::string_view body);

}  // namespace ledger::bench
