// Building blocks the kernels share: an operand that is a column or one repeated value,
// validity bitmaps combined without a branch per row, and the dispatch from a logical
// type to the C++ type its values are stored as. Layer: exec.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bits.h"
#include "base/error.h"
#include "columnar/column.h"
#include "exec/column_builder.h"  // null_column

namespace floe::exec {

// A kernel input: `constant` means row 0 stands for every row.
struct Operand {
  const columnar::Column* column = nullptr;
  bool constant = false;
  bool valid(int64_t i) const { return column->is_valid(constant ? 0 : i); }
  bool all_valid() const { return column->null_count() == 0; }
  bool all_null() const { return constant && column->is_null(0); }
};

// Sets `out` to `rows` values whose validity is the AND of the operands' (or all valid).
void set_combined_validity(columnar::Column& out, int64_t rows, const Operand& a,
                           const Operand* b = nullptr);

// A column of `rows` copies of row 0 of `value`.
columnar::Column broadcast(const columnar::Column& value, int64_t rows);

// A BOOLEAN column from one byte per row and an optional validity taken from `validity_of`.
columnar::Column bool_column(Buffer values, int64_t rows);

// Calls fn(T{}) with T the storage type of fixed-width logical type `id`; false for types
// that are not fixed-width scalars (strings, nested).
template <typename Fn>
bool visit_fixed_width(columnar::TypeId id, Fn&& fn) {
  using columnar::TypeId;
  switch (id) {
    case TypeId::kBoolean: case TypeId::kInt8: fn(int8_t{}); return true;
    case TypeId::kUInt8: fn(uint8_t{}); return true;
    case TypeId::kInt16: fn(int16_t{}); return true;
    case TypeId::kUInt16: fn(uint16_t{}); return true;
    case TypeId::kInt32: case TypeId::kDate: fn(int32_t{}); return true;
    case TypeId::kUInt32: fn(uint32_t{}); return true;
    case TypeId::kInt64: case TypeId::kTime: case TypeId::kTimestamp: case TypeId::kTimestampTz:
      fn(int64_t{}); return true;
    case TypeId::kUInt64: fn(uint64_t{}); return true;
    case TypeId::kFloat32: fn(float{}); return true;
    case TypeId::kFloat64: fn(double{}); return true;
    case TypeId::kDecimal: fn(__int128{}); return true;
    default: return false;
  }
}

// Concatenates columns of one type.
columnar::Column concat_columns(std::vector<columnar::Column>& parts, const columnar::DataType& type);

}  // namespace floe::exec
