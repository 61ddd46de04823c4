#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using testing::call;
using testing::date;
using testing::time;
using testing::ts;
using testing::tstz;
using N = std::monostate;
using S = std::string;

TEST(DatetimeFunctions, DateTrunc) {
  EXPECT_EQ(call("date_trunc", {S("month"), date("2024-02-29")}), "2024-02-01");
  EXPECT_EQ(call("date_trunc", {S("YEAR"), date("2024-02-29")}), "2024-01-01");
  EXPECT_EQ(call("date_trunc", {S("quarter"), date("2024-08-15")}), "2024-07-01");
  EXPECT_EQ(call("date_trunc", {S("week"), date("2024-03-03")}), "2024-02-26");  // Sunday
  EXPECT_EQ(call("date_trunc", {S("wk"), date("2024-02-26")}), "2024-02-26");    // Monday
  EXPECT_EQ(call("date_trunc", {S("hour"), ts("2024-02-29 13:45:12.5")}), "2024-02-29 13:00:00");
  EXPECT_EQ(call("date_trunc", {S("mi"), ts("2024-02-29 13:45:12.5")}), "2024-02-29 13:45:00");
  EXPECT_EQ(call("date_trunc", {S("ms"), ts("2024-02-29 13:45:12.123456")}),
            "2024-02-29 13:45:12.123000");
  EXPECT_EQ(call("date_trunc", {S("day"), ts("1969-12-31 23:59:59")}), "1969-12-31 00:00:00");
  EXPECT_EQ(call("date_trunc", {S("month"), S("2024-05-17 10:00:00")}), "2024-05-01 00:00:00");
  EXPECT_EQ(call("date_trunc", {S("hour"), time("13:45:12")}), "13:00:00");
  EXPECT_EQ(call("trunc", {date("2024-05-17"), S("month")}), "2024-05-01");
  EXPECT_EQ(call("date_trunc", {S("day"), N{}}), "NULL");
  try {
    call("date_trunc", {S("fortnight"), date("2024-02-29")});
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_STREQ(e.what(), "date_trunc: unknown date part 'fortnight'");
  }
  EXPECT_THROW(call("date_trunc", {S("dayofweek"), date("2024-02-29")}), InvalidInputError);
}

TEST(DatetimeFunctions, DateAdd) {
  EXPECT_EQ(call("dateadd", {S("month"), int64_t(1), date("2024-01-31")}), "2024-02-29");
  EXPECT_EQ(call("dateadd", {S("month"), int64_t(1), date("2023-01-31")}), "2023-02-28");
  EXPECT_EQ(call("dateadd", {S("mm"), int64_t(-1), date("2024-03-31")}), "2024-02-29");
  EXPECT_EQ(call("dateadd", {S("year"), int64_t(1), date("2024-02-29")}), "2025-02-28");
  EXPECT_EQ(call("dateadd", {S("quarter"), int64_t(2), date("2024-11-30")}), "2025-05-30");
  EXPECT_EQ(call("dateadd", {S("day"), int64_t(1), date("2024-02-28")}), "2024-02-29");
  EXPECT_EQ(call("dateadd", {S("d"), int64_t(-366), date("2024-12-31")}), "2023-12-31");
  EXPECT_EQ(call("dateadd", {S("week"), int64_t(2), date("2024-12-25")}), "2025-01-08");
  EXPECT_EQ(call("dateadd", {S("hour"), int64_t(25), ts("2024-02-28 12:00:00")}),
            "2024-02-29 13:00:00");
  EXPECT_EQ(call("timestampadd", {S("month"), int64_t(1), ts("2024-01-31 08:30:00")}),
            "2024-02-29 08:30:00");
  EXPECT_EQ(call("date_add", {S("second"), int64_t(-1), ts("2024-01-01 00:00:00")}),
            "2023-12-31 23:59:59");
  EXPECT_EQ(call("dateadd", {S("ms"), int64_t(1500), ts("2024-01-01 00:00:00")}),
            "2024-01-01 00:00:01.500000");
  EXPECT_EQ(call("dateadd", {S("ns"), int64_t(3000), ts("2024-01-01 00:00:00")}),
            "2024-01-01 00:00:00.000003");
  EXPECT_EQ(call("dateadd", {S("hour"), int64_t(3), time("23:00:00")}), "02:00:00");
  EXPECT_EQ(call("dateadd", {S("minute"), int64_t(-90), time("00:30:00")}), "23:00:00");
  EXPECT_EQ(call("dateadd", {S("day"), N{}, date("2024-01-01")}), "NULL");
  EXPECT_THROW(call("dateadd", {S("hour"), int64_t(1), date("2024-01-01")}), InvalidInputError);
  EXPECT_THROW(call("dateadd", {S("day"), INT64_MAX, ts("2024-01-01 00:00:00")}),
               InvalidInputError);
  EXPECT_THROW(call("dateadd", {S("year"), int64_t(1) << 40, date("2024-01-01")}),
               InvalidInputError);
}

TEST(DatetimeFunctions, DateDiffCountsBoundaries) {
  EXPECT_EQ(call("datediff", {S("year"), date("2023-12-31"), date("2024-01-01")}), "1");
  EXPECT_EQ(call("datediff", {S("year"), date("2024-01-01"), date("2024-12-31")}), "0");
  EXPECT_EQ(call("datediff", {S("month"), date("2024-01-31"), date("2024-02-01")}), "1");
  EXPECT_EQ(call("datediff", {S("month"), date("2024-03-31"), date("2024-01-01")}), "-2");
  EXPECT_EQ(call("datediff", {S("quarter"), date("2024-03-31"), date("2024-04-01")}), "1");
  EXPECT_EQ(call("datediff", {S("day"), date("2024-02-28"), date("2024-03-01")}), "2");
  EXPECT_EQ(call("datediff", {S("day"), date("2023-02-28"), date("2023-03-01")}), "1");
  // Weeks start on Monday: Sunday to Monday crosses one boundary.
  EXPECT_EQ(call("datediff", {S("week"), date("2024-03-03"), date("2024-03-04")}), "1");
  EXPECT_EQ(call("datediff", {S("week"), date("2024-03-04"), date("2024-03-10")}), "0");
  EXPECT_EQ(call("datediff", {S("hour"), ts("2024-01-01 10:59:59"), ts("2024-01-01 11:00:00")}),
            "1");
  EXPECT_EQ(call("datediff", {S("hour"), ts("2024-01-01 10:00:00"), ts("2024-01-01 10:59:59")}),
            "0");
  EXPECT_EQ(call("datediff", {S("minute"), ts("1969-12-31 23:59:59"), ts("1970-01-01 00:00:00")}),
            "1");
  EXPECT_EQ(
      call("datediff", {S("second"), ts("2024-01-01 00:00:00.9"), ts("2024-01-01 00:00:01.1")}),
      "1");
  EXPECT_EQ(call("datediff", {S("ms"), ts("2024-01-01 00:00:00"), ts("2024-01-01 00:00:01.5")}),
            "1500");
  EXPECT_EQ(
      call("datediff", {S("ns"), ts("2024-01-01 00:00:00"), ts("2024-01-01 00:00:00.000001")}),
      "1000");
  EXPECT_EQ(call("datediff", {S("day"), date("2024-01-01"), ts("2024-01-02 23:00:00")}), "1");
  EXPECT_EQ(call("timestampdiff", {S("hour"), time("10:00:00"), time("12:30:00")}), "2");
  EXPECT_EQ(call("datediff", {S("day"), N{}, date("2024-01-01")}), "NULL");
  EXPECT_THROW(call("datediff", {S("dow"), date("2024-01-01"), date("2024-01-02")}),
               InvalidInputError);
}

TEST(DatetimeFunctions, DatePart) {
  auto part = [](const char* p, testing::Lit v) { return call("date_part", {S(p), v}); };
  testing::Lit t = ts("2024-12-30 13:45:12.345678");  // a Monday in ISO week 1 of 2025
  EXPECT_EQ(part("year", t), "2024");
  EXPECT_EQ(part("quarter", t), "4");
  EXPECT_EQ(part("month", t), "12");
  EXPECT_EQ(part("week", t), "1");
  EXPECT_EQ(part("yearofweek", t), "2025");
  EXPECT_EQ(part("day", t), "30");
  EXPECT_EQ(part("dayofweek", t), "1");
  EXPECT_EQ(part("dayofweekiso", t), "1");
  EXPECT_EQ(part("dayofyear", t), "365");
  EXPECT_EQ(part("hour", t), "13");
  EXPECT_EQ(part("minute", t), "45");
  EXPECT_EQ(part("second", t), "12");
  EXPECT_EQ(part("millisecond", t), "345");
  EXPECT_EQ(part("microsecond", t), "345678");
  EXPECT_EQ(part("nanosecond", t), "345678000");
  EXPECT_EQ(part("epoch_second", ts("1970-01-02 00:00:00")), "86400");
  EXPECT_EQ(part("epoch_millisecond", ts("1969-12-31 23:59:59.9995")), "-1");
  EXPECT_EQ(part("epoch", date("1970-01-02")), "86400");
  EXPECT_EQ(part("dayofweek", date("2024-03-03")), "0");  // Sunday
  EXPECT_EQ(part("dayofweekiso", date("2024-03-03")), "7");
  EXPECT_EQ(part("week", date("2021-01-03")), "53");
  EXPECT_EQ(part("yearofweekiso", date("2021-01-03")), "2020");
  EXPECT_EQ(part("dayofyear", date("2024-12-31")), "366");
  EXPECT_EQ(part("hour", time("23:15:00")), "23");
  EXPECT_THROW(part("year", time("23:15:00")), InvalidInputError);
  EXPECT_EQ(call("year", {date("2024-02-29")}), "2024");
  EXPECT_EQ(call("month", {tstz("2024-02-29 23:00:00-02:00")}), "3");
  EXPECT_EQ(call("day", {date("2024-02-29")}), "29");
  EXPECT_EQ(call("dayofmonth", {date("2024-02-29")}), "29");
  EXPECT_EQ(call("weekofyear", {date("2024-02-29")}), "9");
  EXPECT_EQ(call("dayofweek", {date("2024-02-29")}), "4");
  EXPECT_EQ(call("hour", {time("07:08:09")}), "7");
  EXPECT_EQ(call("second", {ts("2024-02-29 07:08:09")}), "9");
  EXPECT_EQ(call("quarter", {N{}}), "NULL");
}

TEST(DatetimeFunctions, MonthArithmetic) {
  EXPECT_EQ(call("last_day", {date("2024-02-10")}), "2024-02-29");
  EXPECT_EQ(call("last_day", {date("2023-02-10")}), "2023-02-28");
  EXPECT_EQ(call("last_day", {date("2024-02-10"), S("year")}), "2024-12-31");
  EXPECT_EQ(call("last_day", {date("2024-02-10"), S("quarter")}), "2024-03-31");
  EXPECT_EQ(call("last_day", {date("2024-02-29"), S("week")}), "2024-03-03");
  EXPECT_EQ(call("last_day", {ts("2024-04-10 10:00:00")}), "2024-04-30");
  EXPECT_EQ(call("add_months", {date("2024-01-31"), int64_t(1)}), "2024-02-29");
  EXPECT_EQ(call("add_months", {date("2024-02-29"), int64_t(1)}), "2024-03-31");  // month end kept
  EXPECT_EQ(call("add_months", {date("2024-02-28"), int64_t(12)}), "2025-02-28");
  EXPECT_EQ(call("add_months", {date("2024-01-15"), int64_t(-13)}), "2022-12-15");
  EXPECT_EQ(call("add_months", {ts("2024-01-31 10:30:00"), int64_t(1)}), "2024-02-29 10:30:00");
  EXPECT_EQ(call("months_between", {date("2024-03-15"), date("2024-01-15")}), "2");
  EXPECT_EQ(call("months_between", {date("2024-02-29"), date("2024-01-31")}), "1");
  EXPECT_EQ(call("months_between", {date("2024-01-01"), date("2024-03-15")}),
            "-2.4516129032258065");
  EXPECT_EQ(call("next_day", {date("2024-02-29"), S("friday")}), "2024-03-01");
  EXPECT_EQ(call("next_day", {date("2024-03-01"), S("fr")}), "2024-03-08");
  EXPECT_EQ(call("previous_day", {date("2024-03-01"), S("Thu")}), "2024-02-29");
  EXPECT_EQ(call("previous_day", {date("2024-03-01"), S("friday")}), "2024-02-23");
  EXPECT_THROW(call("next_day", {date("2024-03-01"), S("x")}), InvalidInputError);
  EXPECT_EQ(call("dayname", {date("2024-02-29")}), "Thu");
  EXPECT_EQ(call("monthname", {ts("2024-02-29 10:00:00")}), "Feb");
}

TEST(DatetimeFunctions, CurrentTime) {
  auto f = resolve_scalar_function("current_timestamp", {});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->deterministic);
  EXPECT_EQ(f->result_type.to_string(), "TIMESTAMP");
  EXPECT_EQ(resolve_scalar_function("now", {})->name, "current_timestamp");
  EXPECT_EQ(resolve_scalar_function("current_date", {})->result_type.to_string(), "DATE");
  auto d = call("current_date", {});
  EXPECT_EQ(d.size(), 10u);
  EXPECT_GE(d, "2024-01-01");
}

}  // namespace
}  // namespace floe::exec

namespace floe::exec {
namespace {

TEST(DatetimeFunctions, PartAndFormatPerRow) {
  using columnar::DataType;
  using columnar::TypeId;
  using S = std::string;
  auto parts = testing::column_of({S("year"), S("MONTH"), std::monostate{}, S("d")},
                                  DataType(TypeId::kString));
  auto days = testing::column_of({testing::date("2024-05-17"), testing::date("2024-05-17"),
                                  testing::date("2024-05-17"), testing::date("2024-05-17")},
                                 DataType(TypeId::kDate));
  EXPECT_EQ(testing::texts(testing::call_columns("date_trunc", {&parts, &days})),
            (std::vector<std::string>{"2024-01-01", "2024-05-01", "NULL", "2024-05-17"}));
  auto formats = testing::column_of({S("YYYY"), S("DD.MM"), S("YYYY"), std::monostate{}},
                                    DataType(TypeId::kString));
  EXPECT_EQ(testing::texts(testing::call_columns("to_char", {&days, &formats})),
            (std::vector<std::string>{"2024", "17.05", "2024", "NULL"}));
}

}  // namespace
}  // namespace floe::exec
