// Exact money arithmetic for decisions: every operation either gives the
// exact (or correctly rounded) result or a rule violation `amount_overflow`,
// so a command never computes a wrong amount silently.
#pragma once

#include <string>

#include "engine/decimal.h"
#include "events/codec.h"
#include "events/status.h"

namespace ledger::domain {

inline Status Overflow() {
  return Status::Rule("amount_overflow", "an amount does not fit the ledger's 128-bit decimals");
}

inline Result<Decimal> Plus(Decimal a, Decimal b) {
  auto r = a.CheckedAdd(b);
  if (!r) return Overflow();
  return *r;
}

inline Result<Decimal> Minus(Decimal a, Decimal b) {
  auto r = a.CheckedSub(b);
  if (!r) return Overflow();
  return *r;
}

// a × b rounded half away from zero to `digits`.
inline Result<Decimal> Times(Decimal a, Decimal b, int digits) {
  auto p = CheckedMul(Exact::Of(a), Exact::Of(b));
  if (!p) return Overflow();
  auto r = RoundExact(*p, digits);
  if (!r) return Overflow();
  return *r;
}

// a × n / d rounded to `digits`: a share of `a` (d ≠ 0).
inline Result<Decimal> Share(Decimal a, Decimal n, Decimal d, int digits) {
  auto p = CheckedMul(Exact::Of(a), Exact::Of(n));
  if (!p) return Overflow();
  auto r = DivRound(*p, Exact::Of(d), digits);
  if (!r) return Overflow();
  return *r;
}

// Whether |actual − reference| > reference × pct / 100, exactly: a value at
// the tolerance's edge is within it.
inline bool BeyondPct(Decimal actual, Decimal reference, Decimal pct) {
  auto diff = actual.CheckedSub(reference);
  if (!diff) return true;
  auto a = CheckedMul(Exact::Integer(100), Exact::Of(diff->is_negative() ? -*diff : *diff));
  auto b = CheckedMul(Exact::Of(reference.is_negative() ? -reference : reference),
                      Exact::Of(pct));
  if (!a || !b) return true;
  auto over = CheckedSub(*a, *b);
  return !over || over->value > 0;
}

// Adds in evolve, where decide has already checked every amount.
inline void AddTo(Decimal& total, Decimal delta) {
  auto r = total.CheckedAdd(delta);
  LEDGER_ASSERT(r.has_value());
  total = *r;
}

inline Decimal Abs(Decimal d) { return d.is_negative() ? -d : d; }

// A decimal field of an event (written by decide, so it parses); zero when
// absent.
inline Decimal Dec(const flatbuffers::String* s) {
  return s ? Decimal::ParseStored(events::Sv(s)).value_or(Decimal()) : Decimal();
}
inline Decimal Dec(const std::string& s) { return Decimal::ParseStored(s).value_or(Decimal()); }

}  // namespace ledger::domain
