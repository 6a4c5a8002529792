// Google Benchmark micro-benchmarks of the purchasing context, in
// ledger_microbench: the envelope of one of its events encoded and verified,
// an order's snapshot encoded and decoded.
#include <benchmark/benchmark.h>

#include "engine/purchasing/purchase_order.h"
#include "events/codec.h"
#include "events/purchasing_events.h"

using namespace ledger;

static std::string Record() {
  events::PurchaseOrderLineAddedT added;
  added.line = std::make_unique<events::PurchaseOrderLineT>();
  added.line->product = "LAPTOP";
  added.line->quantity = "3";
  added.line->unit_price = "1249.00";
  const events::EncodedEvent u = events::EncodeEvent(added);
  events::EnvelopeMeta m;
  m.stream_type = "purchase_order";
  m.stream_id = "PO-2026-00001";
  m.stream_version = 2;
  m.actor = "alice";
  events::Digest prev{}, h;
  return events::EncodeEnvelope(m, u, prev, &h);
}

static void BM_EnvelopeEncode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Record());
}
BENCHMARK(BM_EnvelopeEncode);

static void BM_EnvelopeVerifyWithHash(benchmark::State& state) {
  std::string r = Record();
  for (auto _ : state) benchmark::DoNotOptimize(events::VerifyRecord(r, true));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * r.size()));
}
BENCHMARK(BM_EnvelopeVerifyWithHash);

static void BM_SnapshotRoundTrip(benchmark::State& state) {
  StateOf<domain::PurchaseOrder> po;
  for (uint32_t i = 1; i <= 4; ++i) {
    domain::PoLine l;
    l.line_no = i;
    l.product = "LAPTOP";
    l.quantity = Decimal::FromInt(3);
    po.value.lines.push_back(l);
  }
  for (auto _ : state) {
    std::string bytes = po.Encode();
    StateOf<domain::PurchaseOrder> back;
    benchmark::DoNotOptimize(back.Decode(bytes));
  }
}
BENCHMARK(BM_SnapshotRoundTrip);
