// Parsing a value's text form into a column of a given type: the inverse of value_text.h,
// used for literals in filters and for typed text input. Layer: columnar.
#pragma once

#include <string_view>

#include "columnar/column.h"

namespace floe::columnar {

// Appends `text` parsed as column.type(). Returns false (appending nothing) when the text
// is not a value of that type. Accepts: integers in range, decimals (rounding is refused:
// more fractional digits than the scale is false), floats incl. NaN/Infinity, booleans
// (true/false/1/0, any case), ISO dates, times and timestamps, UUIDs, strings as is,
// binaries as hex. Nested types are not parsed (false).
bool append_parsed_value(Column& column, std::string_view text);

}  // namespace floe::columnar
