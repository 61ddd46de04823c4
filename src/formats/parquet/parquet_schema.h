// ParquetSchema: the tree behind Parquet's flat list of SchemaElements, with each
// node's definition and repetition levels and its floe type, in both directions
// (file → floe fields for reading, floe fields → SchemaElements for writing).
// Layer: formats/parquet. Follows the spec's LogicalTypes.md, including the backward-
// compatibility rules for lists and maps written by older writers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "formats/parquet/parquet_metadata.h"

namespace floe::parquet {

// One node of the schema tree as floe reads it. Wrapper groups of lists and maps are
// folded into the node of the list/map they belong to.
struct SchemaNode {
  enum class Kind { kPrimitive, kStruct, kList, kMap };
  Kind kind = Kind::kPrimitive;
  columnar::Field field;  // name and floe type of this node
  // Levels: def_level is the definition level at which this node is non-null;
  // for lists and maps, element_def_level is the level at which it has an element
  // and rep_level the repetition level of its elements.
  int16_t def_level = 0;
  int16_t rep_level = 0;         // repetition level of this node's own slots
  int16_t element_def_level = 0;  // lists/maps only
  int16_t element_rep_level = 0;  // lists/maps only
  bool nullable = true;
  // Primitives: the leaf's column index in row groups and its physical description.
  int leaf_index = -1;
  const SchemaElement* element = nullptr;
  std::vector<SchemaNode> children;  // struct fields; list: {element}; map: {key, value}
  int first_leaf() const;            // index of the first leaf below (or at) this node
  int num_leaves() const;
};

struct LeafInfo {
  const SchemaElement* element;
  int16_t max_def;
  int16_t max_rep;
  columnar::DataType type;  // floe type values of this leaf are converted to
  std::string path;         // dotted path for messages
};

class ParquetSchema {
 public:
  // Builds the tree; throws CorruptDataError for malformed schemas (wrong child counts,
  // missing types) and UnsupportedError for constructs floe does not read.
  explicit ParquetSchema(const std::vector<SchemaElement>& elements);

  const std::vector<SchemaNode>& fields() const { return fields_; }
  const std::vector<LeafInfo>& leaves() const { return leaves_; }
  columnar::Schema to_floe_schema() const;

 private:
  std::vector<SchemaNode> fields_;
  std::vector<LeafInfo> leaves_;
};

// The floe type a primitive column's values take.
columnar::DataType primitive_floe_type(const SchemaElement& e);

// Writing: the SchemaElements (root first) for a floe schema, with field ids, 3-level
// lists and key_value maps as the spec recommends. Throws UnsupportedError for types
// Parquet cannot hold.
std::vector<SchemaElement> to_parquet_schema(const columnar::Schema& schema);

}  // namespace floe::parquet
