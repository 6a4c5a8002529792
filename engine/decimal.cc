#include "engine/decimal.h"

#include <algorithm>
#include <array>
#include <limits>

namespace ledger {
namespace {

constexpr int128 Pow10(int n) {
  int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Divides rounding half away from zero. b > 0.
int128 DivHalfAway(int128 a, int128 b) {
  int128 q = a / b;
  int128 r = a % b;
  if (r < 0) r = -r;
  if (2 * r >= b) q += (a < 0) ? -1 : 1;
  return q;
}

std::optional<int128> Rescale(int128 v, int from, int to) {
  if (to >= from) {
    int128 out;
    if (to - from > 38 || __builtin_mul_overflow(v, Pow10(to - from), &out)) return std::nullopt;
    return out;
  }
  return DivHalfAway(v, Pow10(from - to));
}

constexpr int kExactScaleMax = 36;

}  // namespace

namespace {

// Parse and ParseStored: at most `integer_digits_max` integer digits, and
// none beyond what 128 bits hold.
Result<Decimal> ParseWithin(std::string_view text, int integer_digits_max) {
  if (text.empty()) return Status::Malformed("empty decimal");
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i >= text.size() || text[i] < '0' || text[i] > '9') {
    return Status::Malformed("not a decimal number: \"" + std::string(text) + "\"");
  }
  int128 integer = 0;
  int int_digits = 0;
  int frac_digits = 0;
  int128 frac = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_point) return Status::Malformed("decimal has two points: " + std::string(text));
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return Status::Malformed("not a decimal number: \"" + std::string(text) + "\"");
    }
    any_digit = true;
    if (seen_point) {
      if (++frac_digits > Decimal::kScale) {
        return Status::Malformed("decimal has more than 6 fractional digits: " + std::string(text));
      }
      frac = frac * 10 + (c - '0');
    } else {
      if (int_digits > 0 || c != '0') ++int_digits;
      if (int_digits > integer_digits_max) {
        return Status::Malformed("decimal is too large: " + std::string(text));
      }
      integer = integer * 10 + (c - '0');
    }
  }
  if (!any_digit || (seen_point && frac_digits == 0) || text.back() == '.') {
    return Status::Malformed("not a decimal number: \"" + std::string(text) + "\"");
  }
  int128 units;
  if (__builtin_mul_overflow(integer, int128(Decimal::kOne), &units) ||
      __builtin_add_overflow(units, frac * Pow10(Decimal::kScale - frac_digits), &units)) {
    return Status::Malformed("decimal is too large: " + std::string(text));
  }
  return Decimal::FromUnits(negative ? -units : units);
}

}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text) {
  return ParseWithin(text, kIntegerDigitsMax);
}

Result<Decimal> Decimal::ParseStored(std::string_view text) {
  // 33 digits reach past 2^127 / 10^6: the overflow check has the last word.
  return ParseWithin(text, 33);
}

std::string Decimal::ToString(int digits) const {
  LEDGER_ASSERT(digits >= 0 && digits <= kScale);
  int128 v = units_ < 0 ? -units_ : units_;
  int128 integer = v / kOne;
  int128 frac = (v % kOne) / Pow10(kScale - digits);
  std::string int_text;
  do {
    int_text.push_back(static_cast<char>('0' + static_cast<int>(integer % 10)));
    integer /= 10;
  } while (integer > 0);
  if (units_ < 0) int_text.push_back('-');
  std::reverse(int_text.begin(), int_text.end());
  if (digits == 0) return int_text;
  std::string frac_text(digits, '0');
  for (int k = digits - 1; k >= 0; --k) {
    frac_text[k] = static_cast<char>('0' + static_cast<int>(frac % 10));
    frac /= 10;
  }
  return int_text + "." + frac_text;
}

std::string Decimal::ToString() const {
  int digits = kScale;
  while (digits > 0 && HasDigitsAtMost(digits - 1)) --digits;
  return ToString(digits);
}

bool Decimal::HasDigitsAtMost(int digits) const {
  return units_ % Pow10(kScale - digits) == 0;
}

Decimal Decimal::Round(int digits) const {
  LEDGER_ASSERT(digits >= 0 && digits <= kScale);
  int128 step = Pow10(kScale - digits);
  return Decimal(DivHalfAway(units_, step) * step);
}

std::optional<Decimal> Decimal::CheckedAdd(Decimal o) const {
  int128 r;
  if (__builtin_add_overflow(units_, o.units_, &r)) return std::nullopt;
  return Decimal(r);
}

std::optional<Decimal> Decimal::CheckedSub(Decimal o) const {
  int128 r;
  if (__builtin_sub_overflow(units_, o.units_, &r)) return std::nullopt;
  return Decimal(r);
}

std::optional<Exact> CheckedMul(Exact a, Exact b) {
  Exact r{0, a.scale + b.scale};
  if (r.scale > kExactScaleMax) return std::nullopt;
  if (__builtin_mul_overflow(a.value, b.value, &r.value)) return std::nullopt;
  return r;
}

std::optional<Exact> CheckedAdd(Exact a, Exact b) {
  int scale = std::max(a.scale, b.scale);
  auto av = Rescale(a.value, a.scale, scale);
  auto bv = Rescale(b.value, b.scale, scale);
  if (!av || !bv) return std::nullopt;
  Exact r{0, scale};
  if (__builtin_add_overflow(*av, *bv, &r.value)) return std::nullopt;
  return r;
}

std::optional<Exact> CheckedSub(Exact a, Exact b) {
  if (b.value == std::numeric_limits<int128>::min()) return std::nullopt;
  return CheckedAdd(a, Exact{-b.value, b.scale});
}

std::optional<Decimal> RoundExact(Exact a, int digits) {
  LEDGER_ASSERT(digits >= 0 && digits <= Decimal::kScale);
  auto at_digits = Rescale(a.value, a.scale, digits);
  if (!at_digits) return std::nullopt;
  int128 units;
  if (__builtin_mul_overflow(*at_digits, Pow10(Decimal::kScale - digits), &units)) {
    return std::nullopt;
  }
  return Decimal::FromUnits(units);
}

std::optional<Decimal> DivRound(Exact a, Exact b, int digits) {
  if (b.value == 0) return std::nullopt;
  // a/b = (a.value / b.value) × 10^(b.scale - a.scale). Scale the numerator
  // so that the integer quotient has `digits` fractional digits.
  int shift = digits + b.scale - a.scale;
  int128 num = a.value;
  int128 den = b.value;
  if (shift >= 0) {
    auto scaled = Rescale(num, 0, shift);
    if (!scaled) return std::nullopt;
    num = *scaled;
  } else {
    auto scaled = Rescale(den, 0, -shift);
    if (!scaled) return std::nullopt;
    den = *scaled;
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int128 q = DivHalfAway(num, den);
  int128 units;
  if (__builtin_mul_overflow(q, Pow10(Decimal::kScale - digits), &units)) return std::nullopt;
  return Decimal::FromUnits(units);
}

std::optional<int> CurrencyDigits(std::string_view code) {
  struct Entry {
    std::string_view code;
    int digits;
  };
  // ISO 4217 minor units of the currencies a purchasing ledger meets.
  static constexpr std::array<Entry, 48> kTable = {{
      {"AED", 2}, {"AUD", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CLP", 0},
      {"CNY", 2}, {"CZK", 2}, {"DKK", 2}, {"DZD", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2},
      {"GHS", 2}, {"GNF", 0}, {"HKD", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2},
      {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KMF", 0}, {"KRW", 0},
      {"KWD", 3}, {"LYD", 3}, {"MAD", 2}, {"MGA", 2}, {"MXN", 2}, {"NGN", 2}, {"NOK", 2},
      {"NZD", 2}, {"OMR", 3}, {"PLN", 2}, {"RON", 2}, {"RWF", 0}, {"SEK", 2}, {"SGD", 2},
      {"TND", 3}, {"TRY", 2}, {"USD", 2}, {"XAF", 0}, {"XOF", 0}, {"ZAR", 2},
  }};
  for (const auto& e : kTable) {
    if (e.code == code) return e.digits;
  }
  return std::nullopt;
}

}  // namespace ledger
