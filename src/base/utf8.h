// UTF-8 helpers shared by the layers that cut or build text by code point (Iceberg's truncate
// transform and string bounds, XML entity decoding). Layer: base. Inputs are not validated:
// a stray byte counts as one code point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace floe {

// Appends code point `cp` (at most U+10FFFF) in UTF-8.
void append_utf8(std::string& out, uint32_t cp);

// Byte length of the first `code_points` code points of `s` (all of `s` if it has fewer);
// continuation bytes never start a code point.
size_t utf8_prefix_bytes(std::string_view s, size_t code_points);

// Length of the sequence a lead byte starts (1 for ASCII and for stray bytes).
inline size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace floe
