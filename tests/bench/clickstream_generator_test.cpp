#include "bench/clickstream_generator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "base/error.h"
#include "columnar/value_text.h"

namespace floe::bench {
namespace {

using columnar::Batch;
using columnar::TypeId;

constexpr int64_t kMicrosPerHour = 3600LL * 1000000;

// All rows of a run as text (one line per row), for byte-for-byte comparison.
std::string dump(uint64_t seed, int64_t rows, int days) {
  ClickstreamGenerator gen(seed, rows, days);
  Batch b;
  int day, hour;
  std::string out;
  while (gen.next_hour(b, &day, &hour)) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      for (const auto& c : b.columns) {
        if (c.is_null(r))
          out += "NULL";
        else
          columnar::append_value_text(c, r, out);
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

TEST(ClickstreamGenerator, SchemaMatchesTheBenchmarkDoc) {
  auto s = clickstream_schema();
  std::vector<std::pair<std::string, TypeId>> want = {
      {"click_id", TypeId::kInt64},     {"ts", TypeId::kTimestamp},
      {"user_id", TypeId::kInt64},      {"session_id", TypeId::kString},
      {"element_id", TypeId::kInt32},   {"page_url", TypeId::kString},
      {"referrer", TypeId::kString},    {"device", TypeId::kString},
      {"country", TypeId::kString},     {"duration_ms", TypeId::kInt32},
      {"properties", TypeId::kString}};
  ASSERT_EQ(s.fields.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(s.fields[i].name, want[i].first);
    EXPECT_EQ(s.fields[i].type.id(), want[i].second);
  }
}

TEST(ClickstreamGenerator, SameSeedSameBytes) {
  std::string a = dump(7, 5000, 2);
  std::string b = dump(7, 5000, 2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, dump(8, 5000, 2));
}

TEST(ClickstreamGenerator, ExactRowCountAndIncreasingIds) {
  for (auto [rows, days] : std::vector<std::pair<int64_t, int>>{{0, 1}, {7, 3}, {1000, 1}, {12345, 4}}) {
    ClickstreamGenerator gen(1, rows, days);
    Batch b;
    int day, hour, hours = 0;
    int64_t total = 0;
    while (gen.next_hour(b, &day, &hour)) {
      EXPECT_EQ(day, hours / 24);
      EXPECT_EQ(hour, hours % 24);
      ++hours;
      for (int64_t r = 0; r < b.num_rows(); ++r)
        ASSERT_EQ(b.columns[0].value<int64_t>(r), total + r + 1);
      total += b.num_rows();
    }
    EXPECT_EQ(hours, days * 24);
    EXPECT_EQ(total, rows);
  }
}

TEST(ClickstreamGenerator, TimestampsInsideTheirHourAndSorted) {
  ClickstreamGenerator gen(42, 30000, 2, "2024-02-28");
  EXPECT_EQ(gen.start_day(), 19781);  // 2024-02-28
  Batch b;
  int day, hour;
  int64_t afternoon = 0, night = 0;
  while (gen.next_hour(b, &day, &hour)) {
    const int64_t start = (int64_t(gen.start_day() + day) * 24 + hour) * kMicrosPerHour;
    const auto* ts = b.columns[1].values<int64_t>();
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      ASSERT_GE(ts[r], start);
      ASSERT_LT(ts[r], start + kMicrosPerHour);
      if (r) {
        ASSERT_LE(ts[r - 1], ts[r]);
      }
    }
    if (hour == 15) afternoon += b.num_rows();
    if (hour == 3) night += b.num_rows();
  }
  EXPECT_GT(afternoon, 5 * night);  // the daily curve
}

TEST(ClickstreamGenerator, ValueDistributions) {
  ClickstreamGenerator gen(42, 100000, 1);
  Batch b;
  int day, hour;
  int64_t rows = 0, null_referrers = 0, desktop = 0;
  std::set<std::string> urls, countries, devices;
  std::set<int64_t> users;
  int64_t top_user_clicks = 0;
  while (gen.next_hour(b, &day, &hour)) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      ++rows;
      int64_t user = b.columns[2].value<int64_t>(r);
      ASSERT_GE(user, 1);
      ASSERT_LE(user, 10000000);
      users.insert(user);
      top_user_clicks += user == 1;
      auto sid = b.columns[3].string_at(r);
      ASSERT_EQ(sid.size(), 32u);
      ASSERT_EQ(sid.find_first_not_of("0123456789abcdef"), std::string_view::npos);
      int32_t element = b.columns[4].value<int32_t>(r);
      ASSERT_GE(element, 1);
      ASSERT_LE(element, 100000);
      urls.insert(std::string(b.columns[5].string_at(r)));
      null_referrers += b.columns[6].is_null(r);
      devices.insert(std::string(b.columns[7].string_at(r)));
      desktop += b.columns[7].string_at(r) == "desktop";
      auto country = b.columns[8].string_at(r);
      ASSERT_EQ(country.size(), 2u);
      countries.insert(std::string(country));
      ASSERT_GT(b.columns[9].value<int32_t>(r), 0);
      if (rows <= 5000) {  // JSON parsing is slow under the sanitizers: check a sample
        auto props = nlohmann::json::parse(b.columns[10].string_at(r));
        ASSERT_TRUE(props.is_object());
        ASSERT_GE(props.size(), 3u);
        ASSERT_LE(props.size(), 6u);
      }
    }
  }
  ASSERT_EQ(rows, 100000);
  double null_ratio = double(null_referrers) / double(rows);
  EXPECT_NEAR(null_ratio, 0.30, 0.01);
  EXPECT_NEAR(double(desktop) / double(rows), 0.55, 0.02);
  EXPECT_EQ(devices, (std::set<std::string>{"desktop", "mobile", "tablet"}));
  EXPECT_LE(urls.size(), 5000u);
  EXPECT_GT(urls.size(), 3000u);
  EXPECT_LE(countries.size(), 200u);
  EXPECT_GT(countries.size(), 100u);
  // Zipf-like users: many distinct, yet repeat visitors.
  EXPECT_GT(users.size(), 20000u);
  EXPECT_LT(users.size(), 100000u);
}

TEST(ClickstreamGenerator, RejectsBadArguments) {
  EXPECT_THROW(ClickstreamGenerator(1, -1, 1), InvalidInputError);
  EXPECT_THROW(ClickstreamGenerator(1, 10, 0), InvalidInputError);
  EXPECT_THROW(ClickstreamGenerator(1, 10, 1, "2024-13-01"), InvalidInputError);
}

}  // namespace
}  // namespace floe::bench
