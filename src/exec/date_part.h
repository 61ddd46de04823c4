// The date and time parts that DATE_TRUNC, DATEADD, DATEDIFF, DATE_PART and LAST_DAY take
// as their first argument, with Snowflake's names and abbreviations. Layer: exec.
#pragma once

#include <cstdint>
#include <string_view>

namespace floe::exec {

enum class DatePart : uint8_t {
  kYear,
  kQuarter,
  kMonth,
  kWeek,  // ISO week number; weeks start on Monday
  kWeekIso,
  kDay,
  kDayOfWeek,     // 0 = Sunday .. 6 = Saturday
  kDayOfWeekIso,  // 1 = Monday .. 7 = Sunday
  kDayOfYear,
  kYearOfWeek,  // the year of the ISO week
  kYearOfWeekIso,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,  // within the second
  kMicrosecond,
  kNanosecond,
  kEpochSecond,
  kEpochMillisecond,
  kEpochMicrosecond,
  kEpochNanosecond,
  kTimezoneHour,
  kTimezoneMinute,
};

// Parses a part name case-insensitively (year, yy, mon, dd, h, hh, mi, s, ms, ...).
// Throws InvalidInputError "`fn`: unknown date part 'x'".
DatePart parse_date_part(std::string_view name, const char* fn);

std::string_view date_part_name(DatePart p);

// True for the parts below a day (hour .. nanosecond).
inline bool is_time_part(DatePart p) {
  return p == DatePart::kHour || p == DatePart::kMinute || p == DatePart::kSecond ||
         p == DatePart::kMillisecond || p == DatePart::kMicrosecond || p == DatePart::kNanosecond;
}

}  // namespace floe::exec
