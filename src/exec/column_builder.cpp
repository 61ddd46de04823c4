#include "exec/column_builder.h"

namespace floe::exec {

using columnar::Column;

RowMask valid_rows(std::span<const Column* const> columns, int64_t rows) {
  RowMask m;
  const size_t bytes = size_t(bitmap_bytes(rows));
  for (const Column* c : columns) {
    if (c->null_count() == 0 || !c->has_validity()) continue;
    const uint8_t* v = c->validity_buffer().data();
    if (m.bits.empty()) {
      m.bits.resize(bytes);
      std::memcpy(m.bits.data(), v, bytes);
    } else {
      uint8_t* d = m.bits.data();
      for (size_t b = 0; b < bytes; ++b) d[b] &= v[b];
    }
  }
  if (m.bits.empty()) return m;
  int64_t valid = 0;
  const uint8_t* d = m.bits.data();
  int64_t full = rows / 8;
  for (int64_t b = 0; b < full; ++b) valid += __builtin_popcount(d[b]);
  for (int64_t i = full * 8; i < rows; ++i) valid += bit_get(d, i);
  m.null_count = rows - valid;
  if (m.null_count == 0) m.bits.clear();
  return m;
}

Column null_column(const columnar::DataType& type, int64_t rows) {
  Column c(type);
  c.reserve(rows);
  for (int64_t i = 0; i < rows; ++i) c.append_null();
  return c;
}

}  // namespace floe::exec
