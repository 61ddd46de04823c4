// Code-point level text helpers for the string functions: counting, decoding and encoding
// UTF-8, and Unicode case mapping. Layer: exec (private to the function library). Input is
// not validated: a stray byte is one code point of its own value, as base/utf8.h counts.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"

namespace floe::exec {

inline bool is_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size(), i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(p[i]) >= 0x80) return false;
  return true;
}

// Code points in s (continuation bytes do not start one).
inline int64_t utf8_length(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Decodes the code point at p (advancing p); a malformed sequence yields its lead byte.
inline uint32_t utf8_next(const char*& p, const char* end) {
  auto c = static_cast<unsigned char>(*p);
  size_t len = utf8_sequence_length(c);
  if (len == 1 || size_t(end - p) < len) {
    ++p;
    return c;
  }
  uint32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(p[k]);
    if ((cc & 0xC0) != 0x80) {
      ++p;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  p += len;
  return cp;
}

// Writes cp as UTF-8 at out (room for 4 bytes); returns the bytes written.
inline size_t utf8_encode(char* out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = char(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = char(0xC0 | (cp >> 6));
    out[1] = char(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = char(0xE0 | (cp >> 12));
    out[1] = char(0x80 | ((cp >> 6) & 0x3F));
    out[2] = char(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = char(0xF0 | (cp >> 18));
  out[1] = char(0x80 | ((cp >> 12) & 0x3F));
  out[2] = char(0x80 | ((cp >> 6) & 0x3F));
  out[3] = char(0x80 | (cp & 0x3F));
  return 4;
}

// Byte offset of code point `n` (0-based) in s, s.size() when s has fewer.
inline size_t utf8_offset(std::string_view s, int64_t n) {
  if (n <= 0) return 0;
  return utf8_prefix_bytes(s, size_t(n));
}

// A set of code points (TRIM's characters, STRTOK's delimiters): a table for ASCII, a
// list otherwise.
struct CodePointSet {
  bool ascii[128] = {};
  std::vector<uint32_t> other;

  explicit CodePointSet(std::string_view chars) {
    const char* p = chars.data();
    const char* end = p + chars.size();
    while (p < end) {
      uint32_t cp = utf8_next(p, end);
      if (cp < 128)
        ascii[cp] = true;
      else
        other.push_back(cp);
    }
  }
  bool contains(uint32_t cp) const {
    if (cp < 128) return ascii[cp];
    return std::find(other.begin(), other.end(), cp) != other.end();
  }
  // Trimmed bounds of v.
  std::string_view trim(std::string_view v, bool left, bool right) const {
    size_t b = 0, e = v.size();
    if (other.empty()) {  // bytes >= 0x80 are never in an ASCII set
      if (left)
        while (b < e && static_cast<unsigned char>(v[b]) < 128 && ascii[uint8_t(v[b])]) ++b;
      if (right)
        while (e > b && static_cast<unsigned char>(v[e - 1]) < 128 && ascii[uint8_t(v[e - 1])]) --e;
      return v.substr(b, e - b);
    }
    const char* base = v.data();
    if (left) {
      while (b < e) {
        const char* p = base + b;
        uint32_t cp = utf8_next(p, base + e);
        if (!contains(cp)) break;
        b = size_t(p - base);
      }
    }
    if (right) {
      while (e > b) {
        size_t s = e - 1;
        while (s > b && (static_cast<unsigned char>(base[s]) & 0xC0) == 0x80) --s;
        const char* p = base + s;
        uint32_t cp = utf8_next(p, base + e);
        if (!contains(cp)) break;
        e = s;
      }
    }
    return v.substr(b, e - b);
  }
};

// Simple (one-to-one) Unicode case mapping from the C library's UTF-8 locale; ASCII when
// that locale is missing.
uint32_t unicode_lower(uint32_t cp);
uint32_t unicode_upper(uint32_t cp);
bool unicode_is_alnum(uint32_t cp);

}  // namespace floe::exec
