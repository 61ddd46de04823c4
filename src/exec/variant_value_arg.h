// The value arguments of the VARIANT builders and array functions (ARRAY_CONSTRUCT,
// ARRAY_CONTAINS, ARRAY_POSITION, TO_ARRAY, ..): how such an argument is bound, and its rows
// read as normalised VARIANT text. Layer: exec (private to the function library).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "exec/scalar_function.h"

namespace floe::exec {

// What a value argument of any type is bound as: VARCHAR (VARIANT text) for text and NULL,
// nested types as they are, other scalars as the engine's value types.
columnar::DataType value_arg_type(const columnar::DataType& t);

// VARCHAR or NULL: a type an argument that must be VARIANT text may have.
bool text_or_null(const columnar::DataType& t);

// A VARIANT value argument, read row by row as normalised JSON (a constant one once): JSON
// null for SQL NULL, VARCHAR read as VARIANT text (an error naming the function and argument
// when it is not JSON), other SQL values turned into JSON.
class ValueArg {
 public:
  ValueArg(const ScalarArgs& a, size_t i, std::string_view fn);
  bool is_null(int64_t row) const { return col_.is_null(constant_ ? 0 : row); }
  void append(int64_t row, std::string& out) const {
    if (constant_)
      out += cached_;
    else
      append_row(row, out);
  }

 private:
  void append_row(int64_t row, std::string& out) const;

  const columnar::Column& col_;
  std::string_view fn_;
  size_t arg_;
  bool text_;
  bool constant_ = false;
  std::string cached_;
};

}  // namespace floe::exec
