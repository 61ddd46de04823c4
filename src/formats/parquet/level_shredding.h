// Level shredding: turns one top-level column (structs, lists, maps and their nulls and
// empty lists) into the definition levels, repetition levels and dense non-null values of
// one Parquet leaf — the inverse of record assembly. Layer: formats/parquet (writer side).
#pragma once

#include <cstdint>

#include "base/buffer.h"
#include "columnar/column.h"
#include "formats/parquet/parquet_schema.h"

namespace floe::parquet {

// One leaf's share of a column, ready for the column chunk writer. The values are not
// copied: `values` points at the leaf's vector inside the source column tree (which must
// outlive this), and the non-null ones are named by row.
struct ShreddedLeaf {
  int leaf_index = -1;  // into ParquetSchema::leaves()
  int16_t max_def = 0;
  int16_t max_rep = 0;
  int64_t num_entries = 0;  // level entries: values plus nulls and empty lists
  // int16 per entry; empty when max_def == 0 or when all_defined.
  Buffer def_levels;
  // int16 per entry; empty when max_rep == 0.
  Buffer rep_levels;
  // Every entry holds a value (def == max_def); def_levels is not materialised.
  bool all_defined = false;

  const columnar::Column* values = nullptr;
  int64_t num_values = 0;
  // When `contiguous`, the values are rows [first_row, first_row + num_values) of
  // `values`; otherwise the uint32 rows listed in `rows`, in order.
  bool contiguous = true;
  int64_t first_row = 0;
  Buffer rows;

  bool is_defined(int64_t entry) const {
    return all_defined || max_def == 0 || def_levels.as<int16_t>()[entry] == max_def;
  }
  int16_t rep(int64_t entry) const { return max_rep == 0 ? 0 : rep_levels.as<int16_t>()[entry]; }
  uint32_t row(int64_t value) const {
    return contiguous ? uint32_t(first_row + value) : rows.as<uint32_t>()[value];
  }
};

// Shreds leaf `leaf_index` (a leaf below `node`) of `column`, whose type must be the
// floe type `node` was derived from (same shape; leaf types may differ as the writer's
// physical conversions allow). Flat columns take a fast path: required ones need no work
// per value, nullable ones only a pass over the validity bitmap.
// Throws InvalidInputError when a NOT NULL field (or a map key) holds a null where its
// parent is present, and InternalError when the column does not fit the schema.
ShreddedLeaf shred_leaf(const columnar::Column& column, const SchemaNode& node, int leaf_index);

}  // namespace floe::parquet
