// Date and time arithmetic: DATE_TRUNC, DATEADD, DATEDIFF (part boundaries crossed, as
// Snowflake), DATE_PART/EXTRACT and its shortcuts (YEAR, MONTH, DAYOFWEEK, ...), LAST_DAY,
// ADD_MONTHS, MONTHS_BETWEEN, NEXT_DAY/PREVIOUS_DAY, DAYNAME/MONTHNAME and the current
// date and time. Weeks start on Monday and are numbered as ISO 8601 (Snowflake's defaults,
// WEEK_START = 0 and WEEK_OF_YEAR_POLICY = 0); DAYOFWEEK counts 0 = Sunday. TIMESTAMPTZ
// values are read in UTC (there is no session time zone).
#include <cctype>
#include <chrono>

#include "exec/calendar.h"
#include "exec/column_builder.h"
#include "exec/date_part.h"
#include "exec/function_library.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

// The part argument: parsed once when constant.
class PartArg {
 public:
  PartArg(const ScalarArgs& a, size_t i, const char* fn) : col_(*a.columns[i]), fn_(fn) {
    if (is_constant(a, i) && a.rows > 0 && col_.is_valid(0))
      fixed_ = parse_date_part(col_.string_at(0), fn);
  }
  DatePart at(int64_t i) const {
    return fixed_ ? *fixed_ : parse_date_part(col_.string_at(i), fn_);
  }

 private:
  const Column& col_;
  const char* fn_;
  std::optional<DatePart> fixed_;
};

[[noreturn]] void part_error(const char* fn, DatePart p, const char* what) {
  throw InvalidInputError(fmt::format("{}: {} '{}'", fn, what, date_part_name(p)));
}

[[noreturn]] void range_error(const char* fn) {
  throw InvalidInputError(fmt::format("{}: the result is out of range", fn));
}

// Date kernels read DATE as int32 days and TIMESTAMP(TZ) as int64 micros.
template <typename T>
int64_t to_micros(T v) {
  if constexpr (std::is_same_v<T, int32_t>)
    return int64_t(v) * kMicrosPerDay;
  else
    return v;
}
template <typename T>
int64_t to_days(T v) {
  if constexpr (std::is_same_v<T, int32_t>)
    return v;
  else
    return micros_to_days(v);
}

int32_t checked_date(const char* fn, int64_t days) {
  if (days < INT32_MIN || days > INT32_MAX) range_error(fn);
  return int32_t(days);
}

int64_t unit_micros(DatePart p) {
  switch (p) {
    case DatePart::kHour: return kMicrosPerHour;
    case DatePart::kMinute: return kMicrosPerMinute;
    case DatePart::kSecond: return kMicrosPerSecond;
    case DatePart::kMillisecond: return 1000;
    default: return 1;
  }
}

// ---- date_trunc ----

int64_t trunc_days(const char* fn, int64_t days, DatePart p) {
  switch (p) {
    case DatePart::kYear: return days_from_civil(civil_from_days(days).year, 1, 1);
    case DatePart::kQuarter: {
      CivilDate c = civil_from_days(days);
      return days_from_civil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
    }
    case DatePart::kMonth: {
      CivilDate c = civil_from_days(days);
      return days_from_civil(c.year, c.month, 1);
    }
    case DatePart::kWeek:
    case DatePart::kWeekIso: return week_start_monday(days);
    case DatePart::kDay: return days;
    default:
      if (is_time_part(p)) return days;
      part_error(fn, p, "cannot truncate to");
  }
}

int64_t trunc_micros(const char* fn, int64_t us, DatePart p) {
  if (is_time_part(p)) {
    int64_t u = unit_micros(p);
    return floor_div(us, u) * u;
  }
  return trunc_days(fn, micros_to_days(us), p) * kMicrosPerDay;
}

// ---- time_slice ----

// The start (or, with `end`, the end) in days of the slice of `n` `p`s holding day `days`,
// slices aligned to 1970-01-01 (weeks to the Monday of its week, 1969-12-29), as
// Snowflake's TIME_SLICE does.
int64_t slice_days(int64_t days, int64_t n, DatePart p, bool end) {
  switch (p) {
    case DatePart::kDay: return (floor_div(days, n) + (end ? 1 : 0)) * n;
    case DatePart::kWeek: {
      constexpr int64_t kMonday = -3;  // 1969-12-29
      return kMonday + (floor_div(days - kMonday, 7 * n) + (end ? 1 : 0)) * 7 * n;
    }
    case DatePart::kMonth:
    case DatePart::kQuarter:
    case DatePart::kYear: {
      const int64_t length = n * (p == DatePart::kMonth ? 1 : p == DatePart::kQuarter ? 3 : 12);
      CivilDate c = civil_from_days(days);
      const int64_t months = (c.year - 1970) * 12 + int64_t(c.month) - 1;
      const int64_t start = (floor_div(months, length) + (end ? 1 : 0)) * length;
      return days_from_civil(1970 + floor_div(start, 12), unsigned(floor_mod(start, 12)) + 1, 1);
    }
    default:
      part_error("time_slice", p, "cannot slice a DATE by");
  }
}

// The slice's bound for a timestamp: hours, minutes and seconds by their length in
// microseconds since the epoch, longer parts by day.
int64_t slice_micros(int64_t us, int64_t n, DatePart p, bool end) {
  if (p == DatePart::kHour || p == DatePart::kMinute || p == DatePart::kSecond) {
    const int64_t width = n * unit_micros(p);
    return (floor_div(us, width) + (end ? 1 : 0)) * width;
  }
  return slice_days(micros_to_days(us), n, p, end) * kMicrosPerDay;
}

template <typename T>
Column time_slice_kernel(const ScalarArgs& a, const DataType& rt) {
  const T* x = a.columns[0]->values<T>();
  const int64_t* n = a.columns[1]->values<int64_t>();
  PartArg part(a, 2, "time_slice");
  const Column* which = a.columns.size() > 3 ? a.columns[3] : nullptr;
  return map_fixed<T>(a.columns, a.rows, rt, [&](int64_t i) -> T {
    if (n[i] < 1)
      throw InvalidInputError(fmt::format("time_slice: the slice length {} is not 1 or more",
                                          n[i]));
    bool end = false;
    if (which) {
      std::string w(which->string_at(i));
      for (char& c : w) c = char(std::toupper(static_cast<unsigned char>(c)));
      if (w != "START" && w != "END")
        throw InvalidInputError(fmt::format("time_slice: '{}' is not START or END",
                                            which->string_at(i)));
      end = w == "END";
    }
    const DatePart p = part.at(i);
    if constexpr (std::is_same_v<T, int32_t>)
      return T(slice_days(x[i], n[i], p, end));
    else
      return slice_micros(x[i], n[i], p, end);
  });
}

template <typename T>
Column date_trunc_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "date_trunc");
  const T* x = a.columns[1]->values<T>();
  return map_fixed<T>(a.columns, a.rows, rt, [&](int64_t i) -> T {
    DatePart p = part.at(i);
    if constexpr (std::is_same_v<T, int32_t>)
      return T(trunc_days("date_trunc", x[i], p));
    else
      return trunc_micros("date_trunc", x[i], p);
  });
}

Column time_trunc_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "date_trunc");
  const int64_t* x = a.columns[1]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    DatePart p = part.at(i);
    if (!is_time_part(p)) part_error("date_trunc", p, "cannot truncate a TIME to");
    int64_t u = unit_micros(p);
    return floor_div(x[i], u) * u;
  });
}

// ---- dateadd ----

int64_t add_to_micros(const char* fn, int64_t us, int64_t n, DatePart p) {
  int64_t months = 0, step = 0;
  switch (p) {
    case DatePart::kYear: months = 12; break;
    case DatePart::kQuarter: months = 3; break;
    case DatePart::kMonth: months = 1; break;
    case DatePart::kWeek:
    case DatePart::kWeekIso: step = 7 * kMicrosPerDay; break;
    case DatePart::kDay: step = kMicrosPerDay; break;
    case DatePart::kNanosecond: n /= 1000, step = 1; break;
    default:
      if (!is_time_part(p)) part_error(fn, p, "cannot add");
      step = unit_micros(p);
  }
  if (months) {
    if (n > 3'600'000 || n < -3'600'000) range_error(fn);
    int64_t days = add_months_to_days(micros_to_days(us), n * months, false);
    int64_t out;
    if (__builtin_mul_overflow(days, kMicrosPerDay, &out) ||
        __builtin_add_overflow(out, micros_time_of_day(us), &out))
      range_error(fn);
    return out;
  }
  int64_t delta, out;
  if (__builtin_mul_overflow(n, step, &delta) || __builtin_add_overflow(us, delta, &out))
    range_error(fn);
  return out;
}

int64_t add_to_days(const char* fn, int64_t days, int64_t n, DatePart p) {
  switch (p) {
    case DatePart::kYear:
    case DatePart::kQuarter:
    case DatePart::kMonth: {
      if (n > 3'600'000 || n < -3'600'000) range_error(fn);
      int64_t k = p == DatePart::kYear ? 12 : p == DatePart::kQuarter ? 3 : 1;
      return add_months_to_days(days, n * k, false);
    }
    case DatePart::kWeek:
    case DatePart::kWeekIso:
      if (n > INT32_MAX || n < INT32_MIN) range_error(fn);
      return days + n * 7;
    case DatePart::kDay:
      if (n > INT32_MAX || n < INT32_MIN) range_error(fn);
      return days + n;
    default:
      if (is_time_part(p))
        throw InvalidInputError(fmt::format(
            "{}: cannot add '{}' to a DATE; cast it to TIMESTAMP first", fn, date_part_name(p)));
      part_error(fn, p, "cannot add");
  }
}

template <typename T>
Column dateadd_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "dateadd");
  const int64_t* n = a.columns[1]->values<int64_t>();
  const T* x = a.columns[2]->values<T>();
  return map_fixed<T>(a.columns, a.rows, rt, [&](int64_t i) -> T {
    DatePart p = part.at(i);
    if constexpr (std::is_same_v<T, int32_t>)
      return checked_date("dateadd", add_to_days("dateadd", x[i], n[i], p));
    else
      return add_to_micros("dateadd", x[i], n[i], p);
  });
}

Column time_add_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "dateadd");
  const int64_t* n = a.columns[1]->values<int64_t>();
  const int64_t* x = a.columns[2]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    DatePart p = part.at(i);
    if (!is_time_part(p)) part_error("dateadd", p, "cannot add to a TIME:");
    int64_t step = unit_micros(p), k = n[i];
    if (p == DatePart::kNanosecond) k /= 1000;
    // A time of day wraps around midnight.
    int64_t delta = int64_t(static_cast<__int128>(k) * step % kMicrosPerDay);
    return floor_mod(x[i] + delta, kMicrosPerDay);
  });
}

// ---- datediff ----

int64_t month_index(int64_t days) {
  CivilDate c = civil_from_days(days);
  return c.year * 12 + int64_t(c.month) - 1;
}

int64_t diff_micros(const char* fn, int64_t a, int64_t b, DatePart p) {
  int64_t da = micros_to_days(a), db = micros_to_days(b);
  switch (p) {
    case DatePart::kYear: return civil_from_days(db).year - civil_from_days(da).year;
    case DatePart::kQuarter: return floor_div(month_index(db), 3) - floor_div(month_index(da), 3);
    case DatePart::kMonth: return month_index(db) - month_index(da);
    case DatePart::kWeek:
    case DatePart::kWeekIso: return floor_div(db + 3, 7) - floor_div(da + 3, 7);
    case DatePart::kDay: return db - da;
    case DatePart::kNanosecond: {
      int64_t d, out;
      if (__builtin_sub_overflow(b, a, &d) || __builtin_mul_overflow(d, int64_t(1000), &out))
        range_error(fn);
      return out;
    }
    default: {
      if (!is_time_part(p)) part_error(fn, p, "cannot count");
      int64_t u = unit_micros(p);
      return floor_div(b, u) - floor_div(a, u);
    }
  }
}

template <typename T>
Column datediff_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "datediff");
  const T* x = a.columns[1]->values<T>();
  const T* y = a.columns[2]->values<T>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    return diff_micros("datediff", to_micros(x[i]), to_micros(y[i]), part.at(i));
  });
}

Column time_diff_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "datediff");
  const int64_t* x = a.columns[1]->values<int64_t>();
  const int64_t* y = a.columns[2]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    DatePart p = part.at(i);
    if (!is_time_part(p)) part_error("datediff", p, "cannot count TIME in");
    return diff_micros("datediff", x[i], y[i], p);
  });
}

// ---- date_part ----

int64_t extract_micros(const char* fn, int64_t us, DatePart p) {
  int64_t days = micros_to_days(us);
  int64_t tod = micros_time_of_day(us);
  switch (p) {
    case DatePart::kYear: return civil_from_days(days).year;
    case DatePart::kQuarter: return (civil_from_days(days).month - 1) / 3 + 1;
    case DatePart::kMonth: return civil_from_days(days).month;
    case DatePart::kWeek:
    case DatePart::kWeekIso:
    case DatePart::kYearOfWeek:
    case DatePart::kYearOfWeekIso: {
      int64_t y;
      int w;
      iso_week(days, &y, &w);
      return p == DatePart::kWeek || p == DatePart::kWeekIso ? w : y;
    }
    case DatePart::kDay: return civil_from_days(days).day;
    case DatePart::kDayOfWeek: return weekday_sunday0(days);
    case DatePart::kDayOfWeekIso: return weekday_iso(days);
    case DatePart::kDayOfYear: return day_of_year(days, civil_from_days(days));
    case DatePart::kHour: return tod / kMicrosPerHour;
    case DatePart::kMinute: return tod / kMicrosPerMinute % 60;
    case DatePart::kSecond: return tod / kMicrosPerSecond % 60;
    case DatePart::kMillisecond: return tod % kMicrosPerSecond / 1000;
    case DatePart::kMicrosecond: return tod % kMicrosPerSecond;
    case DatePart::kNanosecond: return tod % kMicrosPerSecond * 1000;
    case DatePart::kEpochSecond: return floor_div(us, kMicrosPerSecond);
    case DatePart::kEpochMillisecond: return floor_div(us, 1000);
    case DatePart::kEpochMicrosecond: return us;
    case DatePart::kEpochNanosecond: {
      int64_t out;
      if (__builtin_mul_overflow(us, int64_t(1000), &out)) range_error(fn);
      return out;
    }
    case DatePart::kTimezoneHour:
    case DatePart::kTimezoneMinute: return 0;
  }
  return 0;
}

template <typename T>
Column date_part_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "date_part");
  const T* x = a.columns[1]->values<T>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    return extract_micros("date_part", to_micros(x[i]), part.at(i));
  });
}

Column time_part_kernel(const ScalarArgs& a, const DataType& rt) {
  PartArg part(a, 0, "date_part");
  const int64_t* x = a.columns[1]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    DatePart p = part.at(i);
    if (!is_time_part(p) && p != DatePart::kEpochSecond && p != DatePart::kEpochMillisecond &&
        p != DatePart::kEpochMicrosecond)
      part_error("date_part", p, "a TIME has no part");
    return extract_micros("date_part", x[i], p);
  });
}

// YEAR(x), MONTH(x), ...: DATE_PART with the part fixed.
template <DatePart kPart, typename T>
Column extract_kernel(const ScalarArgs& a, const DataType& rt) {
  const T* x = a.columns[0]->values<T>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    return extract_micros("date_part", to_micros(x[i]), kPart);
  });
}

template <DatePart kPart>
void add_extract(FunctionTable& t, const char* name, std::initializer_list<const char*> aliases,
                 bool time_too) {
  const DataType I = bigint_type();
  auto& f = t.add(name, aliases)
                .overload({date_type()}, I, extract_kernel<kPart, int32_t>)
                .overload({timestamp_type()}, I, extract_kernel<kPart, int64_t>)
                .overload({timestamptz_type()}, I, extract_kernel<kPart, int64_t>);
  if (time_too) f.overload({time_type()}, I, extract_kernel<kPart, int64_t>);
}

// ---- last_day, add_months, months_between, next_day ----

int64_t last_day_of(const char* fn, int64_t days, DatePart p) {
  CivilDate c = civil_from_days(days);
  switch (p) {
    case DatePart::kYear: return days_from_civil(c.year, 12, 31);
    case DatePart::kQuarter: {
      unsigned m = (c.month - 1) / 3 * 3 + 3;
      return days_from_civil(c.year, m, days_in_month(c.year, m));
    }
    case DatePart::kMonth: return days_from_civil(c.year, c.month, days_in_month(c.year, c.month));
    case DatePart::kWeek:
    case DatePart::kWeekIso: return week_start_monday(days) + 6;
    default: part_error(fn, p, "no last day of");
  }
}

template <typename T>
Column last_day_kernel(const ScalarArgs& a, const DataType& rt) {
  const T* x = a.columns[0]->values<T>();
  std::optional<PartArg> part;
  if (a.columns.size() > 1) part.emplace(a, 1, "last_day");
  return map_fixed<int32_t>(a.columns, a.rows, rt, [&](int64_t i) {
    DatePart p = part ? part->at(i) : DatePart::kMonth;
    return checked_date("last_day", last_day_of("last_day", to_days(x[i]), p));
  });
}

template <typename T>
Column add_months_kernel(const ScalarArgs& a, const DataType& rt) {
  const T* x = a.columns[0]->values<T>();
  const int64_t* n = a.columns[1]->values<int64_t>();
  return map_fixed<T>(a.columns, a.rows, rt, [&](int64_t i) -> T {
    if (n[i] > 3'600'000 || n[i] < -3'600'000) range_error("add_months");
    int64_t days = add_months_to_days(to_days(x[i]), n[i], true);
    if constexpr (std::is_same_v<T, int32_t>)
      return checked_date("add_months", days);
    else {
      int64_t out;
      if (__builtin_mul_overflow(days, kMicrosPerDay, &out)) range_error("add_months");
      return out + micros_time_of_day(x[i]);
    }
  });
}

// Snowflake's MONTHS_BETWEEN: whole months when both days are the same day of the month or
// both are month ends; otherwise the difference of day and time counted in 31-day months.
double months_between(int64_t a, int64_t b) {
  int64_t da = micros_to_days(a), db = micros_to_days(b);
  CivilDate ca = civil_from_days(da), cb = civil_from_days(db);
  double months = double((ca.year - cb.year) * 12 + int64_t(ca.month) - int64_t(cb.month));
  bool end_a = ca.day == days_in_month(ca.year, ca.month);
  bool end_b = cb.day == days_in_month(cb.year, cb.month);
  if (ca.day == cb.day || (end_a && end_b)) return months;
  double day_diff = double(int64_t(ca.day) - int64_t(cb.day)) +
                    double(micros_time_of_day(a) - micros_time_of_day(b)) / double(kMicrosPerDay);
  return months + day_diff / 31.0;
}

template <typename T>
Column months_between_kernel(const ScalarArgs& a, const DataType& rt) {
  const T* x = a.columns[0]->values<T>();
  const T* y = a.columns[1]->values<T>();
  return map_fixed<double>(a.columns, a.rows, rt, [&](int64_t i) {
    return months_between(to_micros(x[i]), to_micros(y[i]));
  });
}

// A weekday name ("mo", "Monday", "FRI"): 0 = Sunday .. 6.
int parse_weekday(const char* fn, std::string_view s) {
  static constexpr std::string_view kNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                                "thursday", "friday", "saturday"};
  std::string l;
  for (char c : s) l += char(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (l.size() >= 2)
    for (int d = 0; d < 7; ++d)
      if (kNames[d].starts_with(l)) return d;
  throw InvalidInputError(fmt::format("{}: '{}' is not a day of the week", fn, s));
}

template <bool kNext, typename T>
Column next_day_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kNext ? "next_day" : "previous_day";
  const T* x = a.columns[0]->values<T>();
  const Column& names = *a.columns[1];
  std::optional<int> fixed;
  if (is_constant(a, 1) && a.rows > 0 && names.is_valid(0))
    fixed = parse_weekday(fn, names.string_at(0));
  return map_fixed<int32_t>(a.columns, a.rows, rt, [&](int64_t i) {
    int want = fixed ? *fixed : parse_weekday(fn, names.string_at(i));
    int64_t days = to_days(x[i]);
    int have = weekday_sunday0(days);
    int64_t step = kNext ? (want - have + 6) % 7 + 1 : -((have - want + 6) % 7 + 1);
    return checked_date(fn, days + step);
  });
}

template <bool kDay, typename T>
Column name_kernel(const ScalarArgs& a, const DataType& rt) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const T* x = a.columns[0]->values<T>();
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 3, [&](int64_t i, StringBuilder& b) {
    int64_t days = to_days(x[i]);
    b.append(kDay ? kDays[weekday_sunday0(days)] : kMonths[civil_from_days(days).month - 1]);
  });
}

// ---- current date and time ----

int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

template <typename T, typename F>
Column constant_column(const DataType& rt, int64_t rows, F value) {
  FixedBuilder<T> b(rt, rows);
  T v = value();
  std::fill(b.data(), b.data() + rows, v);
  return b.finish();
}

template <typename F>
void add_overloads_by_type(FunctionDef& f, std::vector<DataType> prefix, F&& make) {
  for (const DataType& t : {date_type(), timestamp_type(), timestamptz_type()}) {
    std::vector<DataType> args = prefix;
    args.push_back(t);
    make(f, args, t);
  }
}

}  // namespace

void register_datetime_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), D = date_type(), TS = timestamp_type(),
                 TZ = timestamptz_type(), TM = time_type();
  t.add("date_trunc", {"datetrunc"})
      .overload({V, D}, D, date_trunc_kernel<int32_t>)
      .overload({V, TS}, TS, date_trunc_kernel<int64_t>)
      .overload({V, TZ}, TZ, date_trunc_kernel<int64_t>)
      .overload({V, TM}, TM, time_trunc_kernel);
  t.add("dateadd", {"date_add", "timestampadd", "timeadd"})
      .overload({V, I, D}, D, dateadd_kernel<int32_t>)
      .overload({V, I, TS}, TS, dateadd_kernel<int64_t>)
      .overload({V, I, TZ}, TZ, dateadd_kernel<int64_t>)
      .overload({V, I, TM}, TM, time_add_kernel);
  t.add("datediff", {"date_diff", "timestampdiff", "timediff"})
      .overload({V, D, D}, I, datediff_kernel<int32_t>)
      .overload({V, TS, TS}, I, datediff_kernel<int64_t>)
      .overload({V, TZ, TZ}, I, datediff_kernel<int64_t>)
      .overload({V, TM, TM}, I, time_diff_kernel);
  t.add("time_slice")
      .overload({D, I, V}, D, time_slice_kernel<int32_t>)
      .overload({D, I, V, V}, D, time_slice_kernel<int32_t>)
      .overload({TS, I, V}, TS, time_slice_kernel<int64_t>)
      .overload({TS, I, V, V}, TS, time_slice_kernel<int64_t>);
  t.add("date_part", {"datepart"})
      .overload({V, D}, I, date_part_kernel<int32_t>)
      .overload({V, TS}, I, date_part_kernel<int64_t>)
      .overload({V, TZ}, I, date_part_kernel<int64_t>)
      .overload({V, TM}, I, time_part_kernel);
  add_extract<DatePart::kYear>(t, "year", {}, false);
  add_extract<DatePart::kQuarter>(t, "quarter", {}, false);
  add_extract<DatePart::kMonth>(t, "month", {}, false);
  add_extract<DatePart::kWeek>(t, "week", {"weekofyear"}, false);
  add_extract<DatePart::kWeekIso>(t, "weekiso", {}, false);
  add_extract<DatePart::kDay>(t, "day", {"dayofmonth"}, false);
  add_extract<DatePart::kDayOfWeek>(t, "dayofweek", {}, false);
  add_extract<DatePart::kDayOfWeekIso>(t, "dayofweekiso", {"isodow"}, false);
  add_extract<DatePart::kDayOfYear>(t, "dayofyear", {}, false);
  add_extract<DatePart::kYearOfWeek>(t, "yearofweek", {}, false);
  add_extract<DatePart::kYearOfWeekIso>(t, "yearofweekiso", {"isoyear"}, false);
  add_extract<DatePart::kHour>(t, "hour", {}, true);
  add_extract<DatePart::kMinute>(t, "minute", {}, true);
  add_extract<DatePart::kSecond>(t, "second", {}, true);

  auto& last_day = t.add("last_day");
  add_overloads_by_type(
      last_day, {}, [&](FunctionDef& f, std::vector<DataType> args, const DataType& ty) {
        auto k = ty.id() == TypeId::kDate ? ScalarKernel(last_day_kernel<int32_t>)
                                          : ScalarKernel(last_day_kernel<int64_t>);
        f.overload(args, D, k);
        args.push_back(V);
        f.overload(args, D, k);
      });
  t.add("add_months")
      .overload({D, I}, D, add_months_kernel<int32_t>)
      .overload({TS, I}, TS, add_months_kernel<int64_t>)
      .overload({TZ, I}, TZ, add_months_kernel<int64_t>);
  t.add("months_between")
      .overload({D, D}, double_type(), months_between_kernel<int32_t>)
      .overload({TS, TS}, double_type(), months_between_kernel<int64_t>)
      .overload({TZ, TZ}, double_type(), months_between_kernel<int64_t>);
  t.add("next_day")
      .overload({D, V}, D, next_day_kernel<true, int32_t>)
      .overload({TS, V}, D, next_day_kernel<true, int64_t>)
      .overload({TZ, V}, D, next_day_kernel<true, int64_t>);
  t.add("previous_day")
      .overload({D, V}, D, next_day_kernel<false, int32_t>)
      .overload({TS, V}, D, next_day_kernel<false, int64_t>)
      .overload({TZ, V}, D, next_day_kernel<false, int64_t>);
  t.add("dayname")
      .overload({D}, V, name_kernel<true, int32_t>)
      .overload({TS}, V, name_kernel<true, int64_t>)
      .overload({TZ}, V, name_kernel<true, int64_t>);
  t.add("monthname")
      .overload({D}, V, name_kernel<false, int32_t>)
      .overload({TS}, V, name_kernel<false, int64_t>)
      .overload({TZ}, V, name_kernel<false, int64_t>);

  // The current date and time in UTC; CURRENT_TIMESTAMP is a TIMESTAMP (Snowflake's NTZ).
  t.add("current_date", {"today"})
      .overload({}, D,
                [](const ScalarArgs& a, const DataType& rt) {
                  return constant_column<int32_t>(
                      rt, a.rows, [] { return int32_t(micros_to_days(now_micros())); });
                })
      .nondeterministic();
  t.add("current_timestamp", {"now", "localtimestamp", "sysdate", "getdate", "systimestamp"})
      .overload({}, TS,
                [](const ScalarArgs& a, const DataType& rt) {
                  return constant_column<int64_t>(rt, a.rows, now_micros);
                })
      .nondeterministic();
  t.add("current_time", {"localtime"})
      .overload({}, TM,
                [](const ScalarArgs& a, const DataType& rt) {
                  return constant_column<int64_t>(rt, a.rows,
                                                  [] { return micros_time_of_day(now_micros()); });
                })
      .nondeterministic();
}

}  // namespace floe::exec
