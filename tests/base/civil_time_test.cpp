#include "base/civil_time.h"

#include <gtest/gtest.h>

namespace floe {

TEST(CivilTime, DaysRoundTripAcrossEras) {
  for (int64_t d = -800000; d <= 800000; d += 997) {
    CivilDate c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
}

TEST(CivilTime, FormatsAndParses) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_EQ(format_timestamp(1500, 1000000), "1970-01-01 00:00:00.001500");
  EXPECT_EQ(format_timestamp(-1, 1000000), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(format_timestamp(86400LL * 1000, 1000), "1970-01-02 00:00:00");
  EXPECT_EQ(parse_date("2024-02-29"), 19782);
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-13-01"));
  EXPECT_FALSE(parse_date("hello"));
  EXPECT_EQ(parse_timestamp_micros("1970-01-01 00:00:01.5"), 1500000);
  EXPECT_EQ(parse_timestamp_micros("1970-01-01T01:00:00+01:00"), 0);
  bool zone = false;
  EXPECT_EQ(parse_timestamp_micros("1970-01-01T00:00:00Z", &zone), 0);
  EXPECT_TRUE(zone);
  EXPECT_FALSE(parse_timestamp_micros("1970-01-01 25:00:00"));
  EXPECT_EQ(parse_time_micros("12:30:00"), (12 * 3600 + 30 * 60) * 1000000LL);
}

}  // namespace floe
