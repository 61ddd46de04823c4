// SortedRuns: runs set aside in spill files and merged back come out in the sort order, with
// rows that compare equal in the order of their runs, for every direction and null order.
#include "iceberg/sorted_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace floe::iceberg {
namespace {

using columnar::Batch;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

TableSchema two_columns() {
  TableSchema s;
  s.schema.fields = {Field("k", DataType(TypeId::kString), true, 1),
                     Field("seq", DataType(TypeId::kInt64), false, 2)};
  return s;
}

// Rows whose key is one of `distinct` strings (some NULL), numbered from `first`.
Batch random_rows(std::mt19937& rng, int64_t rows, int distinct, int64_t first) {
  Batch b = Batch::empty_of(two_columns().schema);
  for (int64_t i = 0; i < rows; ++i) {
    int v = int(rng() % uint32_t(distinct + 1));
    if (v == distinct)
      b.columns[0].append_null();
    else
      b.columns[0].append_string("key" + std::to_string(v));
    b.columns[1].append<int64_t>(first + i);
  }
  b.rows_without_columns = rows;
  return b;
}

Batch sorted(const Batch& b, const SortOrder& order, const TableSchema& schema) {
  auto perm = sort_permutation(b, order, schema);
  Batch out;
  out.schema = b.schema;
  out.rows_without_columns = b.num_rows();
  for (const auto& c : b.columns) out.columns.push_back(c.take(perm));
  return out;
}

Batch copy_of(const Batch& b) {
  Batch out;
  out.schema = b.schema;
  out.rows_without_columns = b.rows_without_columns;
  for (const auto& c : b.columns) out.columns.push_back(c.copy());
  return out;
}

// The (key, seq) pairs of a batch, keys as text ("" for NULL, marked apart).
std::vector<std::pair<std::string, int64_t>> pairs(const Batch& b) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (int64_t r = 0; r < b.num_rows(); ++r)
    out.emplace_back(b.columns[0].is_null(r) ? std::string("<null>")
                                             : std::string(b.columns[0].string_at(r)),
                     b.columns[1].value<int64_t>(r));
  return out;
}

struct Case {
  SortDirection direction;
  NullOrder nulls;
  int distinct;  // few keys: long stretches of equal rows; many: rows interleave finely
  std::vector<int64_t> run_rows;
};

TEST(SortedRuns, MergedRowsAreTheStableSortOfAllRuns) {
  const TableSchema schema = two_columns();
  const std::vector<Case> cases = {
      {SortDirection::kAsc, NullOrder::kNullsFirst, 3, {40000, 17, 25000, 1}},
      {SortDirection::kDesc, NullOrder::kNullsLast, 1000, {50000, 50000, 3}},
      {SortDirection::kAsc, NullOrder::kNullsLast, 50000, {70000, 100, 16384, 16385}},
      {SortDirection::kDesc, NullOrder::kNullsFirst, 1, {20000, 20000}},
      {SortDirection::kAsc, NullOrder::kNullsFirst, 10, {0, 5, 0}},
  };
  std::mt19937 rng(7);
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "distinct " << c.distinct << ", runs "
                                      << c.run_rows.size());
    SortOrder order;
    order.order_id = 1;
    SortField f;
    f.source_id = 1;
    f.direction = c.direction;
    f.null_order = c.nulls;
    order.fields = {f};
    RowOrder row_order(order, schema);
    columnar::SpillDirectory dir;
    SortedRuns runs(dir, row_order);
    // Every run but the last goes to a file; the last stays in memory.
    std::vector<Batch> all;
    int64_t seq = 0;
    Batch last;
    for (size_t i = 0; i < c.run_rows.size(); ++i) {
      Batch run = sorted(random_rows(rng, c.run_rows[i], c.distinct, seq), order, schema);
      seq += c.run_rows[i];
      all.push_back(copy_of(run));
      if (i + 1 < c.run_rows.size())
        runs.add(run);
      else
        last = std::move(run);
    }
    std::vector<Batch> parts = std::move(all);
    Batch expected = sorted(concat_batches(parts, schema.schema), order, schema);
    Batch merged = Batch::empty_of(schema.schema);
    int64_t batches = 0;
    runs.merge(std::move(last), [&](Batch&& b) {
      ++batches;
      EXPECT_LE(b.num_rows(), 2 * SortedRuns::kChunkRows);
      for (size_t i = 0; i < b.columns.size(); ++i) merged.columns[i].append_column(b.columns[i]);
    });
    // seq numbers rise across runs, so the stable sort of the concatenation is the merge
    // that keeps equal rows in run order.
    EXPECT_EQ(pairs(merged), pairs(expected));
    EXPECT_EQ(runs.runs(), 0);
    EXPECT_EQ(dir.rows_written.load(), seq - c.run_rows.back());
  }
}

}  // namespace
}  // namespace floe::iceberg
