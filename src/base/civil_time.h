// Calendar arithmetic (proleptic Gregorian, UTC) for dates and timestamps held as
// counts since 1970-01-01, and their ISO-8601 text forms. Layer: base.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace floe {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
CivilDate civil_from_days(int64_t days);

// "2024-03-01"
std::string format_date(int32_t days);
// "12:34:56" plus ".ffffff" (or 9 digits for nanos) when the fraction is non-zero.
std::string format_time_of_day(int64_t units, int64_t units_per_second);
// "2024-03-01 12:34:56[.ffffff]"
std::string format_timestamp(int64_t units, int64_t units_per_second);

// Parsers for the ISO forms (also accepting 'T' between date and time, a trailing 'Z'
// or +hh:mm offset for timestamps). Return nullopt when the text is not of that form.
std::optional<int32_t> parse_date(std::string_view s);
std::optional<int64_t> parse_time_micros(std::string_view s);
// Sets *had_zone when an explicit zone was given (the value is then shifted to UTC).
std::optional<int64_t> parse_timestamp_micros(std::string_view s, bool* had_zone = nullptr);

}  // namespace floe
