#include "tools/licensing/context.h"

#include "api/licensing/routes.h"
#include "engine/licensing/streams.h"

namespace ledger::licensing {

// No read model of its own yet: the pools and teams are listed by the
// generic lists projection; the KPIs' projection comes with them (issue 12).
const BoundedContext& Context() {
  static const BoundedContext kContext{
      .name = "licensing",
      .stream_types = &StreamTypes,
      .add_routes = &AddRoutes,
      .load_demo = &LoadDemo,
      .exports = {},
  };
  return kContext;
}

}  // namespace ledger::licensing
