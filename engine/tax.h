// Document amounts: line subtotals, taxes and totals with the company's tax
// rounding mode (SPEC §4.4).
//
// `per_line`: each line's tax is rounded, then the rounded taxes are summed.
// `global`: unrounded taxes are summed per tax code and each sum is rounded
// once. Line subtotals are always rounded to the currency's minor unit; the
// two modes can differ by a cent on a four-line order.
#pragma once

#include <string>
#include <vector>

#include "engine/decimal.h"

namespace ledger {

enum class TaxRounding { kPerLine, kGlobal };

std::optional<TaxRounding> ParseTaxRounding(std::string_view s);

struct TaxLineInput {
  Decimal quantity;
  Decimal unit_price;
  Decimal discount_pct;     // 0..100
  std::string tax_code;     // "" when the line has no tax
  Decimal tax_rate_pct;     // e.g. 20 for 20%
  bool price_included = false;
};

struct LineAmounts {
  Decimal subtotal;  // untaxed, rounded to the currency
  Decimal tax;       // the line's own tax, rounded to the currency
  Decimal total;
};

struct DocumentAmounts {
  std::vector<LineAmounts> lines;
  Decimal untaxed;
  Decimal tax;
  Decimal total;
};

// Computes every amount of a document in a currency with `digits` minor
// digits. Fails with rule_violation `amount_overflow` when an intermediate
// does not fit 128 bits.
Result<DocumentAmounts> ComputeAmounts(const std::vector<TaxLineInput>& lines, int digits,
                                       TaxRounding rounding);

}  // namespace ledger
