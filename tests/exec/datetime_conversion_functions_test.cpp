#include <gtest/gtest.h>

#include "exec/datetime_format.h"
#include "exec/time_zone.h"
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

TEST(DatetimeConversion, ToDate) {
  EXPECT_EQ(call("to_date", {S("2024-02-29")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("2024-02-29 23:59:59")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("02/29/2024")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("29-Feb-2024")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("  2024-02-29 ")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("86400")}), "1970-01-02");
  EXPECT_EQ(call("to_date", {S("2024.02.29"), S("YYYY.MM.DD")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("29 february 24"), S("DD MMMM YY")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("2024-060"), S("YYYY-DDD")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {S("2024-02-29"), S("AUTO")}), "2024-02-29");
  EXPECT_EQ(call("date", {ts("2024-02-29 10:00:00")}), "2024-02-29");
  EXPECT_EQ(call("to_date", {N{}}), "NULL");
  try {
    call("to_date", {S("2023-02-29")});
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_STREQ(e.what(), "to_date: '2023-02-29' is not a date");
  }
  try {
    call("to_date", {S("2024/02/29"), S("YYYY-MM-DD")});
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_STREQ(e.what(), "to_date: '2024/02/29' does not match the format 'YYYY-MM-DD'");
  }
  EXPECT_EQ(call("try_to_date", {S("not a date")}), "NULL");
  EXPECT_EQ(call("try_to_date", {S("2024-13-01")}), "NULL");
  EXPECT_EQ(call("try_to_date", {S("2024-12-01")}), "2024-12-01");
}

TEST(DatetimeConversion, ToTimestamp) {
  EXPECT_EQ(call("to_timestamp", {S("2024-02-29 13:14:15.5")}), "2024-02-29 13:14:15.500000");
  EXPECT_EQ(call("to_timestamp", {S("2024-02-29T13:14:15+02:00")}), "2024-02-29 13:14:15");
  EXPECT_EQ(call("to_timestamp_tz", {S("2024-02-29T13:14:15+02:00")}), "2024-02-29 11:14:15+00");
  EXPECT_EQ(call("to_timestamp_tz", {S("2024-02-29 13:14:15")}), "2024-02-29 13:14:15+00");
  EXPECT_EQ(call("to_timestamp", {S("02/29/2024 01:02:03 PM"), S("MM/DD/YYYY HH12:MI:SS AM")}),
            "2024-02-29 13:02:03");
  EXPECT_EQ(call("to_timestamp", {S("12/31/2024 12:00:00 AM"), S("MM/DD/YYYY HH12:MI:SS PM")}),
            "2024-12-31 00:00:00");
  EXPECT_EQ(call("to_timestamp", {S("2024-02-29 13:14:15.123"), S("YYYY-MM-DD HH24:MI:SS.FF3")}),
            "2024-02-29 13:14:15.123000");
  EXPECT_EQ(
      call("to_timestamp_tz", {S("2024-02-29 13:14 -05:30"), S("YYYY-MM-DD HH24:MI TZH:TZM")}),
      "2024-02-29 18:44:00+00");
  EXPECT_EQ(call("to_timestamp", {S("2024-02-29T10:00:00"), S("YYYY-MM-DD\"T\"HH24:MI:SS")}),
            "2024-02-29 10:00:00");
  EXPECT_EQ(call("to_timestamp", {int64_t(1709212455)}), "2024-02-29 13:14:15");
  EXPECT_EQ(call("to_timestamp", {int64_t(1709212455123), int64_t(3)}),
            "2024-02-29 13:14:15.123000");
  EXPECT_EQ(call("to_timestamp", {int64_t(-1)}), "1969-12-31 23:59:59");
  EXPECT_EQ(call("to_timestamp", {1.5}), "1970-01-01 00:00:01.500000");
  EXPECT_EQ(call("to_timestamp", {S("1709212455123")}), "2024-02-29 13:14:15.123000");
  EXPECT_EQ(call("to_timestamp", {date("2024-02-29")}), "2024-02-29 00:00:00");
  EXPECT_EQ(call("to_timestamp_ntz", {S("2024-02-29")}), "2024-02-29 00:00:00");
  EXPECT_THROW(call("to_timestamp", {S("yesterday")}), InvalidInputError);
  EXPECT_THROW(call("to_timestamp", {int64_t(1), int64_t(10)}), InvalidInputError);
  EXPECT_EQ(call("try_to_timestamp", {S("2024-02-30 00:00:00")}), "NULL");
  EXPECT_EQ(call("try_to_timestamp", {S("13:00 2024-01-02"), S("HH24:MI YYYY-MM-DD")}),
            "2024-01-02 13:00:00");
}

TEST(DatetimeConversion, FromParts) {
  EXPECT_EQ(call("date_from_parts", {int64_t(2024), int64_t(2), int64_t(29)}), "2024-02-29");
  EXPECT_EQ(call("date_from_parts", {int64_t(2024), int64_t(13), int64_t(1)}), "2025-01-01");
  EXPECT_EQ(call("date_from_parts", {int64_t(2024), int64_t(3), int64_t(0)}), "2024-02-29");
  EXPECT_EQ(call("datefromparts", {int64_t(2024), int64_t(0), int64_t(1)}), "2023-12-01");
  EXPECT_EQ(call("make_date", {int64_t(2024), int64_t(1), int64_t(-1)}), "2023-12-30");
  EXPECT_EQ(call("date_from_parts", {int64_t(2024), N{}, int64_t(1)}), "NULL");
  EXPECT_THROW(call("date_from_parts", {int64_t(1000000), int64_t(1), int64_t(1)}),
               InvalidInputError);
  EXPECT_EQ(call("timestamp_from_parts",
                 {int64_t(2024), int64_t(2), int64_t(29), int64_t(23), int64_t(59), int64_t(60)}),
            "2024-03-01 00:00:00");
  EXPECT_EQ(call("timestamp_from_parts", {int64_t(2024), int64_t(2), int64_t(29), int64_t(1),
                                          int64_t(2), int64_t(3), int64_t(4000)}),
            "2024-02-29 01:02:03.000004");
  EXPECT_EQ(call("timestamp_from_parts", {date("2024-02-29"), time("10:11:12")}),
            "2024-02-29 10:11:12");
  EXPECT_EQ(call("time_from_parts", {int64_t(12), int64_t(34), int64_t(56)}), "12:34:56");
  EXPECT_EQ(call("time_from_parts", {int64_t(0), int64_t(100), int64_t(0)}), "01:40:00");
  EXPECT_EQ(call("time_from_parts", {int64_t(25), int64_t(0), int64_t(0)}), "01:00:00");
}

TEST(DatetimeConversion, StrftimeStrptime) {
  testing::Lit t = ts("2024-02-29 13:04:05.123456");
  EXPECT_EQ(call("strftime", {t, S("%Y-%m-%d %H:%M:%S.%f")}), "2024-02-29 13:04:05.123456");
  EXPECT_EQ(call("strftime", {t, S("%a %A %b %B %-d %-m %y %j")}),
            "Thu Thursday Feb February 29 2 24 060");
  EXPECT_EQ(call("strftime", {t, S("%I:%M %p %g %w %u %V %G %%")}), "01:04 PM 123 4 4 09 2024 %");
  EXPECT_EQ(call("strftime", {t, S("%s %z %Z")}), "1709211845 +0000 UTC");
  EXPECT_EQ(call("strftime", {date("2024-01-07"), S("%F %T %U %W")}), "2024-01-07 00:00:00 01 01");
  EXPECT_THROW(call("strftime", {t, S("%Q")}), InvalidInputError);
  EXPECT_EQ(call("strptime", {S("29/02/2024 13:04"), S("%d/%m/%Y %H:%M")}), "2024-02-29 13:04:00");
  EXPECT_EQ(call("strptime", {S("Feb 29 2024 1:04 PM"), S("%b %d %Y %I:%M %p")}),
            "2024-02-29 13:04:00");
  EXPECT_EQ(call("strptime", {S("2024-02-29 10:00:00 +0200"), S("%Y-%m-%d %H:%M:%S %z")}),
            "2024-02-29 08:00:00");
  EXPECT_EQ(call("strptime", {S("1709211845"), S("%s")}), "2024-02-29 13:04:05");
  EXPECT_THROW(call("strptime", {S("2024-02-30"), S("%Y-%m-%d")}), InvalidInputError);
  EXPECT_EQ(call("try_strptime", {S("x"), S("%Y")}), "NULL");
  EXPECT_EQ(call("epoch_ms", {int64_t(1709211845123)}), "2024-02-29 13:04:05.123000");
  EXPECT_EQ(call("epoch_ms", {ts("1969-12-31 23:59:59.9995")}), "-1");
}

TEST(DatetimeConversion, SnowflakeFormatOutput) {
  auto f = DateTimeFormat::snowflake("YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM", "to_char");
  std::string out;
  f.format(int64_t(19782) * 86400000000LL + 3723123456LL, -19800, out);
  EXPECT_EQ(out, "2024-02-29 01:02:03.123 -05:30");
  out.clear();
  DateTimeFormat::snowflake("DY, DD MON YYYY HH12 AM MMMM yy \"Q\"", "to_char")
      .format(int64_t(19782) * 86400000000LL + 13 * 3600000000LL, 0, out);
  EXPECT_EQ(out, "Thu, 29 Feb 2024 01 PM February 24 Q");
}

TEST(TimeZones, FixedAndUnknown) {
  EXPECT_EQ(TimeZone::find("UTC")->offset_at_utc(0), 0);
  EXPECT_EQ(TimeZone::find("+05:30")->offset_at_utc(0), 19800);
  EXPECT_EQ(TimeZone::find("UTC-8")->offset_at_utc(0), -28800);
  try {
    TimeZone::find("Mars/Olympus_Mons");
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_STREQ(e.what(), "unknown time zone 'Mars/Olympus_Mons'");
  }
  EXPECT_THROW(TimeZone::find("../../etc/passwd"), InvalidInputError);
  EXPECT_THROW(TimeZone::from_tzif("bad", "TZif2"), InvalidInputError);
  EXPECT_THROW(TimeZone::from_tzif("bad", std::string(60, 'x')), InvalidInputError);
}

TEST(TimeZones, PosixRules) {
  PosixTzRule r;
  ASSERT_TRUE(r.parse("EST5EDT,M3.2.0,M11.1.0"));
  EXPECT_EQ(r.std_offset, -18000);
  EXPECT_EQ(r.dst_offset, -14400);
  // 2100-07-01 12:00 UTC is in daylight time; 2100-01-01 is not.
  EXPECT_EQ(r.offset_at(4102444800LL + 181 * 86400 + 43200), -14400);
  EXPECT_EQ(r.offset_at(4102444800LL), -18000);
  PosixTzRule south;
  ASSERT_TRUE(south.parse("AEST-10AEDT,M10.1.0,M4.1.0/3"));
  EXPECT_EQ(south.offset_at(4102444800LL), 39600);  // January: summer
  EXPECT_EQ(south.offset_at(4102444800LL + 181 * 86400), 36000);
  PosixTzRule fixed;
  ASSERT_TRUE(fixed.parse("<+0530>-5:30"));
  EXPECT_EQ(fixed.offset_at(0), 19800);
  EXPECT_FALSE(PosixTzRule().parse("5"));
}

TEST(TimeZones, ConvertTimezone) {
  // New York: EST in winter, EDT in summer; a wall time in the spring gap moves forward.
  EXPECT_EQ(call("convert_timezone", {S("America/New_York"), S("UTC"), ts("2024-01-15 12:00:00")}),
            "2024-01-15 17:00:00");
  EXPECT_EQ(call("convert_timezone", {S("America/New_York"), S("UTC"), ts("2024-07-15 12:00:00")}),
            "2024-07-15 16:00:00");
  EXPECT_EQ(call("convert_timezone", {S("UTC"), S("America/New_York"), ts("2024-03-10 07:30:00")}),
            "2024-03-10 03:30:00");
  EXPECT_EQ(call("convert_timezone", {S("America/New_York"), S("UTC"), ts("2024-03-10 02:30:00")}),
            "2024-03-10 07:30:00");
  // In the autumn overlap 01:30 is read as the first (daylight) one.
  EXPECT_EQ(call("convert_timezone", {S("America/New_York"), S("UTC"), ts("2024-11-03 01:30:00")}),
            "2024-11-03 05:30:00");
  EXPECT_EQ(call("convert_timezone",
                 {S("Asia/Kolkata"), S("Australia/Sydney"), ts("2024-01-01 00:00:00")}),
            "2024-01-01 05:30:00");
  EXPECT_EQ(call("convert_timezone", {S("Europe/Berlin"), tstz("2024-06-01 10:00:00+00:00")}),
            "2024-06-01 12:00:00");
  // Far past the last transition the zone's rule decides.
  EXPECT_EQ(call("convert_timezone", {S("Europe/Berlin"), tstz("2200-07-01 10:00:00+00:00")}),
            "2200-07-01 12:00:00");
  EXPECT_EQ(call("convert_timezone", {S("Europe/Berlin"), tstz("2200-01-01 10:00:00+00:00")}),
            "2200-01-01 11:00:00");
  EXPECT_EQ(call("convert_timezone", {S("UTC"), N{}}), "NULL");
  EXPECT_THROW(call("convert_timezone", {S("Nowhere/City"), tstz("2024-06-01 10:00:00+00:00")}),
               InvalidInputError);
}

}  // namespace
}  // namespace floe::exec
