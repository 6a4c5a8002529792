// The routes of the API as a bounded context declares them: each context's
// api/<context>/routes_*.cc adds its routes through this interface, and the
// server learns of the contexts from the list of contexts (tools/contexts.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/aggregate.h"
#include "engine/commands.h"

namespace ledger::api {

class RequestContext;

class Routes {
 public:
  using Handler = std::function<void(RequestContext&)>;
  virtual ~Routes() = default;

  // Registers a route. Roles: who may call it (admin always may); "*" any
  // authenticated actor except an integrator; "" (no roles) no
  // authentication at all.
  virtual void Add(const std::string& method, const std::string& path,
                   std::vector<std::string> roles, const std::string& summary,
                   Handler handler) = 0;

  // Registers a route that runs one command: `parse` reads the request's
  // path and body into the command struct (throwing ApiError on bad input),
  // the command runs through ToCommand, and the route answers with its
  // outcome as WriteOutcome does. Roles as for Add. `parse` is a function,
  // or one with leading arguments bound (std::bind_front) when routes are
  // declared from a table.
  template <class Parse>
  void Command(const std::string& method, const std::string& path,
               std::vector<std::string> roles, const std::string& summary, Parse parse) {
    AddCommand(method, path, std::move(roles), summary,
               std::bind_front(&CommandOf<Parse>, std::move(parse)));
  }

  // How a document's state is rendered for GET <base>/{id}.
  using RenderFn =
      std::function<nlohmann::json(const std::string& id, const AggregateState& state)>;

  // GET <base>/{id} (state, version as ETag) and GET <base>/{id}/history for
  // the documents of stream type S, called `what` in answers ("purchase
  // order").
  template <Streamed S>
  void AddDocumentReads(const std::string& base, const std::string& what, RenderFn render) {
    AddStreamReads(base, std::string(S::kStream.type), what, std::move(render));
  }

 private:
  // AddDocumentReads for the stream type named `type`.
  void AddStreamReads(const std::string& base, const std::string& type, const std::string& what,
                      RenderFn render);
  using MakeCommand = std::function<ledger::Command(const RequestContext&)>;
  // Registers a route that submits the command `make` builds.
  void AddCommand(const std::string& method, const std::string& path,
                  std::vector<std::string> roles, const std::string& summary, MakeCommand make);
  // The command `parse` reads from the request.
  template <class Parse>
  static ledger::Command CommandOf(const Parse& parse, const RequestContext& rc) {
    return ToCommand(parse(rc));
  }
};

// How a bounded context adds its routes.
using AddRoutesFn = void (*)(Routes& routes);

}  // namespace ledger::api
