// The physical plan: a tree of operators over column batches, built by the SQL planner
// and run by the executor. Layer: exec. Each node's output is a list of fields; every
// expression in a node reads the output of its child (for joins: the left child's
// columns, then the right child's).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "exec/aggregate_function.h"
#include "exec/expression.h"
#include "formats/scan_predicate.h"

namespace floe::exec {

// What a scan reads from: an in-memory table, an Iceberg table at a snapshot, files.
struct PlanNode;

class TableSource {
 public:
  virtual ~TableSource() = default;
  virtual const columnar::Schema& schema() const = 0;
  // Rows expected (exact for memory tables, from metadata for Iceberg); -1 unknown.
  virtual int64_t estimated_rows() const = 0;
  // Splits the scan into independent pieces ("morsels") reading `columns` (indices into
  // schema()) with `predicate` pushed down (rows that fail it may still be returned; the
  // plan filters exactly afterwards). Returns how many pieces there are.
  virtual size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) = 0;
  // Reads piece `i`, handing batches (the chosen columns, in order) to `sink`. Called
  // from several threads at once for different pieces.
  virtual void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) = 0;
  // Text for EXPLAIN: what was pruned, files and row groups read.
  virtual std::string describe() const = 0;
  virtual std::string explain_pruning() const { return {}; }
  // An upper estimate of the distinct values of a column (for join ordering), -1 unknown.
  virtual int64_t distinct_estimate(int column) { return -1; }
  // The share of rows estimated to satisfy `predicate` (for join ordering), -1 unknown.
  virtual double selectivity(const formats::ScanPredicate& predicate) { return -1; }
  // "VARIANT", "OBJECT" or "ARRAY" when a text column was declared so (its values are JSON
  // text, which casts and VARIANT builders read as JSON), else "".
  virtual std::string variant_type(int column) const { return {}; }
  // A second source over the same rows with its own scan state, for a plan that reads a
  // relation twice; nullptr when the source cannot give one.
  virtual std::shared_ptr<TableSource> reopen() const { return nullptr; }
  // The plan whose result the source holds (a WITH query computed once), for EXPLAIN.
  virtual const PlanNode* subplan() const { return nullptr; }
  // Asks the next prepare() to also drop rows whose value of `column` (an index into
  // schema()) `filter` rules out (a hash join's build keys; its column name is set here);
  // a source may ignore it (returns false).
  virtual bool set_key_filter(int column, formats::KeyFilter filter) { return false; }
  virtual void clear_key_filters() {}
  // Lets the next prepare() return `columns` (indices into schema()) as dictionary codes
  // (columnar::Column::dictionary_coded) where the data has them, for a consumer that reads
  // those columns only as group keys; an empty list asks for values again. A source may
  // ignore it and return values.
  virtual void set_dictionary_coded(std::vector<int> columns) {}
};

enum class PlanKind {
  kScan,        // source, scan_columns, pushed (predicate), filter (exact, optional)
  kValues,      // rows: constant batches
  kFilter,      // predicate
  kProject,     // exprs
  kAggregate,   // group_keys, aggregates (+ grouping_sets)
  kHashJoin,    // join_type, left_keys, right_keys, residual
  kNestedLoopJoin,  // join_type, residual
  kSort,        // sort_keys, limit (top-N when >= 0)
  kLimit,       // limit, offset
  kUnionAll,    // children
  kSetOperation,    // set_op (intersect/except, distinct or all) over two children
  kDistinct,    // all columns
  kWindow,      // window_functions appended to the child's columns
  kEmpty,       // no rows
  kFlatten,     // LATERAL FLATTEN: child columns, then SEQ, KEY, PATH, INDEX, VALUE, THIS
};

enum class JoinKind { kInner, kLeft, kRight, kFull, kSemi, kAnti, kMark, kRightSemi, kRightAnti };
// kMark: every left row, plus a BOOLEAN column: TRUE when a right row matches, NULL when
// none matches but a NULL key made the comparison unknown (for IN in expressions).
// kRightSemi / kRightAnti: the right rows that some left row matches / that none matches,
// with the right child's columns only: a semi or anti join whose kept side is the one
// hashed (the build side is always the right child), chosen when that side is the smaller.

struct SortKey {
  ExpressionPtr expr;
  bool descending = false;
  bool nulls_first = false;
};

struct AggregateCall {
  AggregateFunction function;
  std::vector<ExpressionPtr> args;
  ExpressionPtr filter;  // FILTER (WHERE ..), optional
};

enum class WindowFunctionKind {
  kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile, kLag, kLead, kFirstValue,
  kLastValue, kNthValue, kAggregate,
};
enum class FrameBoundType { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing,
                            kUnboundedFollowing };
struct WindowFrameSpec {
  bool rows = false;  // ROWS; otherwise RANGE (peers share a frame)
  FrameBoundType start = FrameBoundType::kUnboundedPreceding;
  int64_t start_offset = 0;
  FrameBoundType end = FrameBoundType::kCurrentRow;
  int64_t end_offset = 0;
  // RANGE frames with offsets: the offsets in the ORDER BY key's units (they may be
  // fractional: RANGE BETWEEN 0.5 PRECEDING AND ..).
  double start_range = 0;
  double end_range = 0;
  bool whole_partition = false;  // no ORDER BY: the frame is the whole partition
};
struct WindowCall {
  WindowFunctionKind kind = WindowFunctionKind::kRowNumber;
  std::vector<ExpressionPtr> args;
  AggregateFunction aggregate;  // kAggregate
  std::vector<ExpressionPtr> partition_by;
  std::vector<SortKey> order_by;
  WindowFrameSpec frame;
  bool ignore_nulls = false;
  int64_t offset = 1;  // LAG/LEAD/NTH_VALUE/NTILE constant
  columnar::DataType type;
};

struct PlanNode;
using PlanPtr = std::unique_ptr<PlanNode>;

struct PlanNode {
  PlanKind kind = PlanKind::kEmpty;
  std::vector<columnar::Field> output;
  std::vector<PlanPtr> children;

  // kScan
  std::shared_ptr<TableSource> source;
  std::vector<int> scan_columns;
  formats::ScanPredicate pushed;
  // kFilter, kScan (exact filter after the scan)
  ExpressionPtr predicate;
  // kProject
  std::vector<ExpressionPtr> exprs;
  // kValues
  std::vector<columnar::Batch> rows;
  // kAggregate
  std::vector<ExpressionPtr> group_keys;
  std::vector<AggregateCall> aggregates;
  // Grouping sets: each a list of indices into group_keys; empty vector = plain GROUP BY.
  // With sets the output gets one more BIGINT column, GROUPING_ID (a bit per key, 1 when
  // the key is not in the set), after the aggregates.
  std::vector<std::vector<int>> grouping_sets;
  // Joins
  JoinKind join_type = JoinKind::kInner;
  std::vector<ExpressionPtr> left_keys, right_keys;
  ExpressionPtr residual;  // over left columns then right columns
  bool mark_null_aware = true;  // kMark: NULL (not FALSE) when unmatched and a key is NULL
  // Inner and outer joins: the columns (of left then right) they emit, in order, when they
  // emit fewer than all (the keys nothing above reads are not carried on); else empty.
  std::optional<std::vector<int>> emit_columns;
  // kSort, kLimit; kWindow: limit >= 0 bounds `limit_kind` (ROW_NUMBER, RANK or
  // DENSE_RANK, all of one window): only rows whose value is at most `limit` matter above
  std::vector<SortKey> sort_keys;
  int64_t limit = -1;
  int64_t offset = 0;
  WindowFunctionKind limit_kind = WindowFunctionKind::kRowNumber;
  // kSetOperation
  bool set_intersect = true;  // false: EXCEPT
  bool set_all = false;
  // kWindow
  std::vector<WindowCall> windows;
  // kFlatten: the VARIANT expression (over the child) and FLATTEN's options.
  ExpressionPtr flatten_input;
  std::string flatten_path;
  bool flatten_outer = false;
  bool flatten_recursive = false;
  std::string flatten_mode = "BOTH";
  // Estimated output rows (-1 unknown), for join ordering and EXPLAIN.
  int64_t estimated_rows = -1;

  columnar::Schema schema() const {
    columnar::Schema s;
    s.fields = output;
    return s;
  }
};

// Renders the plan tree, one operator per line, indented (EXPLAIN).
std::string explain_plan(const PlanNode& plan);

// A copy of `plan` whose scans read their tables again through TableSource::reopen, so both
// can run in one query and give the same rows; nullptr when some part cannot be copied (a
// source without reopen, an expression running a subquery or not deterministic, an operator
// kind other than scan, filter, projection, join, DISTINCT and empty).
PlanPtr copy_plan(const PlanNode& plan);

}  // namespace floe::exec
