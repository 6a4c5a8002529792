#include "engine/tax.h"

#include <map>

namespace ledger {
namespace {

Status Overflow() {
  return Status::Rule("amount_overflow", "an amount of this document does not fit 128 bits");
}

}  // namespace

std::optional<TaxRounding> ParseTaxRounding(std::string_view s) {
  if (s == "per_line") return TaxRounding::kPerLine;
  if (s == "global") return TaxRounding::kGlobal;
  return std::nullopt;
}

Result<DocumentAmounts> ComputeAmounts(const std::vector<TaxLineInput>& lines, int digits,
                                       TaxRounding rounding) {
  DocumentAmounts out;
  out.lines.reserve(lines.size());
  // Unrounded tax per tax code, for global rounding. Ordered for determinism.
  std::map<std::string, Exact> tax_by_code;
  Exact untaxed{0, 0};
  Exact tax_sum{0, 0};
  const Exact hundred_pct = Exact::Integer(1);

  for (const auto& in : lines) {
    auto keep = CheckedSub(hundred_pct, Exact::Percent(in.discount_pct));
    if (!keep) return Overflow();
    auto gross = CheckedMul(Exact::Of(in.quantity), Exact::Of(in.unit_price));
    if (!gross) return Overflow();
    gross = CheckedMul(*gross, *keep);
    if (!gross) return Overflow();
    Exact rate = Exact::Percent(in.tax_rate_pct);

    LineAmounts la;
    std::optional<Exact> line_tax_raw;
    if (in.price_included) {
      // The price includes the tax: the rounded gross is the line total and
      // the untaxed part is total / (1 + rate), rounded once.
      auto total = RoundExact(*gross, digits);
      auto divisor = CheckedAdd(hundred_pct, rate);
      if (!total || !divisor) return Overflow();
      auto subtotal = DivRound(*gross, *divisor, digits);
      if (!subtotal) return Overflow();
      la.subtotal = *subtotal;
      la.total = *total;
      auto tax = la.total.CheckedSub(la.subtotal);
      if (!tax) return Overflow();
      la.tax = *tax;
      line_tax_raw = Exact::Of(la.tax);
    } else {
      auto subtotal = RoundExact(*gross, digits);
      if (!subtotal) return Overflow();
      la.subtotal = *subtotal;
      line_tax_raw = CheckedMul(Exact::Of(la.subtotal), rate);
      if (!line_tax_raw) return Overflow();
      auto tax = RoundExact(*line_tax_raw, digits);
      if (!tax) return Overflow();
      la.tax = *tax;
      auto total = la.subtotal.CheckedAdd(la.tax);
      if (!total) return Overflow();
      la.total = *total;
    }
    auto u = CheckedAdd(untaxed, Exact::Of(la.subtotal));
    if (!u) return Overflow();
    untaxed = *u;
    if (rounding == TaxRounding::kPerLine) {
      auto t = CheckedAdd(tax_sum, Exact::Of(la.tax));
      if (!t) return Overflow();
      tax_sum = *t;
    } else {
      auto& acc = tax_by_code[in.tax_code];
      auto t = CheckedAdd(acc, *line_tax_raw);
      if (!t) return Overflow();
      acc = *t;
    }
    out.lines.push_back(la);
  }
  if (rounding == TaxRounding::kGlobal) {
    for (const auto& [code, raw] : tax_by_code) {
      auto rounded = RoundExact(raw, digits);
      if (!rounded) return Overflow();
      auto t = CheckedAdd(tax_sum, Exact::Of(*rounded));
      if (!t) return Overflow();
      tax_sum = *t;
    }
  }
  auto total = CheckedAdd(untaxed, tax_sum);
  auto u = RoundExact(untaxed, digits);
  auto t = RoundExact(tax_sum, digits);
  if (!total || !u || !t) return Overflow();
  auto tt = RoundExact(*total, digits);
  if (!tt) return Overflow();
  out.untaxed = *u;
  out.tax = *t;
  out.total = *tt;
  return out;
}

}  // namespace ledger
