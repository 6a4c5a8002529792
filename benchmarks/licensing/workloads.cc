// The licensing context's workloads: what --benchmarks names, what --help
// says of them, and the node each runs on.
#include "benchmarks/licensing/workloads.h"

namespace ledger::bench::licensing {
namespace {

void LicensingOnOwn(const Options& o, Nodes& nodes, std::span<const size_t>) {
  Licensing(o, *nodes.Own("licensing").node);
}

constexpr Workload kWorkloads[] = {
    {.name = "licensing",
     .description = "--clients clients cycling team join (seats in 2 policy pools) / check-out / "
                    "usage post / check-in / team leave",
     .stage = Stage::kOwnNode,
     .run = &LicensingOnOwn,
     .by_default = true},
};

constexpr ContextWorkloads kContextWorkloads{"licensing", kWorkloads};

}  // namespace

const ContextWorkloads& Workloads() { return kContextWorkloads; }

}  // namespace ledger::bench::licensing
