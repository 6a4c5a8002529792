// The licensing context (licence pools, teams, assignment policies) as the
// binaries see it.
#pragma once

#include "tools/bounded_context.h"

namespace ledger::licensing {

const BoundedContext& Context();
Status LoadDemo(Engine& engine);

}  // namespace ledger::licensing
