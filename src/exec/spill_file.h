// Spilling: SpillPartitions, spill files split by a key hash for aggregations and joins past
// the memory limit; the files themselves are columnar's. Layer: exec.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "columnar/spill_file.h"

namespace floe::exec {

using columnar::SpillDirectory;
using columnar::SpillFile;

// Spill files split by the high bits of a key hash: partition `p` of level `level` holds the
// rows whose hash has p in bits [60 - 4*level, 64 - 4*level). Files are created lazily.
class SpillPartitions {
 public:
  static constexpr int kBits = 4;
  static constexpr int kCount = 1 << kBits;
  static constexpr int kMaxLevel = 64 / kBits - 1;

  SpillPartitions(SpillDirectory& dir, int level) : dir_(dir), level_(level), files_(kCount) {}
  int level() const { return level_; }
  static int partition_of(uint64_t hash, int level) {
    return int((hash >> (64 - kBits * (level + 1))) & (kCount - 1));
  }
  // Appends `rows` (a batch) to partition `p`'s file (thread-safe).
  void append(int p, const columnar::Batch& rows);
  // Splits `rows` by `hashes` and appends each part to its partition.
  void append_by_hash(const columnar::Batch& rows, const std::vector<uint64_t>& hashes);
  // Partition `p`'s file, or nullptr when nothing went there. Flushed for reading.
  SpillFile* file(int p);
  int64_t rows() const;
  int64_t bytes() const;

 private:
  SpillDirectory& dir_;
  int level_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SpillFile>> files_;
};

}  // namespace floe::exec
