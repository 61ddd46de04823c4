// ScanPredicate: a conjunction of simple column comparisons (col op literal, IS [NOT] NULL,
// IN (...)) that readers use to skip data (row groups, pages, bloom filters, Iceberg files)
// and that can be evaluated exactly on a batch. Layer: formats; the SQL engine lowers its
// filters to this form for pushdown.
#pragma once

#include <cstdint>
#include <atomic>
#include <functional>
#include <memory>
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

// A test of a column's values that no comparison expresses: a hash join's build keys, which
// the scan of its probe side uses to drop rows that cannot match before reading their
// other columns. `may_match` sets keep[i] to 0 for each value i (of `values`) that cannot
// pass (a NULL never passes); it is called from several threads at once.
struct KeyFilter {
  using Test = std::function<void(const columnar::Column& values, std::vector<uint8_t>& keep)>;
  std::string column;
  Test may_match;
  // Set (by the filter's owner) once testing no longer pays: readers skip the filter then.
  std::shared_ptr<const std::atomic<bool>> retired;
  bool active() const { return !retired || !retired->load(std::memory_order_relaxed); }
};

struct ScanPredicate {
  std::vector<ColumnPredicate> terms;  // all must hold; none means every row
  std::vector<KeyFilter> key_filters;  // so must these (they prune no file or page)
  // Not a test: columns (no term or filter reads them) that the reader may return as
  // dictionary codes (columnar::Column::dictionary_coded) where their pages have them.
  std::vector<std::string> dictionary_coded;
  bool empty() const { return terms.empty() && key_filters.empty(); }
  ScanPredicate clone() const {  // (columns are move-only)
    ScanPredicate p;
    for (const auto& t : terms) p.terms.push_back({t.column, t.op, t.values.copy()});
    p.key_filters = key_filters;
    p.dictionary_coded = dictionary_coded;
    return p;
  }
};

// Parses e.g. "element_id = 17 AND ts >= '2024-01-02' AND referrer IS NULL AND device IN
// ('mobile','tablet')" against `schema`, casting each literal to its column's type.
// Throws InvalidInputError naming the position and what was expected.
ScanPredicate parse_scan_predicate(std::string_view text, const columnar::Schema& schema);

// Rows of `batch` that satisfy every term (NULL never satisfies a comparison).
columnar::SelectionVector evaluate_predicate(const ScanPredicate& p, const columnar::Batch& batch);
// Keeps the rows of `sel` (ascending rows of `column`) that the key filter passes.
void keep_key_filter_rows(const KeyFilter& f, const columnar::Column& column,
                          columnar::SelectionVector& sel);
// The same with `values` holding just the selected rows' values, in order.
void keep_key_filter_values(const KeyFilter& f, const columnar::Column& values,
                            columnar::SelectionVector& sel);
// Keeps the rows of `sel` (ascending rows of `batch`) that satisfy every term and filter.
void narrow_selection(const ScanPredicate& p, const columnar::Batch& batch,
                      columnar::SelectionVector& sel);

// True if a value range [min, max] (one-row columns of the column's type) may hold a row
// satisfying the term; has_nulls/all_null describe the range's nulls.
bool range_may_match(const ColumnPredicate& term, const columnar::Column* min,
                     const columnar::Column* max, bool has_nulls, bool all_null);

}  // namespace floe::formats
