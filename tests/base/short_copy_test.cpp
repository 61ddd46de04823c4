// copy_short and equal_short: every length from 0 to 40, equal and differing in each byte.
#include "base/short_copy.h"

#include <gtest/gtest.h>

#include <string>

namespace floe {
namespace {

TEST(ShortBytes, CopyAndCompareEveryLength) {
  for (size_t len = 0; len <= 40; ++len) {
    std::string a(len, 'x');
    for (size_t i = 0; i < len; ++i) a[i] = char('a' + (i * 7) % 26);
    std::string b(len + 2, '#');  // guard bytes on both sides
    copy_short(&b[1], a.data(), len);
    EXPECT_EQ(b.substr(1, len), a) << len;
    EXPECT_EQ(b.front(), '#');
    EXPECT_EQ(b.back(), '#');
    EXPECT_TRUE(equal_short(a.data(), b.data() + 1, len)) << len;
    for (size_t i = 0; i < len; ++i) {
      std::string c = a;
      c[i] = char(c[i] ^ 0x20);
      EXPECT_FALSE(equal_short(a.data(), c.data(), len)) << len << " byte " << i;
    }
  }
}

}  // namespace
}  // namespace floe
