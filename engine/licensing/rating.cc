#include "engine/licensing/rating.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

#include "engine/money.h"

namespace ledger::domain {
namespace {

std::chrono::sys_days ToDays(const std::string& iso) {
  int y = std::stoi(iso.substr(0, 4));
  unsigned m = static_cast<unsigned>(std::stoi(iso.substr(5, 2)));
  unsigned d = static_cast<unsigned>(std::stoi(iso.substr(8, 2)));
  return std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

std::string FromDays(std::chrono::sys_days days) {
  std::chrono::year_month_day ymd(days);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// The seats assigned at the end of the last change before `date`.
uint32_t EndBefore(const std::vector<SeatDay>& days, const std::string& date) {
  uint32_t n = 0;
  for (const auto& d : days) {
    if (d.date >= date) break;
    n = d.end_assigned;
  }
  return n;
}

}  // namespace

std::string FirstDayOf(const std::string& period) { return period + "-01"; }

std::string LastDayOf(const std::string& period) {
  auto first = ToDays(period + "-01");
  std::chrono::year_month_day ymd(first);
  auto last = std::chrono::year_month_day_last(ymd.year(), std::chrono::month_day_last(ymd.month()));
  return FromDays(std::chrono::sys_days(last));
}

int64_t DaysInclusive(const std::string& a, const std::string& b) {
  return (ToDays(b) - ToDays(a)).count() + 1;
}

std::string NextDay(const std::string& d) { return FromDays(ToDays(d) + std::chrono::days(1)); }

uint32_t PeakAssigned(const std::vector<SeatDay>& days, const std::string& first,
                      const std::string& last) {
  uint32_t peak = EndBefore(days, first);
  for (const auto& d : days) {
    if (d.date < first || d.date > last) continue;
    peak = std::max(peak, d.max_assigned);
  }
  return peak;
}

Result<Decimal> OverageCost(OverageBasis basis, uint32_t quota, Decimal unit_price,
                            const std::vector<SeatDay>& days, const std::string& first,
                            const std::string& last, int digits) {
  if (basis == OverageBasis::kPeak) {
    uint32_t peak = PeakAssigned(days, first, last);
    uint32_t over = peak > quota ? peak - quota : 0;
    return Times(Decimal::FromInt(over), unit_price, digits);
  }
  // Σ over the days of the period of the excess that day, walking the
  // changes once: a day without change keeps the previous day's end.
  int64_t excess_days = 0;
  uint32_t current = EndBefore(days, first);
  auto it = std::find_if(days.begin(), days.end(), [&](const SeatDay& d) { return d.date >= first; });
  const int64_t period_days = DaysInclusive(first, last);
  std::string day = first;
  for (int64_t i = 0; i < period_days; ++i, day = NextDay(day)) {
    uint32_t that_day = current;
    if (it != days.end() && it->date == day) {
      that_day = it->max_assigned;
      current = it->end_assigned;
      ++it;
    }
    if (that_day > quota) excess_days += that_day - quota;
  }
  return Share(unit_price, Decimal::FromInt(excess_days), Decimal::FromInt(period_days), digits);
}

Result<Decimal> RateUsage(Decimal used, Decimal included, UsageMode mode,
                          const std::vector<UsageTier>& tiers, Decimal unit_price, int digits) {
  auto billable = Minus(used, included);
  if (!billable.ok()) return billable.status();
  if (billable->is_negative() || billable->is_zero()) return Decimal();
  if (tiers.empty()) return Times(*billable, unit_price, digits);
  if (mode == UsageMode::kVolume) {
    for (const auto& t : tiers) {
      if (!t.up_to || *billable <= *t.up_to) return Times(*billable, t.unit_price, digits);
    }
    return Times(*billable, tiers.back().unit_price, digits);
  }
  // Graduated: each band at its own price, summed exactly, rounded once.
  Exact total{0, 0};
  Decimal below;  // the upper bound of the previous band
  for (const auto& t : tiers) {
    Decimal top = t.up_to ? std::min(*t.up_to, *billable) : *billable;
    if (top > below) {
      auto band = Minus(top, below);
      if (!band.ok()) return band.status();
      auto part = CheckedMul(Exact::Of(*band), Exact::Of(t.unit_price));
      if (!part) return Overflow();
      auto sum = CheckedAdd(total, *part);
      if (!sum) return Overflow();
      total = *sum;
    }
    if (!t.up_to || *t.up_to >= *billable) break;
    below = *t.up_to;
  }
  auto r = RoundExact(total, digits);
  if (!r) return Overflow();
  return *r;
}

}  // namespace ledger::domain
