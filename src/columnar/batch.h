// Batch: a set of equally long columns under a schema, the unit that flows between
// readers, operators and writers. Layer: columnar.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace floe::columnar {

struct Batch {
  Schema schema;
  std::vector<Column> columns;

  int64_t num_rows() const { return columns.empty() ? rows_without_columns : columns[0].size(); }
  int num_columns() const { return int(columns.size()); }
  // A projection to zero columns still has a row count.
  int64_t rows_without_columns = 0;

  static Batch empty_of(const Schema& s) {
    Batch b;
    b.schema = s;
    for (const auto& f : s.fields) b.columns.emplace_back(f.type);
    return b;
  }
};

// Row indices selected by a filter, in ascending order.
using SelectionVector = std::vector<uint32_t>;

}  // namespace floe::columnar
