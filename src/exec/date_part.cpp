#include "exec/date_part.h"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "base/error.h"

namespace floe::exec {

namespace {

struct PartName {
  std::string_view name;
  DatePart part;
};

// Snowflake's names and abbreviations, plus DuckDB's where they differ (isodow, isoyear).
constexpr PartName kParts[] = {
    {"year", DatePart::kYear},
    {"y", DatePart::kYear},
    {"yy", DatePart::kYear},
    {"yyy", DatePart::kYear},
    {"yyyy", DatePart::kYear},
    {"yr", DatePart::kYear},
    {"years", DatePart::kYear},
    {"yrs", DatePart::kYear},
    {"quarter", DatePart::kQuarter},
    {"q", DatePart::kQuarter},
    {"qtr", DatePart::kQuarter},
    {"qtrs", DatePart::kQuarter},
    {"quarters", DatePart::kQuarter},
    {"month", DatePart::kMonth},
    {"mm", DatePart::kMonth},
    {"mon", DatePart::kMonth},
    {"mons", DatePart::kMonth},
    {"months", DatePart::kMonth},
    {"week", DatePart::kWeek},
    {"w", DatePart::kWeek},
    {"wk", DatePart::kWeek},
    {"weekofyear", DatePart::kWeek},
    {"woy", DatePart::kWeek},
    {"wy", DatePart::kWeek},
    {"weeks", DatePart::kWeek},
    {"weekiso", DatePart::kWeekIso},
    {"week_iso", DatePart::kWeekIso},
    {"weekofyeariso", DatePart::kWeekIso},
    {"weekofyear_iso", DatePart::kWeekIso},
    {"day", DatePart::kDay},
    {"d", DatePart::kDay},
    {"dd", DatePart::kDay},
    {"days", DatePart::kDay},
    {"dayofmonth", DatePart::kDay},
    {"dayofweek", DatePart::kDayOfWeek},
    {"weekday", DatePart::kDayOfWeek},
    {"dow", DatePart::kDayOfWeek},
    {"dw", DatePart::kDayOfWeek},
    {"dayofweekiso", DatePart::kDayOfWeekIso},
    {"weekday_iso", DatePart::kDayOfWeekIso},
    {"dow_iso", DatePart::kDayOfWeekIso},
    {"dw_iso", DatePart::kDayOfWeekIso},
    {"isodow", DatePart::kDayOfWeekIso},
    {"dayofyear", DatePart::kDayOfYear},
    {"yearday", DatePart::kDayOfYear},
    {"doy", DatePart::kDayOfYear},
    {"dy", DatePart::kDayOfYear},
    {"yearofweek", DatePart::kYearOfWeek},
    {"yearofweekiso", DatePart::kYearOfWeekIso},
    {"isoyear", DatePart::kYearOfWeekIso},
    {"hour", DatePart::kHour},
    {"h", DatePart::kHour},
    {"hh", DatePart::kHour},
    {"hr", DatePart::kHour},
    {"hours", DatePart::kHour},
    {"hrs", DatePart::kHour},
    {"minute", DatePart::kMinute},
    {"m", DatePart::kMinute},
    {"mi", DatePart::kMinute},
    {"min", DatePart::kMinute},
    {"minutes", DatePart::kMinute},
    {"mins", DatePart::kMinute},
    {"second", DatePart::kSecond},
    {"s", DatePart::kSecond},
    {"sec", DatePart::kSecond},
    {"seconds", DatePart::kSecond},
    {"secs", DatePart::kSecond},
    {"millisecond", DatePart::kMillisecond},
    {"ms", DatePart::kMillisecond},
    {"msec", DatePart::kMillisecond},
    {"milliseconds", DatePart::kMillisecond},
    {"microsecond", DatePart::kMicrosecond},
    {"us", DatePart::kMicrosecond},
    {"usec", DatePart::kMicrosecond},
    {"microseconds", DatePart::kMicrosecond},
    {"nanosecond", DatePart::kNanosecond},
    {"ns", DatePart::kNanosecond},
    {"nsec", DatePart::kNanosecond},
    {"nanosec", DatePart::kNanosecond},
    {"nsecond", DatePart::kNanosecond},
    {"nanoseconds", DatePart::kNanosecond},
    {"nanosecs", DatePart::kNanosecond},
    {"nseconds", DatePart::kNanosecond},
    {"epoch_second", DatePart::kEpochSecond},
    {"epoch", DatePart::kEpochSecond},
    {"epoch_seconds", DatePart::kEpochSecond},
    {"epoch_millisecond", DatePart::kEpochMillisecond},
    {"epoch_milliseconds", DatePart::kEpochMillisecond},
    {"epoch_microsecond", DatePart::kEpochMicrosecond},
    {"epoch_microseconds", DatePart::kEpochMicrosecond},
    {"epoch_nanosecond", DatePart::kEpochNanosecond},
    {"epoch_nanoseconds", DatePart::kEpochNanosecond},
    {"timezone_hour", DatePart::kTimezoneHour},
    {"tzh", DatePart::kTimezoneHour},
    {"timezone_minute", DatePart::kTimezoneMinute},
    {"tzm", DatePart::kTimezoneMinute},
};

}  // namespace

DatePart parse_date_part(std::string_view name, const char* fn) {
  char lower[32];
  if (name.size() < sizeof(lower)) {
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      lower[i] = c >= 'A' && c <= 'Z' ? char(c + 32) : c;
    }
    std::string_view l(lower, name.size());
    for (const auto& p : kParts)
      if (p.name == l) return p.part;
  }
  throw InvalidInputError(fmt::format("{}: unknown date part '{}'", fn, name));
}

std::string_view date_part_name(DatePart p) {
  for (const auto& n : kParts)
    if (n.part == p) return n.name;
  return "?";
}

}  // namespace floe::exec
