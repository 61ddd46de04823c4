// The first metadata of a new table: fresh field ids for its schema, its partition spec and
// sort order, Java's default properties, format version 2 unless asked. Layer: iceberg.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "iceberg/table_metadata.h"

namespace floe::iceberg {

struct NewTableOptions {
  std::string location;          // the table's root (a URI)
  std::string partition_clause;  // e.g. "day(ts), bucket(16, id)"; empty = unpartitioned
  std::string sort_clause;       // e.g. "element_id, ts DESC"; empty = unsorted
  std::map<std::string, std::string> properties;
  int format_version = 2;
  // Top-level columns that identify a row (the schema's identifier-field-ids, e.g. a
  // primary key). Each must be required and of a primitive type other than float or double.
  std::vector<std::string> identifier_columns;
};

// Throws InvalidInputError for a bad clause, a bad identifier column or a type Iceberg
// cannot store.
TableMetadata new_table_metadata(const columnar::Schema& columns, const NewTableOptions& options);

}  // namespace floe::iceberg
