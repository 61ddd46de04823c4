// TranscodingReader (iconv into UTF-8) and the UTF-8 checks the text readers use.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "formats/transcoding_reader.h"
#include "formats/utf8_text.h"

namespace floe::formats {
namespace {

// Reads `bytes` through a transcoder whose source hands out `piece` bytes at a time.
std::string transcode(const std::string& bytes, const std::string& encoding, size_t piece) {
  size_t at = 0;
  TranscodingReader reader(
      [&](char* dst, size_t n) {
        size_t k = std::min({n, piece, bytes.size() - at});
        bytes.copy(dst, k, at);
        at += k;
        return k;
      },
      encoding, "test");
  std::string out;
  char buf[5];
  while (size_t got = reader.read(buf, sizeof buf)) out.append(buf, got);
  return out;
}

TEST(TranscodingReaderTest, DecodesAcrossSplitSequences) {
  // "é€" in UTF-16LE and Shift_JIS (a two-byte kanji), one source byte at a time.
  EXPECT_EQ(transcode(std::string("\xE9\x00\xAC\x20", 4), "UTF-16LE", 1), "é€");
  EXPECT_EQ(transcode("\x93\xFA\x96\x7B", "SHIFT_JIS", 1), "日本");
  EXPECT_EQ(transcode("caf\xE9", "LATIN1", 3), "café");
  EXPECT_EQ(transcode("\x80", "windows1252", 1), "€");
  EXPECT_EQ(transcode("", "UTF-16", 1), "");
}

TEST(TranscodingReaderTest, InvalidAndCutSequencesBecomeReplacementChars) {
  // 0x81 has no character in WINDOWS-1252; a UTF-16 text cut in the middle of a unit.
  EXPECT_EQ(transcode("a\x81z", "WINDOWS-1252", 2), "a\xEF\xBF\xBDz");
  EXPECT_EQ(transcode(std::string("a\x00" "b", 3), "UTF-16LE", 1), "a\xEF\xBF\xBD");
}

TEST(TranscodingReaderTest, NamesAndUnknownEncodings) {
  EXPECT_TRUE(is_utf8_encoding("UTF8"));
  EXPECT_TRUE(is_utf8_encoding("utf-8"));
  EXPECT_FALSE(is_utf8_encoding("UTF-16"));
  try {
    transcode("x", "NOT-A-CHARSET", 1);
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_NE(std::string(e.what()).find("test: unknown encoding 'NOT-A-CHARSET'"),
              std::string::npos);
  }
}

TEST(Utf8TextTest, FindsIllFormedSequences) {
  const size_t npos = std::string_view::npos;
  EXPECT_EQ(find_invalid_utf8("plain ascii text, long enough for the 8-byte path"), npos);
  EXPECT_EQ(find_invalid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"), npos);
  EXPECT_EQ(find_invalid_utf8("abcdefgh\xFF"), 8u);
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);      // a surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ok\xE2\x82"), 2u);        // cut short
}

TEST(Utf8TextTest, ReplacesMaximalSubparts) {
  auto fix = [](std::string_view s) {
    std::string out(3 * s.size(), '\0');
    out.resize(replace_invalid_utf8(s, out.data()));
    return out;
  };
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(fix("a\xFF" "b"), "a" + r + "b");
  EXPECT_EQ(fix("\xE2\x82" "x"), r + "x");       // one U+FFFD for the cut sequence
  EXPECT_EQ(fix("\xC3\xA9\xC3"), "\xC3\xA9" + r);
  EXPECT_EQ(fix("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace floe::formats
