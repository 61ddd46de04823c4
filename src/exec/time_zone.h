// IANA time zones for CONVERT_TIMEZONE and the zone-aware formats: the TZif files (RFC 8536)
// under /usr/share/zoneinfo (or $TZDIR), their POSIX TZ footer rule for instants past the
// last transition, and fixed offsets. Layer: exec. Zones are loaded once and shared;
// lookups are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace floe::exec {

// A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"): standard and daylight offsets and the
// yearly switch dates.
struct PosixTzRule {
  struct Date {
    char kind = 0;  // 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month.week.weekday)
    int a = 0, b = 0, c = 0;
    int32_t time = 7200;  // seconds after local midnight
  };
  int32_t std_offset = 0;  // seconds east of UTC
  int32_t dst_offset = 0;
  bool has_dst = false;
  Date start, end;

  // Parses a TZ string; false when it is not one.
  bool parse(std::string_view s);
  int32_t offset_at(int64_t utc_seconds) const;
};

class TimeZone {
 public:
  // "UTC", "GMT", "Z", a fixed offset ("+05:30", "-0800", "UTC+2"), or an IANA name
  // ("America/New_York"). Throws InvalidInputError for an unknown zone or a bad file.
  static std::shared_ptr<const TimeZone> find(std::string_view name);

  const std::string& name() const { return name_; }
  // Seconds east of UTC at the UTC instant.
  int32_t offset_at_utc(int64_t utc_seconds) const;
  // Seconds east of UTC for a local wall-clock time: in an overlap the earlier instant's
  // offset, in a gap the offset before it (so the wall time moves forward by the gap).
  int32_t offset_for_local(int64_t local_seconds) const;

  // Parses TZif bytes (exposed for tests).
  static std::shared_ptr<const TimeZone> from_tzif(std::string name, std::string_view bytes);
  static std::shared_ptr<const TimeZone> fixed(std::string name, int32_t offset_seconds);

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
  bool has_rule_ = false;
  PosixTzRule rule_;  // after the last transition
};

}  // namespace floe::exec
