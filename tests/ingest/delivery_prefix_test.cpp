// Firehose's key rules: prefix expressions, the default layout, error prefixes, object names,
// and the buffering rule (size or interval, whichever first).
#include "ingest/delivery_prefix.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "ingest/delivery_buffer.h"
#include "ingest/delivery_encoding.h"
#include "ingest/delivery_stream.h"

namespace floe::ingest {
namespace {

// 2024-03-05 07:08:09.123 UTC
constexpr int64_t kT = 1709622489123;

TEST(DeliveryPrefix, DefaultLayoutIsAppendedWithoutTimestamp) {
  auto r = seeded_random_string(1);
  EXPECT_EQ(evaluate_prefix(effective_prefix(""), kT, r), "2024/03/05/07/");
  EXPECT_EQ(evaluate_prefix(effective_prefix("logs/"), kT, r), "logs/2024/03/05/07/");
  // A prefix with a timestamp is used as written.
  EXPECT_EQ(evaluate_prefix(effective_prefix("y=!{timestamp:yyyy}/m=!{timestamp:MM}/"), kT, r),
            "y=2024/m=03/");
}

TEST(DeliveryPrefix, TimestampPatternsAndLiterals) {
  auto r = seeded_random_string(1);
  EXPECT_EQ(format_utc("yyyy-MM-dd HH:mm:ss.SSS", kT), "2024-03-05 07:08:09.123");
  EXPECT_EQ(format_utc("yy/'dt='dd", kT), "24/dt=05");
  EXPECT_EQ(format_utc("''yyyy''", kT), "'2024'");
  EXPECT_THROW(format_utc("EEE", kT), InvalidInputError);
  EXPECT_THROW(evaluate_prefix("!{partitionKeyFromQuery:k}/", kT, r), InvalidInputError);
  EXPECT_THROW(evaluate_prefix("!{timestamp:yyyy", kT, r), InvalidInputError);
  EXPECT_THROW(evaluate_prefix(std::string(600, 'a'), kT, r), InvalidInputError);
}

TEST(DeliveryPrefix, RandomStringsAreElevenCharactersAndSeeded) {
  auto a = seeded_random_string(42);
  auto b = seeded_random_string(42);
  std::string x = evaluate_prefix("!{firehose:random-string}/", kT, a);
  EXPECT_EQ(x.size(), 12u);
  EXPECT_EQ(x, evaluate_prefix("!{firehose:random-string}/", kT, b));
  EXPECT_NE(x, evaluate_prefix("!{firehose:random-string}/", kT, a));  // new per use
  for (char c : x.substr(0, 11))
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) && !std::isupper(c));
}

TEST(DeliveryPrefix, ErrorPrefixes) {
  auto r = seeded_random_string(1);
  EXPECT_EQ(evaluate_prefix(default_error_prefix("logs/"), kT, r, "format-conversion-failed"),
            "logs/format-conversion-failed/2024/03/05/07/");
  EXPECT_EQ(evaluate_prefix(default_error_prefix(""), kT, r, "processing-failed"),
            "processing-failed/2024/03/05/07/");
  // With expressions in the prefix an explicit error prefix is required.
  EXPECT_THROW(default_error_prefix("!{timestamp:yyyy}/"), InvalidInputError);
  // error-output-type is for error prefixes only.
  EXPECT_THROW(evaluate_prefix("!{firehose:error-output-type}/", kT, r), InvalidInputError);
}

TEST(DeliveryPrefix, ObjectNamesFollowFirehose) {
  auto r = seeded_random_string(7);
  std::string key = object_key("2024/03/05/07/", "orders", 3, kT, r);
  EXPECT_EQ(key.substr(0, key.size() - 11), "2024/03/05/07/orders-3-2024-03-05-07-08-09-");
  EXPECT_EQ(key.size() - std::string("2024/03/05/07/orders-3-2024-03-05-07-08-09-").size(), 11u);
}

TEST(DeliveryStreamDefinition, ValidatesAndRoundTrips) {
  DeliveryStreamDefinition d;
  d.id = parse_stream_name("orders");
  EXPECT_EQ(d.id.to_string(), "default.orders");
  d.location = "s3://landing-bucket/x/";
  d.prefix = "in/";
  d.buffer_mb = 7;
  d.buffer_seconds = 0;
  d.version = 4;
  d.validate();
  auto back = DeliveryStreamDefinition::from_json(d.id, d.to_json());
  EXPECT_EQ(back.to_json(), d.to_json());
  d.buffer_mb = 129;
  EXPECT_THROW(d.validate(), InvalidInputError);
  d.buffer_mb = 1;
  d.buffer_seconds = 901;
  EXPECT_THROW(d.validate(), InvalidInputError);
  d.buffer_seconds = 60;
  d.prefix = "!{timestamp:yyyy}/";  // needs an error prefix with the error output type
  EXPECT_THROW(d.validate(), InvalidInputError);
  d.error_prefix = "err/!{timestamp:yyyy}/";
  EXPECT_THROW(d.validate(), InvalidInputError);
  d.error_prefix = "err/!{firehose:error-output-type}/!{timestamp:yyyy}/";
  d.validate();
  EXPECT_EQ(parse_stream_name("raw.orders_stream").namespace_string(), "raw");
}

TEST(DeliveryBuffer, FlushesOnSizeOrIntervalWhicheverFirst) {
  DeliveryBuffer b(100, 1000);
  EXPECT_FALSE(b.due(0));
  b.add({5000, std::string(60, 'a')});
  EXPECT_FALSE(b.due(5999));
  EXPECT_TRUE(b.due(6000));  // the interval since the oldest record
  EXPECT_EQ(*b.due_at_ms(), 6000);
  b.add({5500, std::string(40, 'b')});
  EXPECT_TRUE(b.due(5001));  // 100 bytes: the size hint
  EXPECT_EQ(b.record_count(), 2u);
  auto records = b.take();
  EXPECT_EQ(records.size(), 2u);
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(b.due(1'000'000));
  DeliveryBuffer zero(100, 0);  // zero buffering: due at once
  zero.add({1, "x"});
  EXPECT_TRUE(zero.due(1));
}

TEST(DeliveryEncoding, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(*base64_decode("Zm9vYg"), "foob");
  EXPECT_FALSE(base64_decode("Zm9v!g==").has_value());
  std::string all;
  for (int i = 0; i < 256; ++i) all += char(i);
  EXPECT_EQ(*base64_decode(base64_encode(all)), all);
}

}  // namespace
}  // namespace floe::ingest
