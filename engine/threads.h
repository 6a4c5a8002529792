// How the process's threads present themselves to the kernel: a name (top -H,
// perf) and a kind of work.
//
// Throughput threads (the engine's writer, projections, command workers)
// run under SCHED_BATCH: the same CPU share as any other thread, but a
// thread woken to answer a request (the HTTP loop, a read worker) is not
// kept waiting behind them for the rest of their time slice. Measured with
// ledger_bench http_mixed: GET p99 under a saturating create load went from
// ~6 ms to ~3 ms, create throughput unchanged. Any thread may take
// SCHED_BATCH without privileges; if the kernel refuses, the thread keeps
// the default policy.
#pragma once

namespace ledger {

enum class ThreadKind {
  kLatency,     // answers someone who waits: the default policy
  kThroughput,  // bulk work: SCHED_BATCH
};

// Names the calling thread (at most 15 bytes are kept) and sets its policy.
void SetUpThisThread(const char* name, ThreadKind kind);

}  // namespace ledger
