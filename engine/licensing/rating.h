// The licensing context's pure arithmetic: overage cost of a seat pool over a
// period and rating of metered usage (issue 12). Exact decimals, rounded
// once to the currency's minor unit, half away from zero; an overflow is the
// rule violation `amount_overflow` (engine/money.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/decimal.h"
#include "events/status.h"

namespace ledger::domain {

enum class OverageBasis : uint8_t { kPeak, kProratedDaily };
enum class UsageMode : uint8_t { kGraduated, kVolume };

// One day on which a seat pool's assignments changed: the most seats
// assigned at any moment of that day, and the seats assigned at its end.
struct SeatDay {
  std::string date;  // YYYY-MM-DD
  uint32_t max_assigned = 0;
  uint32_t end_assigned = 0;
};

// The overage cost of the period [first, last] (inclusive dates):
//   peak:           (max assigned in the period − quota)⁺ × unit price
//   prorated_daily: Σ days (assigned that day − quota)⁺ × unit price ÷ days
// where "assigned that day" is the day's maximum (a seat held for part of a
// day is held that day) and a day without change keeps the previous day's
// end. `days` is ascending by date, at most one entry per date.
Result<Decimal> OverageCost(OverageBasis basis, uint32_t quota, Decimal unit_price,
                            const std::vector<SeatDay>& days, const std::string& first,
                            const std::string& last, int digits);

// The most seats assigned in [first, last].
uint32_t PeakAssigned(const std::vector<SeatDay>& days, const std::string& first,
                      const std::string& last);

struct UsageTier {
  std::optional<Decimal> up_to;  // inclusive; nullopt: no bound (the last band)
  Decimal unit_price;
};

// The charge of `used` units: billable = (used − included)⁺; without tiers
// every billable unit at `unit_price`; `volume`: every billable unit at the
// price of the band the billable quantity falls in; `graduated`: each band
// at its own price. Rounded once to `digits`.
Result<Decimal> RateUsage(Decimal used, Decimal included, UsageMode mode,
                          const std::vector<UsageTier>& tiers, Decimal unit_price, int digits);

// Calendar helpers on ISO dates (YYYY-MM-DD), which the caller has checked.
// The first and last days of the month "YYYY-MM".
std::string FirstDayOf(const std::string& period);
std::string LastDayOf(const std::string& period);
// The number of days from `a` to `b` inclusive (b ≥ a).
int64_t DaysInclusive(const std::string& a, const std::string& b);
// The date after `d`.
std::string NextDay(const std::string& d);

}  // namespace ledger::domain
