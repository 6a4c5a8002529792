// Exact decimal arithmetic for money, quantities, prices and rates.
//
// `Decimal` is a fixed-point number with 6 fractional digits held in a signed
// 128-bit integer: quantities and unit prices keep 6 decimals (SPEC §2).
// Intermediate products (quantity × price × discount × rate) are `Exact`
// values whose scale grows with each product, so nothing is rounded until a
// document amount is rounded once to its currency's minor unit, half away
// from zero. Every operation that could overflow 128 bits is checked and
// reports the overflow instead of wrapping.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/status.h"

namespace ledger {

using int128 = __int128;

class Decimal {
 public:
  static constexpr int kScale = 6;
  static constexpr int64_t kOne = 1'000'000;
  // Largest accepted integer part, in digits: keeps products of two values
  // and a rate inside 128 bits for any realistic document.
  static constexpr int kIntegerDigitsMax = 24;

  constexpr Decimal() = default;
  static constexpr Decimal FromUnits(int128 units) { return Decimal(units); }
  static constexpr Decimal FromInt(int64_t v) { return Decimal(int128(v) * kOne); }

  // Parses "123", "-0.5", "1234.500000". Rejects empty text, signs other than
  // a leading '-', exponents, more than 6 fractional digits and more than
  // kIntegerDigitsMax integer digits, with a message saying which.
  static Result<Decimal> Parse(std::string_view text);
  // Parses text that ToString wrote (a field of an event, a projection's
  // figure): as Parse, but with any integer part a Decimal holds. A sum, a
  // product or a rounding of values Parse accepts may have more than
  // kIntegerDigitsMax integer digits, and must read back as it was written.
  static Result<Decimal> ParseStored(std::string_view text);

  int128 units() const { return units_; }
  bool is_zero() const { return units_ == 0; }
  bool is_negative() const { return units_ < 0; }

  // Canonical text: no trailing fractional zeros ("1.5", "3", "-0.000001").
  std::string ToString() const;
  // Text with exactly `digits` fractional digits (0..6); the value must
  // already be rounded to that many digits.
  std::string ToString(int digits) const;

  // Rounds half away from zero to `digits` fractional digits (0..6).
  Decimal Round(int digits) const;
  // True if the value has no more than `digits` fractional digits.
  bool HasDigitsAtMost(int digits) const;

  std::optional<Decimal> CheckedAdd(Decimal o) const;
  std::optional<Decimal> CheckedSub(Decimal o) const;
  Decimal operator-() const { return Decimal(-units_); }

  auto operator<=>(const Decimal&) const = default;

 private:
  constexpr explicit Decimal(int128 units) : units_(units) {}
  int128 units_ = 0;
};

// An exact intermediate: value × 10^-scale.
struct Exact {
  int128 value = 0;
  int scale = 0;

  static Exact Of(Decimal d) { return {d.units(), Decimal::kScale}; }
  // A percentage as a factor: "20" (%) becomes 0.20.
  static Exact Percent(Decimal d) { return {d.units(), Decimal::kScale + 2}; }
  static Exact Integer(int64_t v) { return {v, 0}; }
};

std::optional<Exact> CheckedMul(Exact a, Exact b);
std::optional<Exact> CheckedAdd(Exact a, Exact b);
std::optional<Exact> CheckedSub(Exact a, Exact b);
// Rounds half away from zero to `digits` (0..6) fractional digits.
std::optional<Decimal> RoundExact(Exact a, int digits);
// a / b rounded half away from zero to `digits` (0..6); nullopt if b is zero
// or on overflow.
std::optional<Decimal> DivRound(Exact a, Exact b, int digits);

// ISO 4217 minor unit of `code` (EUR 2, XOF 0, KWD 3...), or nullopt if the
// currency is unknown.
std::optional<int> CurrencyDigits(std::string_view code);

}  // namespace ledger
