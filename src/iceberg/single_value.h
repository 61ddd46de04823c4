// Single-value serialization (spec Appendix D): the binary form manifests use for
// lower/upper bounds, and the JSON form of default values (initial-default, write-default)
// and of partition values in metadata. Layer: iceberg; values are one row of a column.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace floe::iceberg {

// The binary single value of column[row], which must not be null: boolean 1 byte, int/date
// 4 bytes LE, long/float/double 8 or 4 bytes LE, time and timestamps 8 bytes LE in
// microseconds (nanoseconds for nanosecond timestamps, Iceberg's timestamp_ns; millisecond
// columns are converted to microseconds), string UTF-8, binary/fixed raw, uuid 16 bytes
// big-endian, decimal the minimal big-endian two's complement of the unscaled value.
// Throws UnsupportedError for types without a binary form (nested, unsigned, ...).
std::string to_single_value_bytes(const columnar::Column& column, int64_t row);

// A one-row column of `type` holding the value `bytes` encode. Reads bounds written before a
// type promotion: 4 bytes under a long (an int), under a double (a float) and under a
// timestamp without zone (a date, as days). Throws CorruptDataError naming the type and the
// length when the length does not fit the type, InvalidInputError when a promoted date does
// not fit the timestamp's range, UnsupportedError for types without a binary form.
columnar::Column from_single_value_bytes(const columnar::DataType& type, std::string_view bytes);

// The unscaled value of a decimal as the fewest big-endian two's-complement bytes that hold
// it (Java's BigInteger.toByteArray; 0 is one zero byte), written into `buf`: the form both
// decimal bounds and the bucket hash of a decimal use. Returns a view into `buf`.
std::string_view decimal_min_bytes(__int128 unscaled, char (&buf)[16]);

// The JSON single value of column[row] (null when it is null): booleans and numbers as
// JSON, decimal as a string with the scale's digits ("14.20"), dates, times and timestamps
// as ISO-8601 strings ("2017-11-16T22:31:08.123456", "+00:00" for timestamps with zone),
// uuid lowercase, binary/fixed hex, structs as objects keyed by field id, lists as arrays,
// maps as {"keys": [...], "values": [...]}. NaN and infinities are written as the strings
// "NaN", "Infinity", "-Infinity" (as Jackson does). Throws InvalidInputError for a struct
// child without a field id, UnsupportedError for types Iceberg has not.
nlohmann::json to_json_single_value(const columnar::Column& column, int64_t row);

// A one-row column of `type` holding the JSON single value `j` (null gives a null row).
// Throws CorruptDataError naming the type and the value when `j` is not of that form
// (wrong JSON kind, decimal of another scale, timestamptz with a non-UTC offset, ...).
columnar::Column from_json_single_value(const columnar::DataType& type, const nlohmann::json& j);

}  // namespace floe::iceberg
