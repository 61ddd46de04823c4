#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using columnar::DataType;
using columnar::TypeId;
using testing::call;
using N = std::monostate;
using S = std::string;

TEST(HashFunctions, Digests) {
  EXPECT_EQ(call("md5", {S("")}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(call("md5_hex", {S("abc")}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(call("md5_binary", {S("abc")}), "900150983cd24fb0d6963f7d28e17f72");  // hex text form
  EXPECT_EQ(call("sha1", {S("abc")}), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(call("sha2", {S("abc")}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(call("sha2", {S("abc"), int64_t(224)}),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(call("sha2", {S("abc"), int64_t(512)}).size(), 128u);
  EXPECT_EQ(call("sha2", {S("abc"), int64_t(384)}).size(), 96u);
  EXPECT_THROW(call("sha2", {S("abc"), int64_t(100)}), InvalidInputError);
  EXPECT_EQ(call("md5", {N{}}), "NULL");
}

TEST(HashFunctions, Hash) {
  EXPECT_EQ(testing::result_type("hash", {S("a"), int64_t(1)}), "BIGINT");
  EXPECT_EQ(call("hash", {S("a")}), call("hash", {S("a")}));
  EXPECT_NE(call("hash", {S("a")}), call("hash", {S("b")}));
  EXPECT_NE(call("hash", {S("a"), S("b")}), call("hash", {S("b"), S("a")}));
  EXPECT_NE(call("hash", {N{}}), "NULL");
  EXPECT_EQ(call("hash", {0.0}), call("hash", {-0.0}));
  // An INTEGER and a BIGINT of one value hash alike.
  auto i32 = testing::column_of({}, DataType(TypeId::kInt32));
  i32.append<int32_t>(7);
  auto i64 = testing::column_of({int64_t(7)}, DataType(TypeId::kInt64));
  EXPECT_EQ(testing::texts(testing::call_columns("hash", {&i32})),
            testing::texts(testing::call_columns("hash", {&i64})));
  EXPECT_THROW(resolve_scalar_function("hash", {}), BinderError);
}

TEST(HashFunctions, Encodings) {
  EXPECT_EQ(call("base64_encode", {S("")}), "");
  EXPECT_EQ(call("base64_encode", {S("f")}), "Zg==");
  EXPECT_EQ(call("base64_encode", {S("fo")}), "Zm8=");
  EXPECT_EQ(call("base64_encode", {S("foobar")}), "Zm9vYmFy");
  EXPECT_EQ(call("base64_encode", {S("日本")}), "5pel5pys");
  EXPECT_EQ(call("base64_decode_string", {S("Zm9vYmFy")}), "foobar");
  EXPECT_EQ(call("base64_decode_string", {S("Zm8=")}), "fo");
  EXPECT_EQ(call("base64_decode_string", {S("Zm9v\nYmFy")}), "foobar");
  EXPECT_EQ(call("base64_decode_binary", {S("Zm8=")}), "666f");
  EXPECT_THROW(call("base64_decode_string", {S("Zm8")}), InvalidInputError);
  EXPECT_THROW(call("base64_decode_string", {S("Z!==")}), InvalidInputError);
  EXPECT_EQ(call("try_base64_decode_string", {S("Zm8")}), "NULL");
  EXPECT_EQ(call("hex_encode", {S("abc")}), "616263");
  EXPECT_EQ(call("hex_encode", {S("\xff")}), "FF");
  EXPECT_EQ(call("hex_encode", {S("\xff"), int64_t(0)}), "ff");
  EXPECT_EQ(call("hex_decode_string", {S("616263")}), "abc");
  EXPECT_EQ(call("hex_decode_string", {S("6A6b")}), "jk");
  EXPECT_THROW(call("hex_decode_string", {S("6")}), InvalidInputError);
  EXPECT_THROW(call("hex_decode_string", {S("zz")}), InvalidInputError);
  EXPECT_EQ(call("try_hex_decode_string", {S("zz")}), "NULL");
  EXPECT_EQ(call("hex_decode_binary", {S("00ff")}), "00ff");
}

TEST(HashFunctions, UuidString) {
  auto f = resolve_scalar_function("uuid_string", {});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->deterministic);
  ScalarArgs args{{}, {}, 3};
  auto c = f->kernel(args, f->result_type);
  ASSERT_EQ(c.size(), 3);
  std::string u(c.string_at(0));
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[8], '-');
  EXPECT_EQ(u[14], '4');
  EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b');
  EXPECT_NE(c.string_at(0), c.string_at(1));
}

}  // namespace
}  // namespace floe::exec
