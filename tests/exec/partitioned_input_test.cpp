// Partitioned input: a collector keeps rows in memory while they fit and spills them by hash
// past half the memory limit; processing hands every row back exactly once, rows of one hash
// together and the sides of one partition together, splitting partitions that do not fit; rows
// that share one hash and pass the whole limit are a clear ResourceError.
#include "exec/partitioned_input.h"

#include <gtest/gtest.h>

#include <map>

#include "base/error.h"

namespace floe::exec {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

columnar::Schema one_column() {
  columnar::Schema s;
  s.fields.push_back({"v", DataType(TypeId::kInt64)});
  return s;
}

// Rows [from, to) with value i % keys.
Batch rows(int64_t from, int64_t to, int64_t keys) {
  Batch b;
  b.schema = one_column();
  Column c{DataType(TypeId::kInt64)};
  for (int64_t i = from; i < to; ++i) c.append<int64_t>(i % keys);
  b.columns.push_back(std::move(c));
  b.rows_without_columns = to - from;
  return b;
}

// A well-mixed hash of each value (`constant`: every row the same).
RowHasher value_hash(bool constant = false) {
  return [constant](const Batch& b) {
    std::vector<uint64_t> h;
    for (int64_t i = 0; i < b.num_rows(); ++i)
      h.push_back(constant ? 42 : uint64_t(b.columns[0].value<int64_t>(i)) * 0x9E3779B97F4A7C15ull);
    return h;
  };
}

TEST(PartitionedInput, KeepsRowsInMemoryWhileTheyFit) {
  ExecContext ctx;
  PartitionedCollector collect(ctx, one_column(), value_hash(), "test");
  collect.consume(rows(0, 1000, 10), 0);
  EXPECT_EQ(collect.partitions(), nullptr);
  EXPECT_EQ(collect.rows().num_rows(), 1000);
  EXPECT_GT(ctx.memory_held.load(), 0);
}

TEST(PartitionedInput, SpillsAndHandsBackEachValueTogether) {
  ExecContext ctx;
  ctx.options.memory_limit = 64 << 10;
  std::map<int64_t, int64_t> seen;  // value -> rows
  std::map<int64_t, int> calls;      // value -> process calls that had it
  {
    PartitionedCollector left(ctx, one_column(), value_hash(), "test");
    PartitionedCollector right(ctx, one_column(), value_hash(), "test");
    for (int64_t off = 0; off < 100000; off += 1000) left.consume(rows(off, off + 1000, 5000), 0);
    ASSERT_NE(left.partitions(), nullptr);
    right.consume(rows(0, 10, 5000), 0);
    EXPECT_EQ(right.partitions(), nullptr);
    right.spill();
    ASSERT_NE(right.partitions(), nullptr);
    PlanNode node;
    PartitionedWork work;
    work.node = &node;
    work.what = "test";
    work.unit = "the rows of one value";
    work.schemas = {one_column(), one_column()};
    work.hashers = {value_hash(), value_hash()};
    work.process = [&](std::vector<Batch>& sides) {
      ASSERT_EQ(sides.size(), 2u);
      std::map<int64_t, int> here;
      for (const Batch& b : sides)
        for (int64_t i = 0; i < b.num_rows(); ++i) {
          int64_t v = b.columns[0].value<int64_t>(i);
          ++seen[v];
          here[v] = 1;
        }
      for (auto& [v, one] : here) calls[v] += one;
    };
    process_partitions(ctx, work, {left.partitions(), right.partitions()});
  }
  ASSERT_EQ(seen.size(), 5000u);
  for (auto& [v, n] : seen) EXPECT_EQ(n, v < 10 ? 21 : 20) << v;
  for (auto& [v, n] : calls) EXPECT_EQ(n, 1) << v;
  EXPECT_EQ(ctx.memory_held.load(), 0);
}

TEST(PartitionedInput, RowsOfOneHashThatDoNotFitAreAClearError) {
  ExecContext ctx;
  ctx.options.memory_limit = 64 << 10;
  PartitionedCollector collect(ctx, one_column(), value_hash(true), "test");
  for (int64_t off = 0; off < 100000; off += 1000) collect.consume(rows(off, off + 1000, 7), 0);
  ASSERT_NE(collect.partitions(), nullptr);
  PlanNode node;
  PartitionedWork work;
  work.node = &node;
  work.what = "test";
  work.unit = "the rows of one value";
  work.schemas = {one_column()};
  work.hashers = {value_hash(true)};
  work.process = [](std::vector<Batch>&) { FAIL() << "processed rows that do not fit"; };
  try {
    process_partitions(ctx, work, {collect.partitions()});
    ADD_FAILURE() << "expected a ResourceError";
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("test: the rows of one value do not fit"),
              std::string::npos)
        << e.what();
  }
}

TEST(PartitionedInput, WithoutAHashPassingTheLimitSaysWhy) {
  ExecContext ctx;
  ctx.options.memory_limit = 64 << 10;
  PartitionedCollector collect(ctx, one_column(), nullptr, "test", "no key to split by");
  auto feed = [&] {
    for (int64_t off = 0; off < 100000; off += 1000) collect.consume(rows(off, off + 1000, 7), 0);
  };
  try {
    feed();
    ADD_FAILURE() << "expected a ResourceError";
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("no key to split by"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace floe::exec
