#include "exec/time_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "base/error.h"
#include "exec/calendar.h"

namespace floe::exec {

namespace {

// ---- POSIX TZ strings ----

struct TzCursor {
  std::string_view s;
  size_t p = 0;
  bool done() const { return p >= s.size(); }
  char peek() const { return done() ? '\0' : s[p]; }
};

bool parse_tz_name(TzCursor& c) {
  if (c.peek() == '<') {
    size_t end = c.s.find('>', c.p);
    if (end == std::string_view::npos) return false;
    c.p = end + 1;
    return true;
  }
  size_t start = c.p;
  while (!c.done() && ((c.peek() | 32) >= 'a' && (c.peek() | 32) <= 'z')) ++c.p;
  return c.p - start >= 3;
}

bool parse_number(TzCursor& c, int max_digits, int* out) {
  int v = 0, n = 0;
  while (!c.done() && c.peek() >= '0' && c.peek() <= '9' && n < max_digits) {
    v = v * 10 + (c.peek() - '0');
    ++c.p;
    ++n;
  }
  *out = v;
  return n > 0;
}

// [+-]hh[:mm[:ss]] in seconds.
bool parse_hms(TzCursor& c, int32_t* out) {
  int sign = 1;
  if (c.peek() == '+' || c.peek() == '-') {
    sign = c.peek() == '-' ? -1 : 1;
    ++c.p;
  }
  int h, m = 0, s = 0;
  if (!parse_number(c, 3, &h)) return false;
  if (c.peek() == ':') {
    ++c.p;
    if (!parse_number(c, 2, &m)) return false;
    if (c.peek() == ':') {
      ++c.p;
      if (!parse_number(c, 2, &s)) return false;
    }
  }
  *out = sign * (h * 3600 + m * 60 + s);
  return true;
}

bool parse_rule_date(TzCursor& c, PosixTzRule::Date* d) {
  if (c.peek() == 'M') {
    ++c.p;
    d->kind = 'M';
    if (!parse_number(c, 2, &d->a) || c.peek() != '.') return false;
    ++c.p;
    if (!parse_number(c, 1, &d->b) || c.peek() != '.') return false;
    ++c.p;
    if (!parse_number(c, 1, &d->c)) return false;
    if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6) return false;
  } else if (c.peek() == 'J') {
    ++c.p;
    d->kind = 'J';
    if (!parse_number(c, 3, &d->a) || d->a < 1 || d->a > 365) return false;
  } else {
    d->kind = 'N';
    if (!parse_number(c, 3, &d->a) || d->a > 365) return false;
  }
  if (c.peek() == '/') {
    ++c.p;
    if (!parse_hms(c, &d->time)) return false;
  }
  return true;
}

// Local seconds since the epoch at which the rule date falls in `year`.
int64_t rule_local_seconds(int64_t year, const PosixTzRule::Date& d) {
  int64_t day;
  if (d.kind == 'J') {
    day = days_from_civil(year, 1, 1) + d.a - 1;
    if (is_leap_year(year) && d.a >= 60) ++day;
  } else if (d.kind == 'N') {
    day = days_from_civil(year, 1, 1) + d.a;
  } else {
    int64_t first = days_from_civil(year, unsigned(d.a), 1);
    int64_t offset = floor_mod(d.c - weekday_sunday0(first), 7);
    day = first + offset + int64_t(d.b - 1) * 7;
    while (day >= first + days_in_month(year, unsigned(d.a))) day -= 7;
  }
  return day * 86400 + d.time;
}

}  // namespace

bool PosixTzRule::parse(std::string_view s) {
  TzCursor c{s};
  if (!parse_tz_name(c)) return false;
  int32_t std_west;
  if (!parse_hms(c, &std_west)) return false;
  std_offset = -std_west;
  if (c.done()) return true;
  if (!parse_tz_name(c)) return false;
  has_dst = true;
  dst_offset = std_offset + 3600;
  if (!c.done() && c.peek() != ',') {
    int32_t dst_west;
    if (!parse_hms(c, &dst_west)) return false;
    dst_offset = -dst_west;
  }
  if (c.done()) {  // no rule: the US rules POSIX assumes
    start = {'M', 3, 2, 0, 7200};
    end = {'M', 11, 1, 0, 7200};
    return true;
  }
  if (c.peek() != ',') return false;
  ++c.p;
  if (!parse_rule_date(c, &start) || c.peek() != ',') return false;
  ++c.p;
  if (!parse_rule_date(c, &end)) return false;
  return c.done();
}

int32_t PosixTzRule::offset_at(int64_t utc_seconds) const {
  if (!has_dst) return std_offset;
  int64_t year = civil_from_days(floor_div(utc_seconds + std_offset, 86400)).year;
  // Switch instants in UTC: the start is given in standard time, the end in daylight time.
  int64_t on = rule_local_seconds(year, start) - std_offset;
  int64_t off = rule_local_seconds(year, end) - dst_offset;
  bool dst = on < off ? (utc_seconds >= on && utc_seconds < off)
                      : (utc_seconds < off || utc_seconds >= on);
  return dst ? dst_offset : std_offset;
}

namespace {

// ---- TZif ----

struct TzifReader {
  std::string_view b;
  size_t p = 0;
  const std::string& name;

  void need(size_t n) const {
    if (b.size() - p < n || p > b.size())
      throw InvalidInputError(fmt::format("time zone file of '{}' is truncated", name));
  }
  uint32_t u32() {
    need(4);
    auto u = reinterpret_cast<const unsigned char*>(b.data() + p);
    p += 4;
    return uint32_t(u[0]) << 24 | uint32_t(u[1]) << 16 | uint32_t(u[2]) << 8 | u[3];
  }
  int64_t i64() {
    uint64_t hi = u32();
    return int64_t(hi << 32 | u32());
  }
  uint8_t u8() {
    need(1);
    return uint8_t(b[p++]);
  }
};

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

TzifHeader read_header(TzifReader& r) {
  r.need(44);
  if (r.b.substr(r.p, 4) != "TZif")
    throw InvalidInputError(fmt::format("'{}' is not a time zone file", r.name));
  TzifHeader h;
  h.version = r.b[r.p + 4];
  r.p += 20;
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  if (h.typecnt == 0 || h.typecnt > 256 || h.timecnt > 100000 || h.charcnt > 100000 ||
      h.leapcnt > 100000 || (h.isutcnt != 0 && h.isutcnt != h.typecnt) ||
      (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
    throw InvalidInputError(fmt::format("time zone file of '{}' has a bad header", r.name));
  return h;
}

size_t block_size(const TzifHeader& h, size_t time_size) {
  return h.timecnt * time_size + h.timecnt + h.typecnt * 6 + h.charcnt +
         h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes) {
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = name;
  TzifReader r{bytes, 0, tz->name_};
  TzifHeader h = read_header(r);
  size_t time_size = 4;
  if (h.version >= '2') {  // skip the 32-bit block for the 64-bit one
    r.need(block_size(h, 4));
    r.p += block_size(h, 4);
    h = read_header(r);
    time_size = 8;
  }
  r.need(block_size(h, time_size));
  std::vector<int64_t> times(h.timecnt);
  for (auto& t : times) t = time_size == 8 ? r.i64() : int64_t(int32_t(r.u32()));
  std::vector<uint8_t> idx(h.timecnt);
  for (auto& i : idx) {
    i = r.u8();
    if (i >= h.typecnt)
      throw InvalidInputError(fmt::format("time zone file of '{}' has a bad type index", name));
  }
  std::vector<int32_t> utoff(h.typecnt);
  for (auto& o : utoff) {
    o = int32_t(r.u32());
    r.p += 2;  // isdst, desigidx
    if (o < -89999 || o > 93599)
      throw InvalidInputError(fmt::format("time zone file of '{}' has a bad offset", name));
  }
  r.p += h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
  for (size_t i = 1; i < times.size(); ++i)
    if (times[i] <= times[i - 1])
      throw InvalidInputError(fmt::format("time zone file of '{}' is out of order", name));
  tz->transitions_ = std::move(times);
  tz->offsets_.reserve(idx.size());
  for (uint8_t i : idx) tz->offsets_.push_back(utoff[i]);
  tz->initial_offset_ = utoff[0];
  if (time_size == 8 && r.p < bytes.size() && bytes[r.p] == '\n') {
    size_t end = bytes.find('\n', r.p + 1);
    if (end != std::string_view::npos && end > r.p + 1) {
      std::string_view footer = bytes.substr(r.p + 1, end - r.p - 1);
      tz->has_rule_ = tz->rule_.parse(footer);
    }
  }
  return tz;
}

std::shared_ptr<const TimeZone> TimeZone::fixed(std::string name, int32_t offset_seconds) {
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = std::move(name);
  tz->initial_offset_ = offset_seconds;
  return tz;
}

int32_t TimeZone::offset_at_utc(int64_t utc_seconds) const {
  if (transitions_.empty()) return has_rule_ ? rule_.offset_at(utc_seconds) : initial_offset_;
  if (utc_seconds < transitions_.front()) return initial_offset_;
  if (utc_seconds >= transitions_.back() && has_rule_) return rule_.offset_at(utc_seconds);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offsets_[size_t(it - transitions_.begin()) - 1];
}

int32_t TimeZone::offset_for_local(int64_t local_seconds) const {
  // Transitions are far more than a day apart: the offsets a day before and after are the
  // only candidates.
  int32_t before = offset_at_utc(local_seconds - 86400);
  int32_t after = offset_at_utc(local_seconds + 86400);
  if (offset_at_utc(local_seconds - before) == before) return before;
  if (offset_at_utc(local_seconds - after) == after) return after;
  return before;
}

namespace {

// "+05:30", "-0800", "+5", "UTC+2", "GMT-03:00" as seconds east of UTC.
bool parse_fixed_offset(std::string_view s, int32_t* out) {
  for (std::string_view prefix : {"UTC", "GMT", "utc", "gmt"})
    if (s.starts_with(prefix)) s.remove_prefix(prefix.size());
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return false;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int h = 0, m = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  while (i < s.size() && i < 2 && digit(s[i])) h = h * 10 + (s[i++] - '0');
  if (i == 0) return false;
  if (i < s.size() && s[i] == ':') ++i;
  if (i < s.size()) {
    if (s.size() - i != 2 || !digit(s[i]) || !digit(s[i + 1])) return false;
    m = (s[i] - '0') * 10 + (s[i + 1] - '0');
  }
  if (h > 18 || m > 59) return false;
  *out = sign * (h * 3600 + m * 60);
  return true;
}

bool valid_zone_name(std::string_view s) {
  if (s.empty() || s.size() > 128 || s[0] == '/' || s.find("..") != std::string_view::npos)
    return false;
  for (char c : s)
    if (!((c | 32) >= 'a' && (c | 32) <= 'z') && !(c >= '0' && c <= '9') && c != '/' && c != '_' &&
        c != '-' && c != '+')
      return false;
  return true;
}

std::shared_ptr<const TimeZone> load(std::string_view name) {
  if (name == "UTC" || name == "GMT" || name == "Z" || name == "utc" || name == "Etc/UTC")
    return TimeZone::fixed(std::string(name), 0);
  int32_t off;
  if (parse_fixed_offset(name, &off)) return TimeZone::fixed(std::string(name), off);
  if (!valid_zone_name(name)) throw InvalidInputError(fmt::format("unknown time zone '{}'", name));
  const char* dir = std::getenv("TZDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInputError(fmt::format("unknown time zone '{}'", name));
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string bytes = buf.str();
  if (bytes.size() > (1 << 20))
    throw InvalidInputError(fmt::format("time zone file of '{}' is too large", name));
  return TimeZone::from_tzif(std::string(name), bytes);
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
  }
  auto tz = load(name);  // outside the lock: file reads do not serialise lookups
  std::lock_guard<std::mutex> lock(mu);
  return cache.emplace(std::string(name), tz).first->second;
}

}  // namespace floe::exec
