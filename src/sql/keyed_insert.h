// Primary keys and the inserts that read them: a CREATE TABLE's key (the table's Iceberg
// identifier fields), and INSERT OR REPLACE / REPLACE INTO / INSERT OR IGNORE as the MERGE on
// that key that MergeRows carries out. Layer: sql.
#pragma once

#include <string>
#include <vector>

#include "columnar/batch.h"
#include "sql/ast.h"
#include "sql/binder.h"

namespace floe::sql {

// The key a CREATE TABLE declares: the columns of `PRIMARY KEY (a, b)` or the one column
// marked PRIMARY KEY, in the key's order; empty without one. Throws BinderError for two
// keys, a column named twice or not at all, a column declared NULL, and a column whose type
// cannot be an Iceberg identifier field (float, double, nested types).
std::vector<std::string> declared_primary_key(const CreateTable& ct, const columnar::Schema& columns);

// The rows of `rows` (all of `schema`) with one row per distinct value of the columns
// `key`: the last of the rows that share one when `last_wins`, else the first.
columnar::Batch one_row_per_key(std::vector<columnar::Batch> rows, const columnar::Schema& schema,
                                const std::vector<int>& key, bool last_wins);

// The MERGE of source rows shaped as the target (`target` columns, `key` indices into them)
// on the key: a matched target row is replaced by its source row (`replace`) or kept, an
// unmatched source row is inserted.
BoundMerge keyed_insert_merge(const columnar::Schema& target, const std::vector<int>& key, bool replace);

}  // namespace floe::sql
