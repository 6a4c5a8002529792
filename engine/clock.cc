#include "engine/clock.h"

#include <fmt/format.h>

#include <charconv>

namespace ledger {
namespace {

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

unsigned DaysInMonth(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool ParseDate(std::string_view t, int* y, unsigned* m, unsigned* d) {
  int yy, mm, dd;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  if (!ParseInt(t.substr(0, 4), &yy) || !ParseInt(t.substr(5, 2), &mm) ||
      !ParseInt(t.substr(8, 2), &dd)) {
    return false;
  }
  if (mm < 1 || mm > 12 || dd < 1 || static_cast<unsigned>(dd) > DaysInMonth(yy, mm)) return false;
  *y = yy;
  *m = static_cast<unsigned>(mm);
  *d = static_cast<unsigned>(dd);
  return true;
}

}  // namespace

std::string IsoDate(int64_t micros) {
  int64_t days = micros / 86'400'000'000LL;
  if (micros < 0 && micros % 86'400'000'000LL != 0) --days;
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string IsoTimestamp(int64_t micros) {
  int64_t day_us = 86'400'000'000LL;
  int64_t days = micros / day_us;
  int64_t rem = micros % day_us;
  if (rem < 0) {
    rem += day_us;
    --days;
  }
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t secs = rem / 1'000'000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", y, m, d, secs / 3600,
                     (secs / 60) % 60, secs % 60, rem % 1'000'000);
}

bool IsIsoDate(std::string_view text) {
  int y;
  unsigned m, d;
  return ParseDate(text, &y, &m, &d);
}

Status CheckIsoDate(std::string_view text, std::string_view field) {
  if (IsIsoDate(text)) return Status::Ok();
  return Status::Malformed(std::string(field) + " must be a date YYYY-MM-DD");
}

bool ParseTimestamp(std::string_view t, int64_t* micros) {
  int y;
  unsigned mo, d;
  if (t.size() < 10 || !ParseDate(t.substr(0, 10), &y, &mo, &d)) return false;
  int64_t us = DaysFromCivil(y, mo, d) * 86'400'000'000LL;
  if (t.size() == 10) {
    *micros = us;
    return true;
  }
  if (t.size() < 20 || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' ||
      t[16] != ':') {
    return false;
  }
  int hh, mi, ss;
  if (!ParseInt(t.substr(11, 2), &hh) || !ParseInt(t.substr(14, 2), &mi) ||
      !ParseInt(t.substr(17, 2), &ss) || hh > 23 || mi > 59 || ss > 60) {
    return false;
  }
  us += (hh * 3600LL + mi * 60LL + ss) * 1'000'000LL;
  size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int64_t frac = 0;
    int n = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (n < 6) {
        frac = frac * 10 + (t[i] - '0');
        ++n;
      }
      ++i;
    }
    if (n == 0) return false;
    while (n < 6) {
      frac *= 10;
      ++n;
    }
    us += frac;
  }
  if (i >= t.size()) return false;
  if (t[i] == 'Z' || t[i] == 'z') {
    if (i + 1 != t.size()) return false;
  } else if (t[i] == '+' || t[i] == '-') {
    int oh, om;
    if (t.size() != i + 6 || t[i + 3] != ':' || !ParseInt(t.substr(i + 1, 2), &oh) ||
        !ParseInt(t.substr(i + 4, 2), &om)) {
      return false;
    }
    int64_t off = (oh * 3600LL + om * 60LL) * 1'000'000LL;
    us += t[i] == '+' ? -off : off;
  } else {
    return false;
  }
  *micros = us;
  return true;
}

}  // namespace ledger
