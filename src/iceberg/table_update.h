// Table updates that change metadata but write no data: schema evolution (add, drop,
// rename, move columns, widen types as the spec allows, make columns optional), partition
// evolution, sort orders and properties (spec "Schema Evolution", "Partition Evolution").
// Old data stays readable: columns are matched by id, never by name or position. Layer:
// iceberg.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "iceberg/table_metadata.h"
#include "iceberg/table_operations.h"

namespace floe::iceberg {

struct TableChange {
  enum class Kind {
    kAddColumn,        // name (a or struct.a), type; after (optional): "FIRST" or a column
    kDropColumn,       // name
    kRenameColumn,     // name -> new_name
    kWidenColumn,      // name, type (int->long, float->double, decimal precision up)
    kDropNotNull,      // name
    kMoveColumn,       // name, after: "FIRST" or the column it goes after
    kSetPartitioning,  // clause ("" = unpartitioned)
    kSetSortOrder,     // clause ("" = unsorted)
    kSetProperty,      // name = value
    kRemoveProperty,   // name
  };
  Kind kind;
  std::string name;
  std::string new_name;  // rename; property value
  columnar::DataType type;
  bool nullable = true;
  std::string after;   // add/move position
  std::string clause;  // partitioning, sort order
};

// The metadata with every change applied in order. Throws InvalidInputError naming the
// change that cannot be made (unknown column, a column that would be duplicated, dropping a
// column the current partition spec or an identifier uses, a narrowing type change, adding
// a required column).
TableMetadata apply_table_changes(const TableMetadata& base,
                                  const std::vector<TableChange>& changes);

// Applies and commits the changes. Retries a lost race only when the concurrent commit left
// the schema, partition spec and sort order as they were (otherwise CommitConflictError).
std::shared_ptr<const TableMetadata> commit_table_changes(TableOperations& ops,
                                                          const std::vector<TableChange>& changes);

// Whether Iceberg allows a column of type `from` to become `to` (spec "Schema Evolution").
bool is_allowed_promotion(const columnar::DataType& from, const columnar::DataType& to,
                          int format_version);

}  // namespace floe::iceberg
