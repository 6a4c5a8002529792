// The purchasing workloads of ledger_bench: their list, and the workloads
// themselves, each on the node it is given (workloads.cc says which).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "benchmarks/nodes.h"
#include "benchmarks/workload.h"

namespace ledger::bench::purchasing {

// The context's workloads and ratios, for the generated list of every
// context's (benchmarks/contexts.cc.in).
const ContextWorkloads& Workloads();

// What a client of Commands sends: the create / add / add / confirm cycle,
// or only creates (what http_create sends, for a like-for-like ratio).
enum class CommandMix { kCycle, kCreates };

// Closed loop (orders.cc): `clients` clients each keep one command in
// flight on `node`; an answer (given after the command's events are
// durable) triggers that client's next command, until --commands. Reports
// the line `name`.
void Commands(const Options& o, Node& node, const std::string& name, size_t clients,
              CommandMix mix = CommandMix::kCycle);

// Loads --commands/4 orders that `commands` created in random order, each
// from its snapshot, on a node with cold caches (orders.cc).
void Load(const Options& o, Node& node, const ledger::Clock& clock);

// Rebuilds the list projection alone, then reads pages of orders: the lines
// replay_lists and list_page (orders.cc).
void ReplayLists(const Options& o, Node& node);

// Whole purchase-to-pay stories, --clients at once (p2p.cc).
void P2p(const Options& o, Node& node);

// The http families and http_mixed, each on a node of its own (http.cc).
void HttpCreates(const Options& o, Nodes& nodes, std::span<const size_t> connections);
void HttpGets(const Options& o, Nodes& nodes, std::span<const size_t> connections);
void HttpMixed(const Options& o, Nodes& nodes, std::span<const size_t>);

}  // namespace ledger::bench::purchasing
