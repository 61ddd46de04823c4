// Calendar pieces the date/time functions share on top of base/civil_time.h: splitting a
// timestamp into day and time of day, weekdays, ISO weeks, month lengths, adding months.
// Layer: exec (private to the function library). Timestamps are int64 microseconds.
#pragma once

#include <cstdint>

#include "base/civil_time.h"

namespace floe::exec {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return q - ((a % b != 0) && ((a < 0) != (b < 0)));
}
inline int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

inline bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
inline unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday).
inline int weekday_sunday0(int64_t days) { return int(floor_mod(days + 4, 7)); }
// 1 = Monday .. 7 = Sunday.
inline int weekday_iso(int64_t days) { return int(floor_mod(days + 3, 7)) + 1; }
// The Monday starting the week of `days`.
inline int64_t week_start_monday(int64_t days) { return days - (weekday_iso(days) - 1); }

inline int day_of_year(int64_t days, const CivilDate& c) {
  return int(days - days_from_civil(c.year, 1, 1)) + 1;
}

// ISO 8601 week number (1..53) and the year it belongs to.
inline void iso_week(int64_t days, int64_t* iso_year, int* week) {
  int64_t thursday = days + (4 - weekday_iso(days));
  int64_t y = civil_from_days(thursday).year;
  *iso_year = y;
  *week = int((thursday - days_from_civil(y, 1, 1)) / 7) + 1;
}

// `days` moved by `months`, the day clamped to the new month's length; with
// `keep_month_end`, the last day of a month stays the last day (ADD_MONTHS).
inline int64_t add_months_to_days(int64_t days, int64_t months, bool keep_month_end) {
  CivilDate c = civil_from_days(days);
  int64_t total = c.year * 12 + int64_t(c.month) - 1 + months;
  int64_t y = floor_div(total, 12);
  unsigned m = unsigned(total - y * 12) + 1;
  unsigned last = days_in_month(y, m);
  unsigned d = c.day;
  if (keep_month_end && c.day == days_in_month(c.year, c.month)) d = last;
  if (d > last) d = last;
  return days_from_civil(y, m, d);
}

inline int64_t micros_to_days(int64_t us) { return floor_div(us, kMicrosPerDay); }
inline int64_t micros_time_of_day(int64_t us) { return floor_mod(us, kMicrosPerDay); }

}  // namespace floe::exec
