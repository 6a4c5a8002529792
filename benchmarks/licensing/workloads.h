// The licensing workloads of ledger_bench.
#pragma once

#include "benchmarks/nodes.h"
#include "benchmarks/workload.h"

namespace ledger::bench::licensing {

// The context's workloads, for the generated list of every context's.
const ContextWorkloads& Workloads();

// Closed loop on `node` (licensing.cc): --clients clients each keep one
// command in flight, cycling join / check-out / usage / check-in / leave,
// until --commands. Reports the line `licensing`.
void Licensing(const Options& o, Node& node);

}  // namespace ledger::bench::licensing
