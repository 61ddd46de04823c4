// Partitioned input: for operators that need all of their input at once but can work on hash
// partitions of it one at a time (windows split by a PARTITION BY key, INTERSECT and EXCEPT
// by whole rows). The input is gathered in memory while it fits; past a share of the memory
// limit it goes to spill partitions by hash, which are then processed one by one, split again
// by the next hash bits when one does not fit. Layer: exec (private to the executor's files).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec/operator.h"

namespace floe::exec {

// The hash of each row of a batch; rows that the operator must see together hash alike.
using RowHasher = std::function<std::vector<uint64_t>(const columnar::Batch&)>;

// The share of the memory limit a spilling operator keeps rows in memory up to: half at
// level 0 (the input, leaving room for the partitions processed after it), and a growing
// share at each deeper level (its input is 16 times smaller).
inline double spill_share(int level) { return 1.0 - 1.0 / double(int64_t(2) << level); }

// Gathers one input of an operator (`schema`), accounted as `what` against the memory limit.
// With a hasher, once holding a batch more would pass spill_share(0) of the limit, the rows
// held and every later one go to level-0 spill partitions by their hash. Without one, rows stay
// in memory and passing the limit is a ResourceError saying `cannot_spill`. consume() is
// thread-safe.
class PartitionedCollector : public Consumer {
 public:
  // `row_overhead`: bytes per row the operator will hold beside the rows when it processes
  // them (a sort's records), counted with the rows as they arrive.
  PartitionedCollector(ExecContext& ctx, columnar::Schema schema, RowHasher hasher,
                       std::string what, std::string cannot_spill = {},
                       int64_t row_overhead = 0);
  ~PartitionedCollector() override;
  PartitionedCollector(const PartitionedCollector&) = delete;
  PartitionedCollector& operator=(const PartitionedCollector&) = delete;

  void consume(columnar::Batch&& batch, int worker) override;
  // Sends what is held, and from now on every row, to the partitions (when another input of
  // the same operator spilled, so that both are split alike). Needs a hasher.
  void spill();
  // The level-0 partitions, or nullptr while everything stayed in memory.
  SpillPartitions* partitions() { return parts_.get(); }
  // The rows held, in one batch (still accounted until the collector dies).
  columnar::Batch rows();

 private:
  void spill_locked();

  ExecContext& ctx_;
  columnar::Schema schema_;
  RowHasher hasher_;
  std::string what_;
  std::string cannot_spill_;
  int64_t row_overhead_;
  std::mutex mu_;
  std::vector<columnar::Batch> batches_;
  int64_t held_ = 0;
  std::unique_ptr<SpillPartitions> parts_;
};

// How an operator works on its spilled inputs (its "sides": one for a window, two for a set
// operation), partition by partition.
struct PartitionedWork {
  // Whose statistics count the spilled rows (EXPLAIN ANALYZE).
  const PlanNode* node = nullptr;
  // The operator and what one hash stands for, for messages: "window (PARTITION BY k)",
  // "the rows of one key".
  std::string what;
  std::string unit;
  std::vector<columnar::Schema> schemas;  // per side
  std::vector<RowHasher> hashers;         // per side, hashing alike
  int64_t row_overhead = 0;               // as PartitionedCollector's, for every side
  // Called with one partition's rows of every side (a batch per side, in memory).
  std::function<void(std::vector<columnar::Batch>& sides)> process;
};

// Runs `work` over partition p of all `sides` (level-0 partitions of the same hashes) for each
// p. Rows of a partition are held up to spill_share(level) of the memory limit; past it the
// partition is split by the next hash bits (up to SpillPartitions::kMaxLevel). A partition that
// cannot be split further (its rows share one hash) runs if it fits in the whole limit, else
// it is a ResourceError naming work.what and work.unit.
void process_partitions(ExecContext& ctx, const PartitionedWork& work,
                        const std::vector<SpillPartitions*>& sides);

}  // namespace floe::exec
