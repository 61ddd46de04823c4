#include "formats/utf8_text.h"

#include <cstdint>
#include <cstring>

namespace floe::formats {

namespace {

// Length of the well-formed sequence at s[i], or 0 when it is ill-formed; `*bad` is then the
// length of its maximal subpart (at least 1).
size_t sequence_at(const unsigned char* s, size_t n, size_t i, size_t* bad) {
  unsigned char c = s[i];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= n) {
      *bad = k;
      return 0;
    }
    unsigned char b = s[i + k];
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
      *bad = k;
      return 0;
    }
  }
  return len;
}

}  // namespace

size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    size_t bad = 0;
    size_t len = sequence_at(s, n, i, &bad);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

size_t replace_invalid_utf8(std::string_view text, char* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  char* w = out;
  size_t i = 0;
  while (i < n) {
    size_t bad = 0;
    size_t len = sequence_at(s, n, i, &bad);
    if (len) {
      std::memcpy(w, s + i, len);
      w += len;
      i += len;
    } else {
      std::memcpy(w, "\xEF\xBF\xBD", 3);
      w += 3;
      i += bad;
    }
  }
  return size_t(w - out);
}

}  // namespace floe::formats
