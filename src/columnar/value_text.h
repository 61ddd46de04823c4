// Text forms of column values: the plain form used by CSV and table output, and JSON.
// Layer: columnar. NULLs are the caller's business in the plain form; JSON writes null.
#pragma once

#include <cstdint>
#include <string>

#include "columnar/column.h"

namespace floe::columnar {

// Appends the value at `row` (which must be valid) in its plain text form:
// integers and decimals exactly, floats in shortest round-trip form, dates and times in
// ISO form, binary as lowercase hex, nested values as JSON.
void append_value_text(const Column& column, int64_t row, std::string& out);
// Appends the value at `row` as a JSON value (null when it is NULL).
void append_value_json(const Column& column, int64_t row, std::string& out);
// Appends `s` as a quoted JSON string.
void append_json_string(std::string_view s, std::string& out);
std::string decimal_to_string(__int128 unscaled, int scale);

}  // namespace floe::columnar
