#include "tools/bounded_context.h"

#include <mutex>

#include "projections/audit.h"
#include "projections/lists.h"

namespace ledger {

void InstallBoundedContexts() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const BoundedContext* c : BoundedContexts()) RegisterStreamTypes(c->stream_types());
  });
}

std::vector<std::unique_ptr<Projection>> AllProjections() {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<AuditProjection>());
  p.push_back(std::make_unique<ListsProjection>());
  for (const BoundedContext* c : BoundedContexts()) {
    if (c->add_projections) c->add_projections(&p);
  }
  return p;
}

std::vector<api::AddRoutesFn> AllRoutes() {
  std::vector<api::AddRoutesFn> routes;
  for (const BoundedContext* c : BoundedContexts()) {
    if (c->add_routes) routes.push_back(c->add_routes);
  }
  return routes;
}

api::AuthenticateFn TokenAuthentication() {
  for (const BoundedContext* c : BoundedContexts()) {
    if (c->authenticate) return c->authenticate;
  }
  LEDGER_ASSERT(false && "no bounded context authenticates tokens");
  return nullptr;
}

Status StartContexts(Engine& engine, const Config& config) {
  for (const BoundedContext* c : BoundedContexts()) {
    if (c->at_start) LEDGER_RETURN_IF_ERROR(c->at_start(engine, config));
  }
  return Status::Ok();
}

Status LoadDemoData(Engine& engine) {
  for (const BoundedContext* c : BoundedContexts()) {
    if (c->has_demo && c->has_demo(engine)) return Status::Ok();
  }
  for (const BoundedContext* c : BoundedContexts()) {
    if (c->load_demo) LEDGER_RETURN_IF_ERROR(c->load_demo(engine));
  }
  return Status::Ok();
}

}  // namespace ledger
