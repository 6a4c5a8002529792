// The purchasing context's workloads: what --benchmarks names, what --help
// says of them, the node each runs on, and the ratios between them.
#include "benchmarks/purchasing/workloads.h"

#include "benchmarks/http_workload.h"

namespace ledger::bench::purchasing {
namespace {

// Which node each workload runs on.
void CommandsOnShared(const Options& o, Nodes& nodes, std::span<const size_t>) {
  Commands(o, nodes.Shared(), "commands", o.clients);
}
void ReplayListsOnShared(const Options& o, Nodes& nodes, std::span<const size_t>) {
  ReplayLists(o, nodes.Shared());
}
void LoadReopened(const Options& o, Nodes& nodes, std::span<const size_t>) {
  Load(o, *nodes.ReopenShared(), nodes.clock());
}
void P2pOnOwn(const Options& o, Nodes& nodes, std::span<const size_t>) {
  P2p(o, *nodes.Own("p2p").node);
}
void Commands256OnOwn(const Options& o, Nodes& nodes, std::span<const size_t>) {
  Commands(o, *nodes.Own("commands_256").node, "commands_256", 256);
}
void Creates256OnOwn(const Options& o, Nodes& nodes, std::span<const size_t>) {
  Commands(o, *nodes.Own("creates_256").node, "creates_256", 256, CommandMix::kCreates);
}

constexpr Workload kWorkloads[] = {
    {.name = "commands",
     .description = "the whole write path in process: --clients clients cycling create / add line "
                    "/ add line / confirm, on the shared node",
     .stage = Stage::kFillShared,
     .run = &CommandsOnShared,
     .by_default = true},
    {.name = "replay_lists",
     .description = "the list projection alone rebuilt from 0 over the shared node's log, then "
                    "list_page: pages of 100 orders",
     .stage = Stage::kRebuildShared,
     .run = &ReplayListsOnShared},
    {.name = "load",
     .description = "orders that `commands` created, each from its snapshot, caches cold",
     .stage = Stage::kReopenShared,
     .run = &LoadReopened,
     .by_default = true},
    {.name = "p2p",
     .description = "whole purchase-to-pay stories (10 commands each), --clients at once",
     .stage = Stage::kOwnNode,
     .run = &P2pOnOwn,
     .by_default = true},
    {.name = "commands_256",
     .description = "`commands` with 256 clients: the yardstick of http_create_256",
     .stage = Stage::kOwnNode,
     .run = &Commands256OnOwn,
     .by_default = true},
    {.name = "creates_256",
     .description = "the same with creates only: what http_create sends, in process",
     .stage = Stage::kOwnNode,
     .run = &Creates256OnOwn,
     .by_default = true},
    {.name = "http_create",
     .description = "POST /v1/purchase-orders (one line), one request in flight per connection",
     .stage = Stage::kOwnNode,
     .run = &HttpCreates,
     .sizes = kHttpConnections,
     .group = "http",
     .by_default = true},
    {.name = "http_get",
     .description = "GET /v1/purchase-orders/{id}, round robin over 1000 orders",
     .stage = Stage::kOwnNode,
     .run = &HttpGets,
     .sizes = kHttpConnections,
     .group = "http",
     .by_default = true},
    {.name = "http_mixed",
     .description = "256 connections creating beside 8 reading: the creates' throughput, the "
                    "reads' latency",
     .stage = Stage::kOwnNode,
     .run = &HttpMixed,
     .group = "http",
     .by_default = true},
};

// The yardstick: http_create_256 against in-process commands from as
// many clients, and against the same commands (creates) in process: what the
// HTTP layer costs, apart from what a create costs the engine.
constexpr Ratio kRatios[] = {
    {"http_vs_commands_256", "http_create_256", "commands_256"},
    {"http_vs_creates_256", "http_create_256", "creates_256"},
};

constexpr ContextWorkloads kContextWorkloads{"purchasing", kWorkloads, kRatios};

}  // namespace

const ContextWorkloads& Workloads() { return kContextWorkloads; }

}  // namespace ledger::bench::purchasing
