#include "exec/vector_ops.h"

#include <cstring>

namespace floe::exec {

using columnar::Column;
using columnar::DataType;

void set_combined_validity(Column& out, int64_t rows, const Operand& a, const Operand* b) {
  bool a_nulls = a.column->null_count() > 0;
  bool b_nulls = b && b->column->null_count() > 0;
  if (!a_nulls && !b_nulls) {
    out.validity_buffer().clear();
    out.set_size(rows, 0);
    return;
  }
  Buffer& v = out.validity_buffer();
  v.resize(bitmap_bytes(rows));
  int64_t nulls = 0;
  // Fast path: one non-constant operand with nulls and no other source of nulls.
  if (a_nulls && !b_nulls && !a.constant) {
    std::memcpy(v.data(), a.column->validity_buffer().data(), bitmap_bytes(rows));
    nulls = a.column->null_count();
  } else if (b_nulls && !a_nulls && !b->constant) {
    std::memcpy(v.data(), b->column->validity_buffer().data(), bitmap_bytes(rows));
    nulls = b->column->null_count();
  } else {
    std::memset(v.data(), 0, bitmap_bytes(rows));
    for (int64_t i = 0; i < rows; ++i) {
      bool ok = a.valid(i) && (!b || b->valid(i));
      if (ok) bit_set(v.data(), i); else ++nulls;
    }
  }
  out.set_size(rows, nulls);
  if (nulls == 0) v.clear();
}

Column broadcast(const Column& value, int64_t rows) {
  std::vector<uint32_t> idx(size_t(rows), 0);
  return value.take(idx);
}

Column bool_column(Buffer values, int64_t rows) {
  Column c{DataType(columnar::TypeId::kBoolean)};
  c.data_buffer() = std::move(values);
  c.set_size(rows, 0);
  return c;
}

Column concat_columns(std::vector<Column>& parts, const DataType& type) {
  if (parts.size() == 1) return std::move(parts[0]);
  Column out(type);
  int64_t n = 0;
  for (auto& p : parts) n += p.size();
  out.reserve(n);
  for (auto& p : parts) out.append_column(p);
  return out;
}

}  // namespace floe::exec
