// ScanPredicate: a conjunction of simple column comparisons (col op literal, IS [NOT] NULL,
// IN (...)) that readers use to skip data (row groups, pages, bloom filters, Iceberg files)
// and that can be evaluated exactly on a batch. Layer: formats; the SQL engine lowers its
// filters to this form for pushdown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "columnar/batch.h"

namespace floe::formats {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull, kIn };

struct ColumnPredicate {
  std::string column;       // a top-level column
  CompareOp op;
  columnar::Column values;  // the literal(s), typed as the column; empty for IS [NOT] NULL
};

struct ScanPredicate {
  std::vector<ColumnPredicate> terms;  // all must hold; none means every row
  bool empty() const { return terms.empty(); }
  ScanPredicate clone() const {  // (columns are move-only)
    ScanPredicate p;
    for (const auto& t : terms) p.terms.push_back({t.column, t.op, t.values.copy()});
    return p;
  }
};

// Parses e.g. "element_id = 17 AND ts >= '2024-01-02' AND referrer IS NULL AND device IN
// ('mobile','tablet')" against `schema`, casting each literal to its column's type.
// Throws InvalidInputError naming the position and what was expected.
ScanPredicate parse_scan_predicate(std::string_view text, const columnar::Schema& schema);

// Rows of `batch` that satisfy every term (NULL never satisfies a comparison).
columnar::SelectionVector evaluate_predicate(const ScanPredicate& p, const columnar::Batch& batch);
// Keeps the rows of `sel` (ascending rows of `batch`) that satisfy every term.
void narrow_selection(const ScanPredicate& p, const columnar::Batch& batch,
                      columnar::SelectionVector& sel);

// True if a value range [min, max] (one-row columns of the column's type) may hold a row
// satisfying the term; has_nulls/all_null describe the range's nulls.
bool range_may_match(const ColumnPredicate& term, const columnar::Column* min,
                     const columnar::Column* max, bool has_nulls, bool all_null);

}  // namespace floe::formats
