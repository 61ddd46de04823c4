// How the SQL engine's types meet: the common type two operands are brought to, and which
// casts the engine inserts on its own. Layer: exec (the binder and the function registry
// both decide with these rules, so a function and an operator treat types alike).
//
// The rules follow DuckDB and Snowflake where they agree: integers widen to the widest
// integer, integers meet decimals as decimals and floats as DOUBLE, a string meets a
// number, date, time, timestamp or boolean by being parsed as that type, a date meets a
// timestamp as a timestamp. Arithmetic on integers is done in BIGINT, on floats in DOUBLE.
#pragma once

#include <optional>

#include "columnar/data_type.h"

namespace floe::exec {

bool is_integer(const columnar::DataType& t);  // signed and unsigned, any width
bool is_numeric(const columnar::DataType& t);  // integers, decimals, floats
bool is_floating(const columnar::DataType& t);
bool is_temporal(const columnar::DataType& t);  // date, time, timestamp, timestamptz
bool is_text(const columnar::DataType& t);      // string

// The type both sides of a comparison, CASE branch, UNION column or IN list are cast to;
// nullopt when they cannot meet (e.g. DATE and BOOLEAN).
std::optional<columnar::DataType> common_type(const columnar::DataType& a,
                                              const columnar::DataType& b);

// True when the engine may cast `from` to `to` without being asked (for a function's
// argument): widening of numbers, NULL to anything, text to anything it parses into,
// date to timestamp. Narrowing (DOUBLE to INT) needs an explicit CAST.
bool can_implicitly_cast(const columnar::DataType& from, const columnar::DataType& to);

// The type integer arithmetic is done in (BIGINT), and DOUBLE, BOOLEAN, VARCHAR as values.
columnar::DataType bigint_type();
columnar::DataType double_type();
columnar::DataType boolean_type();
columnar::DataType varchar_type();

}  // namespace floe::exec
