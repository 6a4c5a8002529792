// Google Benchmark micro-benchmarks of the hot pieces that need no bounded
// context: decimals and amounts. Each context adds its own to the same
// binary from benchmarks/<context>/ (the purchasing context: envelope
// encoding and verification, snapshot encoding).
#include <benchmark/benchmark.h>

#include "engine/tax.h"

using namespace ledger;

static void BM_DecimalParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Decimal::Parse("1249.990000"));
}
BENCHMARK(BM_DecimalParse);

static void BM_AmountsFourLines(benchmark::State& state) {
  std::vector<TaxLineInput> lines;
  for (const char* p : {"1.03", "1.03", "1.03", "1.01"}) {
    lines.push_back({Decimal::FromInt(1), *Decimal::Parse(p), Decimal(), "VAT20",
                     Decimal::FromInt(20), false});
  }
  for (auto _ : state) benchmark::DoNotOptimize(ComputeAmounts(lines, 2, TaxRounding::kGlobal));
}
BENCHMARK(BM_AmountsFourLines);

BENCHMARK_MAIN();
