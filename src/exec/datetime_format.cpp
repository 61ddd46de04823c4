#include "exec/datetime_format.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstring>

#include "base/civil_time.h"
#include "base/error.h"
#include "exec/calendar.h"

namespace floe::exec {

namespace {

using Kind = DateTimeFormat::Kind;
using Element = DateTimeFormat::Element;

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

bool starts_with_ci(std::string_view s, size_t p, std::string_view word) {
  if (s.size() - p < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char a = s[p + i], b = word[i];
    if ((a >= 'a' && a <= 'z' ? a - 32 : a) != (b >= 'a' && b <= 'z' ? b - 32 : b)) return false;
  }
  return true;
}

void add_literal(std::vector<Element>& out, std::string_view text) {
  if (!out.empty() && out.back().kind == Kind::kLiteral) {
    out.back().text += text;
    return;
  }
  out.push_back({Kind::kLiteral, 0, false, std::string(text)});
}

bool is_time_kind(Kind k) {
  switch (k) {
    case Kind::kHour24:
    case Kind::kHour12:
    case Kind::kAmPm:
    case Kind::kMinute:
    case Kind::kSecond:
    case Kind::kFraction:
    case Kind::kEpochSeconds: return true;
    default: return false;
  }
}

}  // namespace

DateTimeFormat DateTimeFormat::snowflake(std::string_view f, const char* fn) {
  if (f.empty()) throw InvalidInputError(fmt::format("{}: the format is empty", fn));
  DateTimeFormat out;
  auto& e = out.elements_;
  size_t p = 0;
  struct Word {
    std::string_view word;
    Kind kind;
    int width;
  };
  // Longest first where one element is a prefix of another.
  static constexpr Word kWords[] = {
      {"YYYY", Kind::kYear, 4},     {"YY", Kind::kYear2, 2},     {"MMMM", Kind::kMonthName, 0},
      {"MON", Kind::kMonthAbbr, 0}, {"MM", Kind::kMonth, 2},     {"MI", Kind::kMinute, 2},
      {"DDD", Kind::kDayOfYear, 3}, {"DD", Kind::kDay, 2},       {"DY", Kind::kDayAbbr, 0},
      {"HH24", Kind::kHour24, 2},   {"HH12", Kind::kHour12, 2},  {"HH", Kind::kHour24, 2},
      {"AM", Kind::kAmPm, 0},       {"PM", Kind::kAmPm, 0},      {"SS", Kind::kSecond, 2},
      {"TZH", Kind::kTzHour, 2},    {"TZM", Kind::kTzMinute, 2},
  };
  while (p < f.size()) {
    if (f[p] == '"') {
      size_t end = f.find('"', p + 1);
      if (end == std::string_view::npos)
        throw InvalidInputError(fmt::format("{}: unterminated quoted text in format '{}'", fn, f));
      if (end > p + 1) add_literal(e, f.substr(p + 1, end - p - 1));
      p = end + 1;
      continue;
    }
    if (starts_with_ci(f, p, "FF")) {
      p += 2;
      int digits = 9;
      if (p < f.size() && f[p] >= '0' && f[p] <= '9') digits = f[p++] - '0';
      e.push_back({Kind::kFraction, digits, false, {}});
      continue;
    }
    bool matched = false;
    for (const auto& w : kWords) {
      if (starts_with_ci(f, p, w.word)) {
        e.push_back({w.kind, w.width, f[p] >= 'A' && f[p] <= 'Z', {}});
        p += w.word.size();
        matched = true;
        break;
      }
    }
    if (!matched) add_literal(e, f.substr(p++, 1));
  }
  for (const auto& el : e) out.has_time_ |= is_time_kind(el.kind);
  return out;
}

DateTimeFormat DateTimeFormat::strftime(std::string_view f, const char* fn) {
  DateTimeFormat out;
  auto& e = out.elements_;
  for (size_t p = 0; p < f.size();) {
    if (f[p] != '%') {
      add_literal(e, f.substr(p++, 1));
      continue;
    }
    ++p;
    bool no_pad = p < f.size() && f[p] == '-';
    if (no_pad) ++p;
    if (p >= f.size())
      throw InvalidInputError(fmt::format("{}: format '{}' ends in the middle of a code", fn, f));
    char c = f[p++];
    auto num = [&](Kind k, int width) { e.push_back({k, no_pad ? 0 : width, false, {}}); };
    switch (c) {
      case 'a': e.push_back({Kind::kDayAbbr, 0, false, {}}); break;
      case 'A': e.push_back({Kind::kDayName, 0, false, {}}); break;
      case 'b':
      case 'h': e.push_back({Kind::kMonthAbbr, 0, false, {}}); break;
      case 'B': e.push_back({Kind::kMonthName, 0, false, {}}); break;
      case 'd': num(Kind::kDay, 2); break;
      case 'e': num(Kind::kDay, 0); break;
      case 'f': e.push_back({Kind::kFraction, 6, false, {}}); break;
      case 'g': e.push_back({Kind::kFraction, 3, false, {}}); break;
      case 'n': e.push_back({Kind::kFraction, 9, false, {}}); break;
      case 'H': num(Kind::kHour24, 2); break;
      case 'I': num(Kind::kHour12, 2); break;
      case 'j': num(Kind::kDayOfYear, 3); break;
      case 'm': num(Kind::kMonth, 2); break;
      case 'M': num(Kind::kMinute, 2); break;
      case 'p': e.push_back({Kind::kAmPm, 0, true, {}}); break;
      case 'S': num(Kind::kSecond, 2); break;
      case 'y': num(Kind::kYear2, 2); break;
      case 'Y': num(Kind::kYear, 4); break;
      case 'G': num(Kind::kIsoYear, 4); break;
      case 'z': e.push_back({Kind::kTzHourMinute, 0, false, {}}); break;
      case 'Z': e.push_back({Kind::kTzName, 0, false, {}}); break;
      case 'w': num(Kind::kWeekdaySunday0, 1); break;
      case 'u': num(Kind::kWeekdayIso, 1); break;
      case 'V': num(Kind::kIsoWeek, 2); break;
      case 'U': num(Kind::kWeekSunday, 2); break;
      case 'W': num(Kind::kWeekMonday, 2); break;
      case 's': e.push_back({Kind::kEpochSeconds, 0, false, {}}); break;
      case 'T':
      case 'X':
        num(Kind::kHour24, 2), add_literal(e, ":"), num(Kind::kMinute, 2), add_literal(e, ":"),
            num(Kind::kSecond, 2);
        break;
      case 'R': num(Kind::kHour24, 2), add_literal(e, ":"), num(Kind::kMinute, 2); break;
      case 'F':
      case 'x':
        num(Kind::kYear, 4), add_literal(e, "-"), num(Kind::kMonth, 2), add_literal(e, "-"),
            num(Kind::kDay, 2);
        break;
      case 'D':
        num(Kind::kMonth, 2), add_literal(e, "/"), num(Kind::kDay, 2), add_literal(e, "/"),
            num(Kind::kYear2, 2);
        break;
      case 'c':
        num(Kind::kYear, 4), add_literal(e, "-"), num(Kind::kMonth, 2), add_literal(e, "-"),
            num(Kind::kDay, 2), add_literal(e, " "), num(Kind::kHour24, 2), add_literal(e, ":"),
            num(Kind::kMinute, 2), add_literal(e, ":"), num(Kind::kSecond, 2);
        break;
      case '%': add_literal(e, "%"); break;
      case 't': add_literal(e, "\t"); break;
      default:
        throw InvalidInputError(fmt::format("{}: unknown format code '%{}' in '{}'", fn, c, f));
    }
  }
  for (const auto& el : e) out.has_time_ |= is_time_kind(el.kind);
  return out;
}

namespace {

void put_number(std::string& out, int64_t v, int width) {
  char buf[24];
  bool neg = v < 0;
  uint64_t u = neg ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  int n = 0;
  do {
    buf[n++] = char('0' + u % 10);
    u /= 10;
  } while (u);
  if (neg) out += '-';
  for (int i = n; i < width; ++i) out += '0';
  while (n) out += buf[--n];
}

void put_offset(std::string& out, int32_t offset, bool colon) {
  out += offset < 0 ? '-' : '+';
  int32_t a = offset < 0 ? -offset : offset;
  put_number(out, a / 3600, 2);
  if (colon) out += ':';
  put_number(out, a / 60 % 60, 2);
}

}  // namespace

void DateTimeFormat::format(int64_t micros, int32_t offset, std::string& out) const {
  const int64_t days = micros_to_days(micros);
  const int64_t tod = micros_time_of_day(micros);
  const CivilDate c = civil_from_days(days);
  const int64_t hour = tod / kMicrosPerHour;
  const int64_t frac = tod % kMicrosPerSecond;
  for (const Element& e : elements_) {
    switch (e.kind) {
      case Kind::kLiteral: out += e.text; break;
      case Kind::kYear: put_number(out, c.year, c.year >= 0 && c.year <= 9999 ? e.width : 0); break;
      case Kind::kYear2: put_number(out, floor_mod(c.year, 100), 2); break;
      case Kind::kMonth: put_number(out, c.month, e.width); break;
      case Kind::kMonthAbbr: out += kMonthNames[c.month - 1].substr(0, 3); break;
      case Kind::kMonthName: out += kMonthNames[c.month - 1]; break;
      case Kind::kDay: put_number(out, c.day, e.width); break;
      case Kind::kDayAbbr: out += kDayNames[size_t(weekday_sunday0(days))].substr(0, 3); break;
      case Kind::kDayName: out += kDayNames[size_t(weekday_sunday0(days))]; break;
      case Kind::kDayOfYear: put_number(out, day_of_year(days, c), e.width); break;
      case Kind::kHour24: put_number(out, hour, e.width); break;
      case Kind::kHour12: put_number(out, hour % 12 == 0 ? 12 : hour % 12, e.width); break;
      case Kind::kAmPm: out += hour < 12 ? "AM" : "PM"; break;
      case Kind::kMinute: put_number(out, tod / kMicrosPerMinute % 60, e.width); break;
      case Kind::kSecond: put_number(out, tod / kMicrosPerSecond % 60, e.width); break;
      case Kind::kFraction: {
        if (e.width == 0) break;
        int64_t v = frac;
        if (e.width < 6)
          for (int i = e.width; i < 6; ++i) v /= 10;
        else
          for (int i = 6; i < e.width; ++i) v *= 10;
        put_number(out, v, e.width);
        break;
      }
      case Kind::kTzHour: {
        out += offset < 0 ? '-' : '+';
        put_number(out, (offset < 0 ? -offset : offset) / 3600, 2);
        break;
      }
      case Kind::kTzMinute: put_number(out, (offset < 0 ? -offset : offset) / 60 % 60, 2); break;
      case Kind::kTzHourMinute: put_offset(out, offset, false); break;
      case Kind::kTzName:
        if (offset == 0)
          out += "UTC";
        else
          put_offset(out, offset, true);
        break;
      case Kind::kWeekdaySunday0: put_number(out, weekday_sunday0(days), 0); break;
      case Kind::kWeekdayIso: put_number(out, weekday_iso(days), 0); break;
      case Kind::kIsoWeek:
      case Kind::kIsoYear: {
        int64_t y;
        int w;
        iso_week(days, &y, &w);
        if (e.kind == Kind::kIsoWeek)
          put_number(out, w, e.width);
        else
          put_number(out, y, e.width);
        break;
      }
      case Kind::kWeekSunday:
      case Kind::kWeekMonday: {
        int yday = day_of_year(days, c) - 1;
        int wd = weekday_sunday0(days);
        if (e.kind == Kind::kWeekMonday) wd = (wd + 6) % 7;
        put_number(out, (yday + 7 - wd) / 7, e.width);
        break;
      }
      case Kind::kEpochSeconds:
        put_number(out, floor_div(micros - int64_t(offset) * kMicrosPerSecond, kMicrosPerSecond),
                   0);
        break;
    }
  }
}

namespace {

bool read_digits(std::string_view s, size_t& p, int max_digits, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (p < s.size() && n < max_digits && s[p] >= '0' && s[p] <= '9') {
    v = v * 10 + (s[p++] - '0');
    ++n;
  }
  *out = v;
  return n > 0;
}

// Index of the (full or three-letter) name at p, advancing p; -1 when none.
template <size_t N>
int read_name(std::string_view s, size_t& p, const std::array<std::string_view, N>& names,
              bool full) {
  for (size_t i = 0; i < N; ++i) {
    std::string_view w = full ? names[i] : names[i].substr(0, 3);
    if (starts_with_ci(s, p, w)) {
      p += w.size();
      return int(i);
    }
  }
  if (full)  // a full-name element also reads the abbreviation
    return read_name(s, p, names, false);
  return -1;
}

bool read_offset(std::string_view s, size_t& p, bool minutes, int32_t* out) {
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
    *out = 0;
    return true;
  }
  if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
  int sign = s[p++] == '-' ? -1 : 1;
  int64_t h, m = 0;
  if (!read_digits(s, p, 2, &h)) return false;
  if (minutes) {
    if (p < s.size() && s[p] == ':') ++p;
    if (!read_digits(s, p, 2, &m)) return false;
  }
  if (h > 18 || m > 59) return false;
  *out = int32_t(sign * (h * 3600 + m * 60));
  return true;
}

}  // namespace

std::optional<int64_t> DateTimeFormat::parse(std::string_view s,
                                             std::optional<int32_t>* offset) const {
  int64_t year = 1970, month = 1, day = 1, yday = -1, hour = 0, minute = 0, second = 0;
  int64_t frac_micros = 0;
  int ampm = -1;
  bool hour12 = false;
  std::optional<int64_t> epoch;
  int32_t tz_hours = 0, tz_minutes = 0;
  bool has_tz = false, tz_negative = false;
  size_t p = 0;
  for (const Element& e : elements_) {
    switch (e.kind) {
      case Kind::kLiteral:
        for (char c : e.text) {
          if (c == ' ') {  // a blank reads any run of blanks
            if (p >= s.size() || s[p] != ' ') return std::nullopt;
            while (p < s.size() && s[p] == ' ') ++p;
            continue;
          }
          if (p >= s.size() || s[p] != c) return std::nullopt;
          ++p;
        }
        break;
      case Kind::kYear: {
        bool neg = p < s.size() && s[p] == '-';
        if (neg) ++p;
        if (!read_digits(s, p, e.width == 0 ? 6 : 4, &year)) return std::nullopt;
        if (neg) year = -year;
        break;
      }
      case Kind::kYear2:
        if (!read_digits(s, p, 2, &year)) return std::nullopt;
        year += year < 70 ? 2000 : 1900;
        break;
      case Kind::kMonth:
        if (!read_digits(s, p, 2, &month)) return std::nullopt;
        break;
      case Kind::kMonthAbbr:
      case Kind::kMonthName: {
        int m = read_name(s, p, kMonthNames, e.kind == Kind::kMonthName);
        if (m < 0) return std::nullopt;
        month = m + 1;
        break;
      }
      case Kind::kDay:
        if (!read_digits(s, p, 2, &day)) return std::nullopt;
        break;
      case Kind::kDayAbbr:
      case Kind::kDayName:
        if (read_name(s, p, kDayNames, e.kind == Kind::kDayName) < 0) return std::nullopt;
        break;
      case Kind::kDayOfYear:
        if (!read_digits(s, p, 3, &yday)) return std::nullopt;
        break;
      case Kind::kHour24:
      case Kind::kHour12:
        if (!read_digits(s, p, 2, &hour)) return std::nullopt;
        hour12 |= e.kind == Kind::kHour12;
        break;
      case Kind::kAmPm:
        if (starts_with_ci(s, p, "AM"))
          ampm = 0;
        else if (starts_with_ci(s, p, "PM"))
          ampm = 1;
        else
          return std::nullopt;
        p += 2;
        break;
      case Kind::kMinute:
        if (!read_digits(s, p, 2, &minute)) return std::nullopt;
        break;
      case Kind::kSecond:
        if (!read_digits(s, p, 2, &second)) return std::nullopt;
        break;
      case Kind::kFraction: {
        if (e.width == 0) break;
        size_t start = p;
        int64_t v;
        if (!read_digits(s, p, e.width, &v)) return std::nullopt;
        int n = int(p - start);
        for (; n < 6; ++n) v *= 10;
        for (; n > 6; --n) v /= 10;
        frac_micros = v;
        break;
      }
      case Kind::kTzHour: {
        int32_t o;
        tz_negative = p < s.size() && s[p] == '-';
        if (!read_offset(s, p, false, &o)) return std::nullopt;
        tz_hours = o;
        has_tz = true;
        break;
      }
      case Kind::kTzMinute: {
        int64_t m;
        if (!read_digits(s, p, 2, &m) || m > 59) return std::nullopt;
        tz_minutes = int32_t(m * 60);
        break;
      }
      case Kind::kTzHourMinute: {
        int32_t o;
        if (!read_offset(s, p, true, &o)) return std::nullopt;
        tz_hours = o;
        has_tz = true;
        break;
      }
      case Kind::kTzName:
        if (starts_with_ci(s, p, "UTC") || starts_with_ci(s, p, "GMT"))
          p += 3;
        else if (p < s.size() && (s[p] == 'Z' || s[p] == 'z'))
          ++p;
        else
          return std::nullopt;
        has_tz = true;
        break;
      case Kind::kEpochSeconds: {
        bool neg = p < s.size() && s[p] == '-';
        if (neg) ++p;
        int64_t v;
        if (!read_digits(s, p, 12, &v)) return std::nullopt;
        epoch = (neg ? -v : v) * kMicrosPerSecond;
        break;
      }
      case Kind::kWeekdaySunday0:
      case Kind::kWeekdayIso:
      case Kind::kIsoWeek:
      case Kind::kIsoYear:
      case Kind::kWeekSunday:
      case Kind::kWeekMonday: {  // read but not used to place the date
        int64_t ignored;
        if (!read_digits(s, p, e.kind == Kind::kIsoYear ? 4 : 2, &ignored)) return std::nullopt;
        break;
      }
    }
  }
  if (p != s.size()) return std::nullopt;
  if (has_tz) {
    *offset = tz_hours + (tz_negative ? -tz_minutes : tz_minutes);
  } else {
    *offset = std::nullopt;
  }
  if (epoch) return *epoch;
  if (hour12 || ampm >= 0) {
    if (hour12 && (hour < 1 || hour > 12)) return std::nullopt;
    if (ampm >= 0) {
      if (hour > 12) return std::nullopt;
      hour = hour % 12 + (ampm == 1 ? 12 : 0);
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  if (year < -290000 || year > 290000) return std::nullopt;
  int64_t days;
  if (yday >= 0) {
    if (yday < 1 || yday > (is_leap_year(year) ? 366 : 365)) return std::nullopt;
    days = days_from_civil(year, 1, 1) + yday - 1;
  } else {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, unsigned(month)))
      return std::nullopt;
    days = days_from_civil(year, unsigned(month), unsigned(day));
  }
  return days * kMicrosPerDay + hour * kMicrosPerHour + minute * kMicrosPerMinute +
         second * kMicrosPerSecond + frac_micros;
}

namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The offset of a zone suffix ("Z", "+02:00", "-0530") parse_timestamp_micros accepted.
int32_t zone_suffix_offset(std::string_view s) {
  if (s.back() == 'Z' || s.back() == 'z') return 0;
  size_t at = s.find_last_of("+-");
  if (at == std::string_view::npos || at < 10) return 0;
  int sign = s[at] == '-' ? -1 : 1;
  int v[4] = {0, 0, 0, 0};
  int n = 0;
  for (size_t i = at + 1; i < s.size() && n < 4; ++i)
    if (s[i] >= '0' && s[i] <= '9') v[n++] = s[i] - '0';
  return sign * ((v[0] * 10 + v[1]) * 3600 + (v[2] * 10 + v[3]) * 60);
}

}  // namespace

std::optional<int64_t> parse_auto_timestamp(std::string_view text, std::optional<int32_t>* offset) {
  std::string_view s = trim_blanks(text);
  *offset = std::nullopt;
  if (s.empty()) return std::nullopt;
  bool digits = true;
  for (size_t i = s[0] == '-' ? 1 : 0; i < s.size(); ++i) digits &= s[i] >= '0' && s[i] <= '9';
  if (digits && s.size() > (s[0] == '-' ? 1u : 0u) && s.size() <= 20) {
    int64_t v;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc()) return std::nullopt;
    uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
    if (mag < 31536000000ULL) return v * kMicrosPerSecond;
    if (mag < 31536000000000ULL) return v * 1000;
    if (mag < 31536000000000000ULL) return v;
    return v / 1000;
  }
  bool had_zone = false;
  if (auto us = parse_timestamp_micros(s, &had_zone)) {
    if (!had_zone) return *us;
    int32_t o = zone_suffix_offset(s);
    *offset = o;
    return *us + int64_t(o) * kMicrosPerSecond;
  }
  static const DateTimeFormat kFallbacks[] = {
      DateTimeFormat::snowflake("MM/DD/YYYY", "auto"),
      DateTimeFormat::snowflake("MM/DD/YYYY HH24:MI:SS", "auto"),
      DateTimeFormat::snowflake("MM/DD/YYYY HH24:MI:SS.FF", "auto"),
      DateTimeFormat::snowflake("DD-MON-YYYY", "auto"),
      DateTimeFormat::snowflake("DD-MON-YYYY HH24:MI:SS", "auto"),
      DateTimeFormat::snowflake("DD-MON-YYYY HH24:MI:SS.FF", "auto"),
      DateTimeFormat::snowflake("YYYY/MM/DD", "auto"),
      DateTimeFormat::snowflake("YYYY/MM/DD HH24:MI:SS", "auto"),
  };
  for (const auto& f : kFallbacks)
    if (auto us = f.parse(s, offset)) return us;
  return std::nullopt;
}

}  // namespace floe::exec
