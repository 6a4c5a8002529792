// The HTTP API (SPEC §6), on cpp-httplib.
//
// Operation: JSON is parsed into native command inputs in the handler, the
//   command goes to the engine's queue, and the handler answers once the
//   engine has (after the events are durable). Queries read the engine's
//   committed state or the projections in the store.
// Concurrency: connections are read by one event loop (api/front_door.h)
//   and never hold a thread while idle. `threads` workers parse commands and
//   submit them; a command's answer is deferred until its events are
//   durable, so no worker waits for the log. GET and HEAD have
//   `read_threads` workers of their own, so reads never wait behind
//   commands; each event stream has a thread of its own.
// Security: every /v1 route needs `Authorization: Bearer <token>`. A token
//   names its `api_token/<id>` stream; its HMAC under the server's token key
//   (api/tokens.h) is compared in constant time, and it maps to a user, who
//   must be enabled, and the user's roles. A revoked token is refused from
//   the answer to its revocation on. Tokens issued before ids existed are
//   found by their SHA-256. The configured admin token (break glass) is
//   compared with the configuration alone and acts as "admin".
//   Hostile HTTP (oversized, slow, smuggling-shaped requests) is refused by
//   the front door before any route runs.
//   /healthz and /readyz are open (they reveal nothing).
// Read replicas: on a reader (ApiContext::read_replica) every write is
//   refused before authentication, with the writer's address; reads are
//   served from what its engine and projections applied of the log.
// Limitations: the audit and commitments queries trail the log by the
//   projections' lag (reported on /metrics).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/routes.h"
#include "api/tokens.h"
#include "engine/attachments.h"
#include "engine/engine.h"
#include "engine/scrub.h"
#include "projections/projection.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace ledger::api {

struct ApiOptions {
  std::string host = "127.0.0.1";  // Default: loopback only
  int port = 8080;                 // Default: 8080; 0 picks a free port
  // Pending connections the kernel queues before accept (capped by
  // net.core.somaxconn). Default: 4096.
  int listen_backlog = 4096;
  // A socket already bound and listening (api::OpenListener) to serve
  // instead of binding host:port: ledgerd binds before it opens its data, so
  // that a port in use stops it before it touches anything. Default: -1.
  int listen_fd = -1;
  // Open connections; one more is answered 503 at once and closed. Needs
  // as many descriptors (ledgerd raises its limit, and lowers this to fit).
  // Default: 10000.
  size_t connections_max = 10'000;
  // Request bodies being received at once, all connections together (a
  // declared length counts from its head on, a chunked body as
  // body_bytes_max); a head that would pass it gets 503. Default: 256 MiB.
  size_t body_bytes_buffered_max = 256 << 20;
  // Request bodies, declared or chunked; larger ones get 413 as soon as that
  // is known. Default: 1 MiB.
  size_t body_bytes_max = 1 << 20;
  // The request line and headers together; beyond: 431 (414 for a request
  // line alone over header_line_bytes_max). Default: 16 KiB.
  size_t header_bytes_max = 16 << 10;
  // One header line (or the request line). Default: 8 KiB.
  size_t header_line_bytes_max = 8 << 10;
  // Header fields in one request; beyond: 431. Default: 100.
  size_t headers_max = 100;
  // Worker threads for commands (everything but GET/HEAD). They parse and
  // submit; a command waiting for the log holds none of them (its answer is
  // deferred), so a few keep the cores busy, and fewer threads means fewer
  // wake-ups per request. Default: 4.
  size_t threads = 4;
  // Worker threads for GET and HEAD, apart from the command workers so that
  // reads never queue behind commands waiting for the log. Default: 8.
  size_t read_threads = 8;
  // How long a request head may take to arrive, from its first byte; past
  // it: 408 and the connection is closed. A deadline for the whole head,
  // not per byte. Default: 5 s.
  int header_timeout_ms = 5'000;
  // How long a request body may take to arrive, from the end of its head;
  // past it: 408 and the connection is closed. Default: 10 s.
  int read_timeout_ms = 10'000;
  // How long unsent answer bytes may wait for a client that does not read;
  // past it the connection is closed. Default: 10 s.
  int write_timeout_ms = 10'000;
  // A keep-alive connection with no request for this long is closed.
  // Default: 30 s.
  int keep_alive_idle_ms = 30'000;
  // Requests served on one connection before it is closed. Default: 10000.
  size_t keep_alive_requests_max = 10'000;
  // Concurrent GET /v1/events/stream connections; each holds a thread of its
  // own. Beyond it: 429. Default: 8.
  size_t event_streams_max = 8;
  // Of which one user may hold at once, so that one integrator cannot take
  // every slot. Beyond it: 429. Default: 2.
  size_t event_streams_per_user_max = 2;
  // The break-glass token (ledgerd --admin-token): authenticates as the user
  // "admin" with role admin whatever the log says, even once every token is
  // revoked or that user is disabled. Compared in constant time with this
  // value; never written to the log. Default: none.
  std::string admin_token;
};

// Requests and error answers, for /metrics.
struct HttpCounters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> errors_4xx{0};
  std::atomic<uint64_t> errors_5xx{0};
  void CountAnswer(int status) {
    if (status >= 500) {
      ++errors_5xx;
    } else if (status >= 400) {
      ++errors_4xx;
    }
  }
};

struct ApiContext;

// Who a bearer token is, by the context that keeps users and tokens:
// unauthenticated when unknown, revoked or disabled. Sets `*token_id` to the
// token's id when it names one (for TokenUsage).
using AuthenticateFn = Result<Actor> (*)(const ApiContext& ctx, std::string_view bearer,
                                         std::string* token_id);

struct ApiContext {
  Engine* engine = nullptr;
  EventLog* log = nullptr;
  rocksdb::DB* store = nullptr;
  std::vector<ProjectionRunner*> projections;
  AttachmentStore* attachments = nullptr;
  const TokenKey* token_key = nullptr;  // required
  const LogScrubber* scrubber = nullptr;  // none: no scrub is reported
  // The bounded contexts' routes and the authentication of tokens (both
  // from the list of contexts).
  std::vector<AddRoutesFn> routes;
  AuthenticateFn authenticate = nullptr;  // required
  // When each token was last used by this process (set by the server).
  TokenUsage* token_usage = nullptr;
  // A read replica (ledgerd --role reader): every route but GET and HEAD
  // answers 503 `unavailable` without running, naming `writer_url` (the
  // writer's address, "" if unknown) in the error's `writer` field.
  bool read_replica = false;
  std::string writer_url;
};

class ApiServer final : private Routes {
 public:
  ApiServer(ApiContext ctx, ApiOptions options);
  ~ApiServer();

  // Binds the listening socket. Returns the bound port. A port in use is an
  // error (the socket is not shared with another process).
  Result<int> Bind();
  // Serves until Stop. Call after Bind.
  // Returns once Stop was called and the requests in progress are answered.
  void Serve();
  // Thread-safe; idempotent.
  void Stop();

  // A documented route: what /v1/openapi.json lists.
  struct Route {
    std::string method;
    std::string path;  // template, e.g. /v1/purchase-orders/{id}
    std::string summary;
    std::vector<std::string> roles;  // empty: any authenticated actor
    // Query parameters (name, description) when the route declares them.
    std::vector<std::pair<std::string, std::string>> query = {};
  };

 private:
  void Add(const std::string& method, const std::string& path, std::vector<std::string> roles,
           const std::string& summary, Handler handler) override;
  void AddRoutes();
  void AddQueryRoutes();
  // The routes of AddQueryRoutes that read the server itself (routes_query.cc):
  // GET /v1/events/stream, /v1/openapi.json and /metrics.
  void StreamEvents(RequestContext& rc);
  void ServeOpenApi(RequestContext& rc);
  void ServeMetrics(RequestContext& rc);
  // GET /v1/<collection> for every collection of the stream types (routes_lists.cc).
  void AddListRoutes();

  class MessageLayer;
  class RouteTable;
  // The actor behind the request's bearer token, or unauthenticated.
  Result<Actor> Authenticate(const httplib::Request& req);
  // Authenticates, authorises and runs a route; errors become JSON answers.
  void Invoke(const std::vector<std::string>& roles, const Handler& handler,
              const httplib::Request& req, httplib::Response& res,
              std::vector<std::string> path_params);

  ApiContext ctx_;
  ApiOptions options_;
  std::unique_ptr<MessageLayer> messages_;
  std::unique_ptr<RouteTable> table_;
  std::unique_ptr<class FrontDoor> front_door_;
  std::vector<Route> routes_;
  std::string keep_alive_;  // the Keep-Alive header of answers
  std::atomic<bool> stopping_{false};
  // Open event streams, in all and per user.
  std::mutex event_streams_mu_;
  size_t event_streams_ = 0;                                // guarded by event_streams_mu_
  std::unordered_map<std::string, size_t> event_streams_of_;  // guarded by event_streams_mu_
  // The answer of a read replica to a write: 503 `unavailable`, naming the
  // writer (ApiContext::writer_url) in `error.writer` when configured.
  void RefuseWriteOnReplica(httplib::Response& res) const;
  // Takes a slot for `user`; false if none is free for them.
  bool TakeEventStream(const std::string& user);
  void ReleaseEventStream(const std::string& user);
  HttpCounters counters_;
  // SHA-256 hex of options_.admin_token ("" without one): compared, at a
  // fixed size, with the SHA-256 of each bearer.
  std::string admin_token_sha256_;
  TokenUsage token_usage_;
};

}  // namespace ledger::api
