// Per-request helpers shared by the route files (internal to api/).
#pragma once

#include "api/http.h"
#include "api/server.h"

namespace ledger::api {

class RequestContext {
 public:
  RequestContext(const httplib::Request& req, httplib::Response& res, Actor actor,
                 const ApiContext& ctx)
      : req(req), res(res), actor(std::move(actor)), ctx(ctx) {}

  const httplib::Request& req;
  httplib::Response& res;
  const Actor actor;
  const ApiContext& ctx;

  // The n-th `{...}` of the route's path, from 1.
  std::string path(size_t n) const { return req.matches[n].str(); }
  Body body() const { return Body::Parse(req.body); }
  // An optional string field of an optional body (actions such as cancel
  // may be posted without one): "" when either is absent.
  std::string optional_field(const char* key) const {
    return req.body.empty() ? "" : body().opt_str(key).value_or("");
  }

  // Runs `cmd` for this request's actor, with its Idempotency-Key, If-Match
  // and X-Correlation-Id headers, and writes the outcome:
  // {"id","version","state"}, 201 when the command created its stream.
  CommandOutcome Execute(Command cmd);
  // Writes the outcome of Execute.
  void Reply(const CommandOutcome& out);
};

// The events of one stream as {"events":[{type, stream_version, ...}]}.
Json HistoryJson(const std::vector<LogRecord>& records);

// The JSON of a reference entity (settings, policies, rates...): id,
// version, status and the fields of its definition.
Json ReferenceJson(const std::string& id, const AggregateState& state);

// Stream ids supplied by clients: 1 to 64 of [A-Za-z0-9._:@-].
void CheckClientId(const std::string& id);

}  // namespace ledger::api
