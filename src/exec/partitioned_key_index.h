// A hash join's build-side key index: the build rows split by key hash into partitions, each
// with its own KeyIndex that one worker builds, so that all threads build at once; and the
// chains of rows sharing a key. Ids are global (each partition's follow the earlier ones'), so
// a probe reads one chain array whatever partition a key is in. Layer: exec (private to the
// executor's files).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "exec/key_index.h"

namespace floe::exec {

class PartitionedKeyIndex {
 public:
  // Build sides with fewer rows are indexed in one partition by the calling thread: there
  // starting workers costs more than they save.
  static constexpr int64_t kParallelRows = 131072;

  PartitionedKeyIndex() : parts_(1), base_(1, 0) {}

  // Indexes the build rows, numbered in order across batches: keys[b] holds the keys of batch
  // b's rows. Rows with a NULL key are left out; returns whether there were any. Uses up to
  // `threads` workers from kParallelRows rows on; replaces what an earlier build() indexed.
  bool build(std::vector<KeyBatch> keys, int threads);

  // The id of every row's key into ids[0 .. keys.rows()), or -1; the memory reads of
  // several rows are overlapped, as KeyIndex::find_all does. An index of kFilterKeys keys
  // or more watches the first probe rows: when fewer than half of them find their key, it
  // makes a Bloom filter of its keys (a few bits per key, in cache where the table is not),
  // and from then on only the rows the filter passes look in the table. A filter that
  // later passes most rows is set aside.
  void find_all(const KeyBatch& keys, int64_t* ids) const;
  static constexpr size_t kFilterKeys = 16384;
  // Whether probes go through the filter now.
  bool filtering() const { return filter_state_.load(std::memory_order_acquire) == kReady; }

  // A key's rows in row order: first_row(id), then next_row(r) until -1.
  int64_t first_row(int64_t id) const { return head_[size_t(id)]; }
  int64_t next_row(int64_t row) const { return next_[size_t(row)]; }
  // The number of keys, and fn(id) for each key's id (ids are not 0 .. keys - 1).
  size_t key_count() const {
    size_t n = 0;
    for (const auto& p : parts_) n += p.size();
    return n;
  }
  template <typename Fn>
  void for_each_id(Fn&& fn) const {
    for (size_t p = 0; p < parts_.size(); ++p)
      for (size_t k = 0; k < parts_[p].size(); ++k) fn(base_[p] + int64_t(k));
  }

 private:
  // Bits 32 and up: the slots within a partition use the low bits, and spill partitions
  // (SpillPartitions::partition_of) the top ones, so a spilled build side still splits.
  static constexpr int kShift = 32;
  size_t partition_of(uint64_t hash) const { return size_t(hash >> kShift) & mask_; }
  // build() of one partition by the calling thread, straight from the batches' keys (no
  // copy of them by partition). first_row[b]: the number of rows before batch b.
  bool build_in_one(const std::vector<KeyBatch>& keys, const std::vector<int64_t>& first_row);

  // The Bloom filter: 64-bit words, three bits set per key in the word its hash picks
  // within its partition's run of words.
  void make_filter() const;
  void watch_probes();  // after a build: whether probes may call for a filter
  bool filter_may_hold(uint64_t hash) const {
    uint64_t bits = filter_bits(hash);
    return (filter_[filter_word(hash)] & bits) == bits;
  }
  size_t filter_word(uint64_t hash) const {
    return (partition_of(hash) << filter_part_bits_) |
           size_t((hash * 0x9E3779B97F4A7C15ULL) >> (64 - filter_part_bits_));
  }
  static uint64_t filter_bits(uint64_t hash) {
    return (uint64_t(1) << ((hash >> 16) & 63)) | (uint64_t(1) << ((hash >> 22) & 63)) |
           (uint64_t(1) << ((hash >> 28) & 63));
  }
  // find() of rows rows[0 .. n) (rows null: rows 0 .. n) into ids[row].
  void find_in_table(const KeyBatch& keys, const uint32_t* rows, size_t n, int64_t* ids) const;
  void find_unfiltered(const KeyBatch& keys, int64_t* ids) const;

  // The filter's state: made by the first probe thread to see that it pays (find_all is
  // const and runs on several threads at once; filter_ is written before kReady is stored).
  enum FilterState : int { kWatching, kMaking, kReady, kNone };
  mutable std::atomic<int> filter_state_{kNone};
  mutable std::vector<uint64_t> filter_;
  mutable int filter_part_bits_ = 1;  // log2 of the words per partition
  // Probe rows seen (while watching: and found; with the filter: and passed).
  mutable std::atomic<int64_t> filter_seen_{0}, filter_hits_{0};

  std::vector<KeyIndex> parts_;
  // Per partition: its first id. A partition's ids have room for one per row of it, so its
  // worker writes head_ without knowing how many keys the others have.
  std::vector<int64_t> base_;
  size_t mask_ = 0;  // partitions - 1
  // Left uninitialized when allocated (the workers write every entry read), so that no one
  // thread touches all their memory first.
  std::unique_ptr<int64_t[]> head_;  // id -> the key's first row
  std::unique_ptr<int64_t[]> next_;  // row -> the next row with the same key, or -1
};

}  // namespace floe::exec
