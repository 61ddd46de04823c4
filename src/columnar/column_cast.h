// Casting a whole column to another type: integer widening and checked narrowing, integers
// to floats and decimals, float widening, timestamp unit changes, dates to timestamps,
// text parsed into any type and any value to text. Layer: columnar. Used where data meets a
// declared schema (table appends, ingestion) and by the SQL engine's casts.
#pragma once

#include <string>

#include "columnar/column.h"

namespace floe::columnar {

// True when cast_column can convert `from` to `to` (it may still fail on a value).
bool can_cast(const DataType& from, const DataType& to);

// A column of type `to` with the values of `column`, NULLs kept. Throws InvalidInputError
// naming `what` (e.g. the column name), the row and the value when a value does not fit
// (out of range, unparsable text), UnsupportedError when the cast does not exist. Nested
// types cast field by field when their shapes match. Rows in messages are counted from
// `row_offset` + 1 (the column's place in a larger input).
Column cast_column(const Column& column, const DataType& to, const std::string& what = "value",
                   int64_t row_offset = 0);

}  // namespace floe::columnar
