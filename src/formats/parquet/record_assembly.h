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

}  // namespace floe::parquet
