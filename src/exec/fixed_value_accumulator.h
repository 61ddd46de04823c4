// Pieces the aggregate accumulators share: walking the groups a merge maps, and an
// accumulator that keeps one fixed-width value per group (MIN, MAX and ANY_VALUE of
// numbers, the bitwise aggregates). Layer: exec (private to the aggregate functions).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "exec/aggregate_function.h"

namespace floe::exec {

// Calls fn(to group, from group) for every group of the other accumulator that a merge
// maps (all of them, or those listed in `from`), skipping those mapped to kNoGroup.
template <typename Fn>
void for_each_merged(size_t groups, const uint32_t* to, std::span<const uint32_t> from, Fn&& fn) {
  if (from.empty()) {
    for (uint32_t g = 0; g < groups; ++g)
      if (to[g] != kNoGroup) fn(to[g], g);
    return;
  }
  for (uint32_t g : from)
    if (to[g] != kNoGroup) fn(to[g], g);
}

// One value of type T per group: a group's first non-NULL value is kept, each later one is
// given to `combine(kept, value)`; a group without values is NULL.
template <typename T, typename Combine>
class FixedValueAccumulator : public Accumulator {
 public:
  FixedValueAccumulator(columnar::DataType type, Combine combine)
      : type_(std::move(type)), combine_(std::move(combine)) {}
  void resize(size_t g) override {
    values_.resize(g, T{});
    has_.resize(g, 0);
  }
  size_t memory_bytes() const override { return values_.size() * sizeof(T) + has_.size(); }
  void update(const uint32_t* gid, std::span<const columnar::Column* const> in,
              int64_t rows) override {
    const columnar::Column& c = *in[0];
    const T* v = c.values<T>();
    const bool nulls = c.null_count() > 0;
    for (int64_t i = 0; i < rows; ++i) {
      if (nulls && c.is_null(i)) continue;
      offer(gid[i], v[i]);
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<FixedValueAccumulator&>(o);
    for_each_merged(other.values_.size(), to, from, [&](uint32_t t, uint32_t g) {
      if (other.has_[g]) offer(t, other.values_[g]);
    });
  }
  columnar::Column finalize(size_t groups) override {
    columnar::Column out(type_);
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      if (has_[g]) out.append<T>(values_[g]);
      else out.append_null();
    }
    return out;
  }

 private:
  void offer(uint32_t g, T v) {
    if (!has_[g]) {
      values_[g] = v;
      has_[g] = 1;
      return;
    }
    combine_(values_[g], v);
  }
  columnar::DataType type_;
  Combine combine_;
  std::vector<T> values_;
  std::vector<uint8_t> has_;
};

}  // namespace floe::exec
