// Fuzzes the decimal parser (amounts, quantities, rates from request bodies
// and from events) and the exact arithmetic behind every document amount.
//
// Input: one or two decimal texts separated by a newline.
// Properties: nothing crashes (UBSan traps any signed overflow); a parsed
// value's text parses back to the same value; whatever arithmetic makes of
// parsed values (rounded, summed, multiplied) reads back with ParseStored,
// as events are read; a + b - b == a and (a × b) / b == a whenever no
// overflow is reported.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "engine/decimal.h"

namespace {

using ledger::CheckedAdd;
using ledger::CheckedMul;
using ledger::Decimal;
using ledger::DivRound;
using ledger::Exact;
using ledger::RoundExact;

[[noreturn]] void Violated(const char* what, std::string_view a, std::string_view b) {
  std::fprintf(stderr, "property violated: %s\na=\"%.*s\" b=\"%.*s\"\n", what,
               static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

// Whether `d`, written as an event field is, reads back as itself.
void ReadsBack(const Decimal& d, int digits, std::string_view a, std::string_view b) {
  auto back = Decimal::ParseStored(digits < 0 ? d.ToString() : d.ToString(digits));
  if (!back.ok() || *back != d) Violated("a written value does not read back", a, b);
}

void RoundTrips(const Decimal& d, std::string_view a, std::string_view b) {
  auto back = Decimal::Parse(d.ToString());
  if (!back.ok() || *back != d) Violated("ToString does not parse back", a, b);
  ReadsBack(d, -1, a, b);
  for (int digits = 0; digits <= Decimal::kScale; ++digits) {
    const Decimal r = d.Round(digits);
    if (!r.HasDigitsAtMost(digits)) Violated("Round leaves more digits", a, b);
    auto text = Decimal::ParseStored(r.ToString(digits));
    if (!text.ok() || *text != r) Violated("ToString(digits) does not parse back", a, b);
    if (d.HasDigitsAtMost(digits) && r != d) Violated("Round changed an exact value", a, b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view a_text = input.substr(0, nl);
  const std::string_view b_text = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  (void)ledger::CurrencyDigits(a_text);

  auto a = Decimal::Parse(a_text);
  if (!a.ok()) {
    if (a.status().message().empty()) Violated("a refusal without a message", a_text, b_text);
    return 0;
  }
  RoundTrips(*a, a_text, b_text);
  auto b = Decimal::Parse(b_text);
  if (!b.ok()) return 0;
  RoundTrips(*b, a_text, b_text);

  if (auto sum = a->CheckedAdd(*b)) {
    ReadsBack(*sum, -1, a_text, b_text);
    auto back = sum->CheckedSub(*b);
    if (!back || *back != *a) Violated("a + b - b != a", a_text, b_text);
  }
  const Exact ea = Exact::Of(*a), eb = Exact::Of(*b);
  (void)CheckedAdd(ea, Exact::Percent(*b));
  (void)ledger::CheckedSub(Exact::Percent(*a), eb);
  for (int digits = 0; digits <= Decimal::kScale; ++digits) {
    (void)DivRound(ea, eb, digits);
    (void)DivRound(Exact::Percent(*a), eb, digits);
    (void)RoundExact(Exact::Percent(*a), digits);
  }
  if (auto product = CheckedMul(ea, eb)) {
    if (auto amount = RoundExact(*product, 2)) ReadsBack(*amount, 2, a_text, b_text);
    if (auto scaled = CheckedMul(*product, Exact::Percent(*b))) {
      if (auto amount = RoundExact(*scaled, 2)) ReadsBack(*amount, 2, a_text, b_text);
    }
    if (!b->is_zero()) {
      auto quotient = DivRound(*product, eb, Decimal::kScale);
      if (quotient && *quotient != *a) Violated("(a * b) / b != a", a_text, b_text);
    }
  }
  return 0;
}
