// Per-request helpers shared by the route files (internal to api/).
#pragma once

#include "api/http.h"
#include "api/server.h"

namespace ledger::api {

// How a route's answer is deferred: the front door holding the request, and
// where the answer is counted.
struct Deferral;

class RequestContext {
 public:
  RequestContext(const httplib::Request& req, httplib::Response& res, Actor actor,
                 const ApiContext& ctx, std::vector<std::string> path_params,
                 Deferral* deferral)
      : req(req), res(res), actor(std::move(actor)), ctx(ctx),
        path_params_(std::move(path_params)), deferral_(deferral) {}

  const httplib::Request& req;
  httplib::Response& res;
  const Actor actor;
  const ApiContext& ctx;

  // The n-th `{...}` of the route's path, from 1.
  const std::string& path(size_t n) const { return path_params_.at(n - 1); }
  Body body() const { return Body::Parse(req.body); }
  // An optional string field of an optional body (actions such as cancel
  // may be posted without one): "" when either is absent.
  std::string optional_field(const char* key) const {
    return req.body.empty() ? "" : body().opt_str(key).value_or("");
  }

  // How a route answers with a command's outcome. Runs on the engine's
  // writer thread: it may read the engine's committed state, and throw
  // ApiError.
  using Render = std::function<void(const CommandOutcome& out, httplib::Response& res)>;
  // Runs `cmd` for this request's actor, with its Idempotency-Key, If-Match
  // and X-Correlation-Id headers, and answers with its outcome (by `render`,
  // or as WriteOutcome does) once its events are durable, without holding
  // this worker meanwhile. The route must not write anything after it.
  void Submit(Command cmd, Render render = nullptr);
  // Whether Submit deferred this request's answer.
  bool deferred() const { return deferred_; }

 private:
  // Copies the actor and the request's headers into `cmd`.
  void Prepare(Command& cmd);
  std::vector<std::string> path_params_;
  Deferral* deferral_;
  bool deferred_ = false;
};

// An outcome as {"id","version","state"} (201 when the command created its
// stream), or its error.
void WriteOutcome(httplib::Response& res, const CommandOutcome& out);

// The events of one stream as {"events":[{type, stream_version, ...}]}.
Json HistoryJson(const std::vector<LogRecord>& records);


// `d` with the minor digits of `currency` (2 when unknown).
std::string Digits(const Decimal& d, const std::string& currency);

// Stream ids supplied by clients: 1 to 64 of [A-Za-z0-9._:@-].
void CheckClientId(const std::string& id);

}  // namespace ledger::api
