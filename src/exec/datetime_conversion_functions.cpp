// Conversions into and out of dates and timestamps: TO_DATE, TO_TIMESTAMP(_NTZ/_TZ) and
// their TRY_ forms (Snowflake formats or AUTO detection; integers as epoch seconds),
// DATE_FROM_PARTS / TIMESTAMP_FROM_PARTS / TIME_FROM_PARTS (out-of-range parts carry over,
// as Snowflake), STRFTIME/STRPTIME (DuckDB's %-codes), EPOCH_MS and CONVERT_TIMEZONE with
// IANA zones. Wall-clock results are TIMESTAMP; TIMESTAMPTZ values are UTC instants.
#include "columnar/column_cast.h"
#include "exec/calendar.h"
#include "exec/column_builder.h"
#include "exec/datetime_format.h"
#include "exec/function_library.h"
#include "exec/time_zone.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

[[noreturn]] void not_a(const char* fn, std::string_view text, const char* what) {
  throw InvalidInputError(fmt::format("{}: '{}' is not a {}", fn, text, what));
}

[[noreturn]] void no_match(const char* fn, std::string_view text, std::string_view format) {
  throw InvalidInputError(fmt::format("{}: '{}' does not match the format '{}'", fn, text, format));
}

bool is_auto(std::string_view f) {
  return f.size() == 4 && (f[0] | 32) == 'a' && (f[1] | 32) == 'u' && (f[2] | 32) == 't' &&
         (f[3] | 32) == 'o';
}

// Text to wall-clock micros with an optional offset: with the format when given (AUTO
// means none), else by AUTO detection.
std::optional<int64_t> parse_text(std::string_view s, FormatArg& fmt, int64_t i,
                                  std::optional<int32_t>* offset) {
  if (!fmt.present() || is_auto(fmt.text(i))) return parse_auto_timestamp(s, offset);
  return fmt.at(i).parse(s, offset);
}

// TO_DATE(text[, format]); kTry makes a value that does not parse NULL.
template <bool kTry>
Column to_date_text_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? "try_to_date" : "to_date";
  const Column& s = *a.columns[0];
  FormatArg fmt(a, 1, FormatArg::Style::kSnowflake, fn);
  return map_fixed_or_null<int32_t>(a.columns, a.rows, rt, [&](int64_t i, int32_t* out) {
    std::string_view v = s.string_at(i);
    std::optional<int32_t> offset;
    auto us = parse_text(v, fmt, i, &offset);
    if (!us) {
      if (kTry) return false;
      if (fmt.present() && !is_auto(fmt.text(i))) no_match(fn, v, fmt.text(i));
      not_a(fn, v, "date");
    }
    *out = int32_t(micros_to_days(*us));
    return true;
  });
}

Column timestamp_to_date_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* x = a.columns[0]->values<int64_t>();
  return map_fixed<int32_t>(a.columns, a.rows, rt,
                            [&](int64_t i) { return int32_t(micros_to_days(x[i])); });
}

Column identity_kernel(const ScalarArgs& a, const DataType&) { return a.columns[0]->copy(); }

// TO_TIMESTAMP(text[, format]): the wall-clock time written (a zone offset is dropped, as
// Snowflake's NTZ does); TO_TIMESTAMP_TZ: the instant (a text without offset is UTC).
template <bool kTry, bool kTz>
Column to_timestamp_text_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? (kTz ? "try_to_timestamp_tz" : "try_to_timestamp")
                        : (kTz ? "to_timestamp_tz" : "to_timestamp");
  const Column& s = *a.columns[0];
  FormatArg fmt(a, 1, FormatArg::Style::kSnowflake, fn);
  return map_fixed_or_null<int64_t>(a.columns, a.rows, rt, [&](int64_t i, int64_t* out) {
    std::string_view v = s.string_at(i);
    std::optional<int32_t> offset;
    auto us = parse_text(v, fmt, i, &offset);
    if (!us) {
      if (kTry) return false;
      if (fmt.present() && !is_auto(fmt.text(i))) no_match(fn, v, fmt.text(i));
      not_a(fn, v, "timestamp");
    }
    *out = kTz && offset ? *us - int64_t(*offset) * kMicrosPerSecond : *us;
    return true;
  });
}

// TO_TIMESTAMP(n[, scale]): n units of 10^-scale seconds since the epoch.
Column epoch_to_timestamp_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* x = a.columns[0]->values<int64_t>();
  const int64_t* scale = a.columns.size() > 1 ? a.columns[1]->values<int64_t>() : nullptr;
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    int64_t sc = scale ? scale[i] : 0;
    if (sc < 0 || sc > 9)
      throw InvalidInputError(fmt::format("to_timestamp: scale {} is not between 0 and 9", sc));
    int64_t out;
    if (sc <= 6) {
      int64_t m = 1;
      for (int64_t k = sc; k < 6; ++k) m *= 10;
      if (__builtin_mul_overflow(x[i], m, &out))
        throw InvalidInputError(fmt::format("to_timestamp: {} is out of range", x[i]));
      return out;
    }
    int64_t d = 1;
    for (int64_t k = 6; k < sc; ++k) d *= 10;
    return floor_div(x[i], d);
  });
}

Column seconds_to_timestamp_kernel(const ScalarArgs& a, const DataType& rt) {
  const double* x = a.columns[0]->values<double>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    double us = std::round(x[i] * 1e6);
    if (!(us > -9.2e18 && us < 9.2e18))
      throw InvalidInputError(fmt::format("to_timestamp: {} is out of range", x[i]));
    return int64_t(us);
  });
}

Column date_to_timestamp_kernel(const ScalarArgs& a, const DataType& rt) {
  const int32_t* x = a.columns[0]->values<int32_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt,
                            [&](int64_t i) { return int64_t(x[i]) * kMicrosPerDay; });
}

// ---- from parts ----

// Days of (y, m, d) where a month outside 1..12 or a day outside the month carries over.
int64_t days_from_parts(const char* fn, int64_t y, int64_t m, int64_t d) {
  if (y < -290000 || y > 290000 || m < -3'600'000 || m > 3'600'000 || d < -110'000'000 ||
      d > 110'000'000)
    throw InvalidInputError(fmt::format("{}: ({}, {}, {}) is out of range", fn, y, m, d));
  int64_t total = y * 12 + (m - 1);
  int64_t yy = floor_div(total, 12);
  unsigned mm = unsigned(total - yy * 12) + 1;
  return days_from_civil(yy, mm, 1) + (d - 1);
}

Column date_from_parts_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* y = a.columns[0]->values<int64_t>();
  const int64_t* m = a.columns[1]->values<int64_t>();
  const int64_t* d = a.columns[2]->values<int64_t>();
  return map_fixed<int32_t>(a.columns, a.rows, rt, [&](int64_t i) {
    int64_t days = days_from_parts("date_from_parts", y[i], m[i], d[i]);
    if (days < INT32_MIN || days > INT32_MAX)
      throw InvalidInputError("date_from_parts: the result is out of range");
    return int32_t(days);
  });
}

int64_t time_micros(const char* fn, int64_t h, int64_t mi, int64_t s, int64_t ns) {
  __int128 us = (__int128(h) * 3600 + __int128(mi) * 60 + s) * kMicrosPerSecond + ns / 1000;
  if (us > __int128(INT64_MAX) / 2 || us < -(__int128(INT64_MAX) / 2))
    throw InvalidInputError(fmt::format("{}: the time is out of range", fn));
  return int64_t(us);
}

Column timestamp_from_parts_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* p[7] = {};
  for (size_t k = 0; k < a.columns.size(); ++k) p[k] = a.columns[k]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    const char* fn = "timestamp_from_parts";
    int64_t days = days_from_parts(fn, p[0][i], p[1][i], p[2][i]);
    int64_t tod = time_micros(fn, p[3][i], p[4][i], p[5][i], p[6] ? p[6][i] : 0);
    int64_t out;
    if (__builtin_mul_overflow(days, kMicrosPerDay, &out) || __builtin_add_overflow(out, tod, &out))
      throw InvalidInputError("timestamp_from_parts: the result is out of range");
    return out;
  });
}

Column timestamp_from_date_time_kernel(const ScalarArgs& a, const DataType& rt) {
  const int32_t* d = a.columns[0]->values<int32_t>();
  const int64_t* t = a.columns[1]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt,
                            [&](int64_t i) { return int64_t(d[i]) * kMicrosPerDay + t[i]; });
}

Column time_from_parts_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* p[4] = {};
  for (size_t k = 0; k < a.columns.size(); ++k) p[k] = a.columns[k]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    return floor_mod(time_micros("time_from_parts", p[0][i], p[1][i], p[2][i], p[3] ? p[3][i] : 0),
                     kMicrosPerDay);
  });
}

// ---- strftime, strptime ----

template <typename T>
Column strftime_kernel(const ScalarArgs& a, const DataType& rt) {
  const T* x = a.columns[0]->values<T>();
  FormatArg fmt(a, 1, FormatArg::Style::kStrftime, "strftime");
  std::string buf;
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 20, [&](int64_t i, StringBuilder& b) {
    int64_t us = std::is_same_v<T, int32_t> ? int64_t(x[i]) * kMicrosPerDay : int64_t(x[i]);
    buf.clear();
    fmt.at(i).format(us, 0, buf);
    b.append(buf);
  });
}

template <bool kTry>
Column strptime_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? "try_strptime" : "strptime";
  const Column& s = *a.columns[0];
  FormatArg fmt(a, 1, FormatArg::Style::kStrftime, fn);
  return map_fixed_or_null<int64_t>(a.columns, a.rows, rt, [&](int64_t i, int64_t* out) {
    std::optional<int32_t> offset;
    auto us = fmt.at(i).parse(s.string_at(i), &offset);
    if (!us) {
      if (kTry) return false;
      no_match(fn, s.string_at(i), fmt.text(i));
    }
    // A parsed offset gives the instant; the result is its UTC wall-clock time.
    *out = offset ? *us - int64_t(*offset) * kMicrosPerSecond : *us;
    return true;
  });
}

// ---- epoch_ms ----

Column epoch_ms_to_timestamp_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* x = a.columns[0]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    int64_t out;
    if (__builtin_mul_overflow(x[i], int64_t(1000), &out))
      throw InvalidInputError(fmt::format("epoch_ms: {} is out of range", x[i]));
    return out;
  });
}

Column timestamp_to_epoch_ms_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* x = a.columns[0]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt,
                            [&](int64_t i) { return floor_div(x[i], 1000); });
}

// ---- convert_timezone ----

// A zone argument: loaded once when constant.
class ZoneArg {
 public:
  ZoneArg(const ScalarArgs& a, size_t i) : col_(*a.columns[i]) {
    if (is_constant(a, i) && a.rows > 0 && col_.is_valid(0))
      fixed_ = TimeZone::find(col_.string_at(0));
  }
  const TimeZone& at(int64_t i) {
    if (fixed_) return *fixed_;
    std::string_view name = col_.string_at(i);
    if (!last_ || last_->name() != name) last_ = TimeZone::find(name);
    return *last_;
  }

 private:
  const Column& col_;
  std::shared_ptr<const TimeZone> fixed_, last_;
};

int64_t shift_seconds(int64_t us, int32_t seconds) {
  return us + int64_t(seconds) * kMicrosPerSecond;
}

// CONVERT_TIMEZONE(source, target, wall-clock TIMESTAMP) -> wall-clock TIMESTAMP in target.
Column convert_tz3_kernel(const ScalarArgs& a, const DataType& rt) {
  ZoneArg from(a, 0), to(a, 1);
  const int64_t* x = a.columns[2]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    int64_t local_s = floor_div(x[i], kMicrosPerSecond);
    int64_t utc = shift_seconds(x[i], -from.at(i).offset_for_local(local_s));
    return shift_seconds(utc, to.at(i).offset_at_utc(floor_div(utc, kMicrosPerSecond)));
  });
}

// CONVERT_TIMEZONE(target, TIMESTAMPTZ) -> the wall-clock TIMESTAMP in target.
Column convert_tz2_kernel(const ScalarArgs& a, const DataType& rt) {
  ZoneArg to(a, 0);
  const int64_t* x = a.columns[1]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    return shift_seconds(x[i], to.at(i).offset_at_utc(floor_div(x[i], kMicrosPerSecond)));
  });
}

}  // namespace

void register_datetime_conversion_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), D = date_type(), TS = timestamp_type(),
                 TZ = timestamptz_type(), TM = time_type(), F = double_type();
  auto to_date = [&](const char* name, std::initializer_list<const char*> aliases,
                     ScalarKernel text) {
    t.add(name, aliases)
        .overload({D}, D, identity_kernel)
        .overload({TS}, D, timestamp_to_date_kernel)
        .overload({TZ}, D, timestamp_to_date_kernel)
        .overload({V}, D, text)
        .overload({V, V}, D, text);
  };
  to_date("to_date", {"date"}, to_date_text_kernel<false>);
  to_date("try_to_date", {}, to_date_text_kernel<true>);

  auto to_ts = [&](const char* name, std::initializer_list<const char*> aliases, const DataType& rt,
                   ScalarKernel text, bool numbers) {
    auto& f = t.add(name, aliases)
                  .overload({TS}, rt, identity_kernel)
                  .overload({TZ}, rt, identity_kernel)
                  .overload({D}, rt, date_to_timestamp_kernel)
                  .overload({V}, rt, text)
                  .overload({V, V}, rt, text);
    if (numbers) {
      f.overload({I}, rt, epoch_to_timestamp_kernel)
          .overload({I, I}, rt, epoch_to_timestamp_kernel)
          .overload({F}, rt, seconds_to_timestamp_kernel);
    }
  };
  to_ts("to_timestamp", {"to_timestamp_ntz"}, TS, to_timestamp_text_kernel<false, false>, true);
  to_ts("to_timestamp_tz", {"to_timestamp_ltz"}, TZ, to_timestamp_text_kernel<false, true>, true);
  to_ts("try_to_timestamp", {"try_to_timestamp_ntz"}, TS, to_timestamp_text_kernel<true, false>,
        false);
  to_ts("try_to_timestamp_tz", {"try_to_timestamp_ltz"}, TZ, to_timestamp_text_kernel<true, true>,
        false);

  // TO_TIME / TIME: text as a CAST to TIME reads it, the time of day of a timestamp.
  auto as_time = [](const ScalarArgs& a, const DataType& rt) {
    return columnar::cast_column(*a.columns[0], rt, "to_time");
  };
  auto time_of_day = [](const ScalarArgs& a, const DataType& rt) {
    const Column& x = *a.columns[0];
    Column out(rt);
    out.reserve(a.rows);
    constexpr int64_t kDay = 86'400'000'000;
    for (int64_t i = 0; i < a.rows; ++i) {
      if (x.is_null(i)) {
        out.append_null();
        continue;
      }
      int64_t us = x.value<int64_t>(i) % kDay;
      out.append<int64_t>(us < 0 ? us + kDay : us);
    }
    return out;
  };
  t.add("to_time", {"time"}).overload({V}, TM, as_time).overload({TS}, TM, time_of_day)
      .overload({TM}, TM, identity_kernel);
  t.add("date_from_parts", {"datefromparts", "make_date"})
      .overload({I, I, I}, D, date_from_parts_kernel);
  t.add("timestamp_from_parts", {"timestampfromparts", "timestamp_ntz_from_parts"})
      .overload({D, TM}, TS, timestamp_from_date_time_kernel)
      .overload({I, I, I, I, I, I}, TS, timestamp_from_parts_kernel)
      .overload({I, I, I, I, I, I, I}, TS, timestamp_from_parts_kernel);
  t.add("time_from_parts", {"timefromparts"})
      .overload({I, I, I}, TM, time_from_parts_kernel)
      .overload({I, I, I, I}, TM, time_from_parts_kernel);

  t.add("strftime")
      .overload({D, V}, V, strftime_kernel<int32_t>)
      .overload({TS, V}, V, strftime_kernel<int64_t>)
      .overload({TZ, V}, V, strftime_kernel<int64_t>);
  t.add("strptime").overload({V, V}, TS, strptime_kernel<false>);
  t.add("try_strptime").overload({V, V}, TS, strptime_kernel<true>);
  t.add("epoch_ms")
      .overload({I}, TS, epoch_ms_to_timestamp_kernel)
      .overload({TS}, I, timestamp_to_epoch_ms_kernel)
      .overload({TZ}, I, timestamp_to_epoch_ms_kernel);
  t.add("convert_timezone")
      .overload({V, V, TS}, TS, convert_tz3_kernel)
      .overload({V, TZ}, TS, convert_tz2_kernel);
}

}  // namespace floe::exec
