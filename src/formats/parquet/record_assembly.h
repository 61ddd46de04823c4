// Record assembly: rebuilds nested columns (structs, lists, maps, with their nulls and
// empty lists) from the definition and repetition levels of their leaf columns, the
// inverse of the writer's shredding. Layer: formats/parquet.
#pragma once

#include <vector>

#include "columnar/column.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/parquet_schema.h"

namespace floe::parquet {

// Builds the column of top-level field `node` from `leaves` (indexed by leaf index; the
// leaves below `node` must be filled). Moves values out of the leaves.
columnar::Column assemble_field(const SchemaNode& node, std::vector<LeafData>& leaves);

// The column of a top-level field that is one unrepeated leaf, from that leaf's levels and
// values alone (a page of them, or a whole chunk). Moves the values out of `leaf`.
columnar::Column assemble_top_level_leaf(const SchemaNode& node, LeafData& leaf);

}  // namespace floe::parquet
