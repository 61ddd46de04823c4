// Integers read from JSON documents floe did not write (Iceberg table and view metadata,
// catalog records). nlohmann's get<int>() casts a floating-point number to the integer type,
// which is undefined when the number is out of range, and narrows a large integer silently:
// these take integer JSON numbers only and check that they fit. Layer: formats (json).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "base/error.h"

namespace floe::formats::json {

// `v` as a T when it is an integer JSON number within T's range, otherwise nothing.
template <typename T, typename BasicJson>
std::optional<T> integer_of(const BasicJson& v) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.template get<uint64_t>();
    if (!std::in_range<T>(u)) return std::nullopt;
    return T(u);
  }
  if (v.is_number_integer()) {
    int64_t s = v.template get<int64_t>();
    if (!std::in_range<T>(s)) return std::nullopt;
    return T(s);
  }
  return std::nullopt;
}

// `v` as a T; a CorruptDataError naming `what` when it is not an integer that fits.
template <typename T, typename BasicJson>
T integer_value(const BasicJson& v, std::string_view what) {
  if (auto n = integer_of<T>(v)) return *n;
  throw CorruptDataError(fmt::format("{} is {}, not an integer that fits in {} bits", what,
                                     v.dump(), sizeof(T) * 8));
}

// The member `key` of object `j` as a T, `fallback` when it is absent or null.
template <typename T, typename BasicJson>
T integer_member(const BasicJson& j, const char* key, T fallback, std::string_view context) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return integer_value<T>(*it, fmt::format("{}: '{}'", context, key));
}

}  // namespace floe::formats::json
