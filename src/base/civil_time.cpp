#include "base/civil_time.h"

#include <fmt/format.h>

namespace floe {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

namespace {

// Writes v as exactly `width` digits (v >= 0, fits), returns the end.
char* put_digits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = char('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

char* put_date(char* p, int64_t days) {
  CivilDate c = civil_from_days(days);
  if (c.year >= 0 && c.year <= 9999) {
    p = put_digits(p, c.year, 4);
  } else {
    auto r = fmt::format_to(p, "{}", c.year);
    p = r;
  }
  *p++ = '-';
  p = put_digits(p, c.month, 2);
  *p++ = '-';
  return put_digits(p, c.day, 2);
}

char* put_time(char* p, int64_t units, int64_t ups) {
  int64_t secs = floor_div(units, ups);
  int64_t frac = units - secs * ups;
  p = put_digits(p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits(p, (secs / 60) % 60, 2);
  *p++ = ':';
  p = put_digits(p, secs % 60, 2);
  if (frac != 0) {
    *p++ = '.';
    p = put_digits(p, frac, ups == 1000 ? 3 : ups == 1000000 ? 6 : 9);
  }
  return p;
}

}  // namespace

std::string format_date(int32_t days) {
  char buf[32];
  return std::string(buf, put_date(buf, days));
}

std::string format_time_of_day(int64_t units, int64_t ups) {
  char buf[48];
  return std::string(buf, put_time(buf, units, ups));
}

std::string format_timestamp(int64_t units, int64_t ups) {
  char buf[64];
  int64_t secs = floor_div(units, ups);
  int64_t frac = units - secs * ups;
  int64_t days = floor_div(secs, 86400);
  int64_t sod = secs - days * 86400;
  char* p = put_date(buf, days);
  *p++ = ' ';
  p = put_time(p, sod * ups + frac, ups);
  return std::string(buf, p);
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Parses YYYY-MM-DD at the start of s; returns chars consumed or 0.
size_t parse_date_prefix(std::string_view s, int32_t* days) {
  int64_t y, m, d;
  size_t p = 0;
  // 4-digit year, optionally more digits are not accepted.
  if (!digits(s, p, 4, &y)) return 0;
  p += 4;
  if (p >= s.size() || s[p] != '-') return 0;
  ++p;
  size_t mlen = (p + 1 < s.size() && s[p + 1] != '-') ? 2 : 1;
  if (!digits(s, p, mlen, &m)) return 0;
  p += mlen;
  if (p >= s.size() || s[p] != '-') return 0;
  ++p;
  size_t dlen = (p + 1 < s.size() && s[p + 1] >= '0' && s[p + 1] <= '9') ? 2 : 1;
  if (!digits(s, p, dlen, &d)) return 0;
  p += dlen;
  if (m < 1 || m > 12 || d < 1 || unsigned(d) > days_in_month(y, unsigned(m))) return 0;
  *days = int32_t(days_from_civil(y, unsigned(m), unsigned(d)));
  return p;
}

// Parses HH:MM[:SS[.fff...]] at the start; returns chars consumed or 0.
size_t parse_time_prefix(std::string_view s, int64_t* micros) {
  int64_t h, mi, sec = 0, frac = 0;
  size_t p = 0;
  size_t hlen = (s.size() > 1 && s[1] == ':') ? 1 : 2;
  if (!digits(s, 0, hlen, &h)) return 0;
  p = hlen;
  if (p >= s.size() || s[p] != ':') return 0;
  if (!digits(s, p + 1, 2, &mi)) return 0;
  p += 3;
  if (p < s.size() && s[p] == ':') {
    if (!digits(s, p + 1, 2, &sec)) return 0;
    p += 3;
    if (p < s.size() && s[p] == '.') {
      ++p;
      int n = 0;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (n < 6) frac = frac * 10 + (s[p] - '0');
        ++n;
        ++p;
      }
      if (n == 0) return 0;
      for (int i = n; i < 6; ++i) frac *= 10;
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return 0;
  *micros = ((h * 60 + mi) * 60 + sec) * 1000000 + frac;
  return p;
}

}  // namespace

std::optional<int32_t> parse_date(std::string_view s) {
  int32_t d;
  size_t n = parse_date_prefix(s, &d);
  if (n == 0 || n != s.size()) return std::nullopt;
  return d;
}

std::optional<int64_t> parse_time_micros(std::string_view s) {
  int64_t t;
  size_t n = parse_time_prefix(s, &t);
  if (n == 0 || n != s.size()) return std::nullopt;
  return t;
}

std::optional<int64_t> parse_timestamp_micros(std::string_view s, bool* had_zone) {
  int32_t d;
  size_t p = parse_date_prefix(s, &d);
  if (p == 0) return std::nullopt;
  int64_t result = int64_t(d) * 86400000000LL;
  if (had_zone) *had_zone = false;
  if (p == s.size()) return result;
  if (s[p] != ' ' && s[p] != 'T') return std::nullopt;
  ++p;
  int64_t t;
  size_t n = parse_time_prefix(s.substr(p), &t);
  if (n == 0) return std::nullopt;
  p += n;
  result += t;
  if (p == s.size()) return result;
  if (s[p] == ' ') ++p;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
    if (had_zone) *had_zone = true;
    return result;
  }
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    int64_t hh, mm = 0;
    if (!digits(s, p + 1, 2, &hh)) return std::nullopt;
    size_t q = p + 3;
    if (q < s.size() && s[q] == ':') ++q;
    if (q < s.size()) {
      if (!digits(s, q, 2, &mm)) return std::nullopt;
      q += 2;
    }
    if (q != s.size()) return std::nullopt;
    if (had_zone) *had_zone = true;
    return result - sign * (hh * 3600 + mm * 60) * 1000000;
  }
  return std::nullopt;
}

}  // namespace floe
