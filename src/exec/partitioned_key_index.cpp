#include "exec/partitioned_key_index.h"

#include <algorithm>
#include <atomic>

#include "exec/operator.h"

namespace floe::exec {

namespace {

// Rows ahead whose slot is loaded while a row is inserted or found (see key_index.cpp).
constexpr size_t kAhead = 16;

// One batch's rows of one partition.
struct PartitionRows {
  std::vector<uint32_t> rows;  // in row order
  size_t generic = 0;          // of them, keys that do not pack
  size_t generic_bytes = 0;
};

}  // namespace

bool PartitionedKeyIndex::build(const std::vector<KeyBatch>& keys, int threads) {
  std::vector<int64_t> first_row(keys.size() + 1, 0);
  for (size_t b = 0; b < keys.size(); ++b)
    first_row[b + 1] = first_row[b] + int64_t(keys[b].rows());
  const int64_t n = first_row.back();
  size_t parts = 1;
  if (threads >= 2 && n >= kParallelRows) {
    // A few partitions per worker, so that one holding more rows than the others (a frequent
    // key) does not leave the rest waiting.
    while (parts < size_t(threads) * 4) parts *= 2;
  } else {
    threads = 1;
  }
  parts_.clear();
  parts_.resize(parts);
  mask_ = parts - 1;
  head_ = std::make_unique_for_overwrite<int64_t[]>(size_t(std::max<int64_t>(n, 1)));
  next_ = std::make_unique_for_overwrite<int64_t[]>(size_t(std::max<int64_t>(n, 1)));

  // Each batch's rows by partition.
  std::vector<std::vector<PartitionRows>> rows(keys.size(), std::vector<PartitionRows>(parts));
  std::atomic<bool> has_null{false};
  run_workers(keys.size(), threads, [&](size_t b, int) {
    const KeyBatch& k = keys[b];
    std::vector<PartitionRows>& mine = rows[b];
    for (PartitionRows& p : mine) p.rows.reserve(k.rows() / parts + k.rows() / (parts * 8) + 16);
    for (size_t i = 0; i < k.rows(); ++i) {
      if (k.has_null[i]) {
        next_[size_t(first_row[b]) + i] = -1;
        has_null.store(true, std::memory_order_relaxed);
        continue;
      }
      PartitionRows& p = mine[partition_of(k.hashes[i])];
      p.rows.push_back(uint32_t(i));
      if (int32_t g = k.generic_row[i]; g >= 0) {
        ++p.generic;
        p.generic_bytes += k.generic.key(size_t(g)).size();
      }
    }
  });
  base_.assign(parts, 0);
  for (size_t p = 1; p < parts; ++p) {
    base_[p] = base_[p - 1];
    for (const auto& batch : rows) base_[p] += int64_t(batch[p - 1].rows.size());
  }

  // Each partition's table and chains. Rows go in in reverse so that each key's chain lists
  // rows in row order; every row's `next_` is written by its partition's worker alone.
  run_workers(parts, threads, [&](size_t p, int) {
    size_t total = 0, generic = 0, generic_bytes = 0;
    for (const auto& batch : rows) {
      total += batch[p].rows.size();
      generic += batch[p].generic;
      generic_bytes += batch[p].generic_bytes;
    }
    KeyIndex& index = parts_[p];
    index.reserve(total - generic, generic, generic_bytes);
    int64_t* head = head_.get() + base_[p];
    for (size_t b = keys.size(); b-- > 0;) {
      const KeyBatch& k = keys[b];
      const std::vector<uint32_t>& r = rows[b][p].rows;
      for (size_t j = r.size(); j-- > 0;) {
        if (j >= kAhead) index.prefetch(k, r[j - kAhead]);
        bool inserted;
        uint32_t id = index.find_or_insert(k, r[j], inserted);
        int64_t row = first_row[b] + int64_t(r[j]);
        next_[size_t(row)] = inserted ? -1 : head[id];
        head[id] = row;
      }
    }
  });
  return has_null.load();
}

void PartitionedKeyIndex::find_all(const KeyBatch& keys, int64_t* ids) const {
  if (parts_.size() == 1) {
    parts_[0].find_all(keys, ids);
    return;
  }
  const size_t n = keys.rows();
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) parts_[partition_of(keys.hashes[i + kAhead])].prefetch(keys, i + kAhead);
    size_t p = partition_of(keys.hashes[i]);
    int64_t id = parts_[p].find(keys, i);
    ids[i] = id < 0 ? -1 : base_[p] + id;
  }
}

}  // namespace floe::exec
