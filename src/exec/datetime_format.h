// Date and time format strings, compiled once and applied to whole columns: Snowflake's
// format models (YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM, MON, MMMM, DY, HH12 AM, "quoted text")
// for TO_CHAR/TO_DATE/TO_TIMESTAMP, and strftime/strptime %-codes as DuckDB has them.
// Layer: exec.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exec/scalar_function.h"

namespace floe::exec {

class DateTimeFormat {
 public:
  // Throws InvalidInputError naming `fn` when the format has an element it does not know
  // (strftime) or is empty.
  static DateTimeFormat snowflake(std::string_view format, const char* fn);
  static DateTimeFormat strftime(std::string_view format, const char* fn);

  // Appends the wall-clock time `micros` (since the epoch) whose zone is `offset_seconds`
  // east of UTC (for TZH:TZM, %z).
  void format(int64_t micros, int32_t offset_seconds, std::string& out) const;

  // Parses all of `text`: the wall-clock micros, and in *offset the zone offset when the
  // text had one (else nullopt). nullopt when the text does not match the format.
  std::optional<int64_t> parse(std::string_view text, std::optional<int32_t>* offset) const;

  bool has_time() const { return has_time_; }

  enum class Kind : uint8_t {
    kLiteral,
    kYear,
    kYear2,
    kMonth,
    kMonthAbbr,
    kMonthName,
    kDay,
    kDayAbbr,
    kDayName,
    kDayOfYear,
    kHour24,
    kHour12,
    kAmPm,
    kMinute,
    kSecond,
    kFraction,
    kTzHour,
    kTzMinute,
    kTzHourMinute,
    kTzName,
    kWeekdaySunday0,
    kWeekdayIso,
    kIsoWeek,
    kIsoYear,
    kEpochSeconds,
    kWeekSunday,
    kWeekMonday,
  };
  struct Element {
    Kind kind;
    int width = 0;       // digits for numbers (0 = not padded), fraction digits
    bool upper = false;  // names in capitals (MON vs Mon)
    std::string text;    // kLiteral
  };

 private:
  std::vector<Element> elements_;
  bool has_time_ = false;
};

// A format argument of a kernel: compiled once when constant, else again only when the text
// changes from the row before.
class FormatArg {
 public:
  enum class Style { kSnowflake, kStrftime };
  FormatArg(const ScalarArgs& a, size_t i, Style style, const char* fn)
      : col_(i < a.columns.size() ? a.columns[i] : nullptr), style_(style), fn_(fn) {}
  const DateTimeFormat& at(int64_t i) {
    std::string_view f = col_->string_at(i);
    if (!current_ || f != text_) {
      current_ = style_ == Style::kSnowflake ? DateTimeFormat::snowflake(f, fn_)
                                             : DateTimeFormat::strftime(f, fn_);
      text_.assign(f);
    }
    return *current_;
  }
  bool present() const { return col_ != nullptr; }
  std::string_view text(int64_t i) const { return col_->string_at(i); }

 private:
  const columnar::Column* col_;
  Style style_;
  const char* fn_;
  std::string text_;
  std::optional<DateTimeFormat> current_;
};

// Snowflake's AUTO detection for text without a format: ISO 8601 dates and timestamps
// (with an optional zone offset, returned in *offset), MM/DD/YYYY and DD-MON-YYYY with an
// optional time, and integers as seconds, milliseconds, microseconds or nanoseconds since
// the epoch by their size. Returns wall-clock micros; nullopt when nothing matches.
std::optional<int64_t> parse_auto_timestamp(std::string_view text, std::optional<int32_t>* offset);

}  // namespace floe::exec
