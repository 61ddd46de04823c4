#include "exec/partitioned_key_index.h"

#include <algorithm>
#include <atomic>

#include "exec/operator.h"

namespace floe::exec {

namespace {

// Rows ahead whose slot is loaded while a row is inserted or found (see key_index.cpp).
constexpr size_t kAhead = 16;

// A build row's key, copied out of its batch's KeyBatch so that a partition's worker reads
// its keys in sequence rather than picking them out of every batch.
struct BuildKey {
  PackedKey packed;  // when generic < 0
  uint64_t hash;
  uint32_t row;     // in its batch
  int32_t generic;  // its row in the batch's row-encoded keys, or -1
};

// One batch's rows of one partition.
struct PartitionRows {
  std::vector<BuildKey> keys;  // in row order
  size_t generic = 0;          // of them, keys that do not pack
  size_t generic_bytes = 0;
};

}  // namespace

bool PartitionedKeyIndex::build(std::vector<KeyBatch> keys, int threads) {
  std::vector<int64_t> first_row(keys.size() + 1, 0);
  for (size_t b = 0; b < keys.size(); ++b)
    first_row[b + 1] = first_row[b] + int64_t(keys[b].rows());
  const int64_t n = first_row.back();
  size_t parts = 1;
  if (threads >= 2 && n >= kParallelRows) {
    // Two partitions per worker, so that one holding more rows than the others (a frequent
    // key) leaves the rest less idle; more would cost memory traffic, each partition's worker
    // writing its rows' `next_` among every other partition's.
    while (parts < size_t(threads) * 2) parts *= 2;
  } else {
    threads = 1;
  }
  parts_.clear();
  parts_.resize(parts);
  mask_ = parts - 1;
  head_ = std::make_unique_for_overwrite<int64_t[]>(size_t(std::max<int64_t>(n, 1)));
  next_ = std::make_unique_for_overwrite<int64_t[]>(size_t(std::max<int64_t>(n, 1)));
  filter_.clear();
  filter_seen_ = 0;
  filter_hits_ = 0;
  filter_state_ = kNone;
  if (parts == 1) {
    bool nulls = build_in_one(keys, first_row);
    watch_probes();
    return nulls;
  }

  // Each batch's rows by partition.
  std::vector<std::vector<PartitionRows>> rows(keys.size(), std::vector<PartitionRows>(parts));
  std::atomic<bool> has_null{false};
  run_workers(keys.size(), threads, [&](size_t b, int) {
    KeyBatch& k = keys[b];
    std::vector<PartitionRows>& mine = rows[b];
    for (PartitionRows& p : mine) p.keys.reserve(k.rows() / parts + k.rows() / (parts * 8) + 16);
    for (size_t i = 0; i < k.rows(); ++i) {
      if (k.has_null[i]) {
        next_[size_t(first_row[b]) + i] = -1;
        has_null.store(true, std::memory_order_relaxed);
        continue;
      }
      PartitionRows& p = mine[partition_of(k.hashes[i])];
      int32_t g = k.generic_row[i];
      p.keys.push_back({g < 0 ? k.packed[i] : PackedKey{}, k.hashes[i], uint32_t(i), g});
      if (g >= 0) {
        ++p.generic;
        p.generic_bytes += k.generic.key(size_t(g)).size();
      }
    }
    // Of the batch's keys only the row-encoded ones are read again.
    k.packed = {};
    k.hashes = {};
    k.has_null = {};
    k.generic_row = {};
  });
  base_.assign(parts, 0);
  for (size_t p = 1; p < parts; ++p) {
    base_[p] = base_[p - 1];
    for (const auto& batch : rows) base_[p] += int64_t(batch[p - 1].keys.size());
  }

  // Each partition's table and chains. Rows go in in reverse so that each key's chain lists
  // rows in row order; every row's `next_` is written by its partition's worker alone.
  run_workers(parts, threads, [&](size_t p, int) {
    size_t total = 0, generic = 0, generic_bytes = 0;
    for (const auto& batch : rows) {
      total += batch[p].keys.size();
      generic += batch[p].generic;
      generic_bytes += batch[p].generic_bytes;
    }
    KeyIndex& index = parts_[p];
    index.reserve(total - generic, generic, generic_bytes);
    int64_t* head = head_.get() + base_[p];
    for (size_t b = keys.size(); b-- > 0;) {
      const std::vector<BuildKey>& r = rows[b][p].keys;
      for (size_t j = r.size(); j-- > 0;) {
        if (j >= kAhead) index.prefetch_slot(r[j - kAhead].hash, r[j - kAhead].generic >= 0);
        const BuildKey& key = r[j];
        bool inserted;
        uint32_t id = key.generic < 0
                          ? index.find_or_insert_packed(key.packed, key.hash, inserted)
                          : index.find_or_insert_generic(keys[b].generic.key(size_t(key.generic)),
                                                         key.hash, inserted);
        int64_t row = first_row[b] + int64_t(key.row);
        next_[size_t(row)] = inserted ? -1 : head[id];
        head[id] = row;
      }
    }
  });
  watch_probes();
  return has_null.load();
}

void PartitionedKeyIndex::watch_probes() {
  size_t keys = 0;
  for (const KeyIndex& p : parts_) keys += p.size();
  filter_state_ = keys >= kFilterKeys ? kWatching : kNone;
}

bool PartitionedKeyIndex::build_in_one(const std::vector<KeyBatch>& keys,
                                       const std::vector<int64_t>& first_row) {
  size_t generic = 0, generic_bytes = 0;
  for (const KeyBatch& k : keys) {
    generic += k.generic.rows();
    generic_bytes += k.generic.bytes.size();
  }
  KeyIndex& index = parts_[0];
  index.reserve(size_t(first_row.back()) - generic, generic, generic_bytes);
  bool has_null = false;
  // In reverse, as the partitions are built.
  for (size_t b = keys.size(); b-- > 0;) {
    const KeyBatch& k = keys[b];
    for (size_t i = k.rows(); i-- > 0;) {
      if (i >= kAhead) index.prefetch(k, i - kAhead);
      int64_t row = first_row[b] + int64_t(i);
      if (k.has_null[i]) {
        next_[size_t(row)] = -1;
        has_null = true;
        continue;
      }
      bool inserted;
      uint32_t id = index.find_or_insert(k, i, inserted);
      next_[size_t(row)] = inserted ? -1 : head_[id];
      head_[id] = row;
    }
  }
  return has_null;
}

void PartitionedKeyIndex::make_filter() const {
  size_t keys = 0;
  for (const KeyIndex& p : parts_) keys += p.size();
  // About 8 bits per key (some 3-5 % of the keys that are not there pass), split evenly
  // between the partitions (which the hashes fill evenly).
  const size_t per_part = keys / parts_.size();
  int bits = 1;
  while ((size_t(1) << bits) * 8 < per_part) ++bits;
  filter_part_bits_ = bits;
  filter_.assign(parts_.size() << bits, 0);
  for (const KeyIndex& p : parts_)
    p.for_each_entry([&](const KeyIndex::Entry& e) {
      filter_[filter_word(e.hash)] |= filter_bits(e.hash);
    });
}

void PartitionedKeyIndex::find_in_table(const KeyBatch& keys, const uint32_t* rows, size_t n,
                                        int64_t* ids) const {
  const bool packed = keys.generic.rows() == 0;
  for (size_t j = 0; j < n; ++j) {
    if (j + kAhead < n) {
      uint32_t a = rows ? rows[j + kAhead] : uint32_t(j + kAhead);
      uint64_t h = keys.hashes[a];
      parts_[partition_of(h)].prefetch_slot(h, !packed && keys.generic_row[a] >= 0);
    }
    const uint32_t i = rows ? rows[j] : uint32_t(j);
    size_t p = partition_of(keys.hashes[i]);
    int64_t id = parts_[p].find(keys, i);
    ids[i] = id < 0 ? -1 : base_[p] + id;
  }
}

void PartitionedKeyIndex::find_unfiltered(const KeyBatch& keys, int64_t* ids) const {
  const size_t n = keys.rows();
  if (parts_.size() == 1) {
    parts_[0].find_all(keys, ids);
    return;
  }
  find_in_table(keys, nullptr, n, ids);
}

void PartitionedKeyIndex::find_all(const KeyBatch& keys, int64_t* ids) const {
  const size_t n = keys.rows();
  constexpr int64_t kSample = int64_t(1) << 16;  // probe rows that decide
  int state = filter_state_.load(std::memory_order_acquire);
  if (state == kReady) {
    std::vector<uint32_t> pass(n);
    size_t k = 0;
    const uint64_t* hashes = keys.hashes.data();
    for (size_t i = 0; i < n; ++i) {  // without a branch: most rows fail, unpredictably
      ids[i] = -1;
      pass[k] = uint32_t(i);
      k += filter_may_hold(hashes[i]);
    }
    pass.resize(k);
    int64_t seen = filter_seen_ += int64_t(n);
    int64_t hits = filter_hits_ += int64_t(k);
    if (seen >= kSample) {  // judged on each stretch of kSample rows, not on all so far
      if (hits * 4 > seen * 3) filter_state_.store(kNone, std::memory_order_relaxed);
      filter_seen_ = 0;
      filter_hits_ = 0;
    }
    find_in_table(keys, pass.data(), k, ids);
    return;
  }
  find_unfiltered(keys, ids);
  if (state != kWatching) return;
  int64_t found = 0;
  for (size_t i = 0; i < n; ++i) found += ids[i] >= 0;
  int64_t seen = filter_seen_ += int64_t(n);
  int64_t hits = filter_hits_ += found;
  if (seen < kSample) return;
  int watching = kWatching;
  if (!filter_state_.compare_exchange_strong(watching, kMaking)) return;
  if (hits * 2 >= seen) {  // most rows find their key: a filter would pass them all
    filter_state_.store(kNone, std::memory_order_relaxed);
    return;
  }
  make_filter();
  filter_seen_ = 0;
  filter_hits_ = 0;
  filter_state_.store(kReady, std::memory_order_release);
}

}  // namespace floe::exec
