// UTF-8 validation and repair for text read from files: finding the first invalid sequence
// and replacing each invalid sequence by U+FFFD. Layer: formats. Used by the CSV reader's
// validate_utf8 / replace_invalid_utf8 options.
#pragma once

#include <cstddef>
#include <string_view>

namespace floe::formats {

// Offset of the first byte of `s` that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are ill-formed), or
// std::string_view::npos when all of `s` is valid. ASCII runs are checked 8 bytes at a time.
size_t find_invalid_utf8(std::string_view s);

// Copies `s` into `out` with each maximal ill-formed subsequence replaced by U+FFFD (the
// Unicode "maximal subpart" practice); returns the bytes written. `out` must have room for
// 3 * s.size() bytes.
size_t replace_invalid_utf8(std::string_view s, char* out);

}  // namespace floe::formats
