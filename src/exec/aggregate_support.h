// Pieces the aggregate functions share: walking the groups a merge maps, merging states that
// count their rows, an accumulator that keeps one fixed-width value per group (MIN, MAX and
// ANY_VALUE of numbers, the bitwise aggregates), and the argument list of an error message.
// Layer: exec (private to the aggregate functions).
#pragma once

#include <cstdint>
#include <span>
#include <string>
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

// Merges per-group states that count their rows in `n` (the moment statistics): a state of
// `other` without rows is skipped, one going into a group without rows is copied, and the
// rest are given to `combine(into, from)`.
template <typename State, typename Combine>
void merge_counted_states(std::vector<State>& into, const std::vector<State>& other,
                          const uint32_t* to, std::span<const uint32_t> from, Combine&& combine) {
  for_each_merged(other.size(), to, from, [&](uint32_t t, uint32_t g) {
    const State& b = other[g];
    if (!b.n) return;
    State& a = into[t];
    if (!a.n) {
      a = b;
      return;
    }
    combine(a, b);
  });
}

// "BIGINT, VARCHAR": the argument types an aggregate was called with, for messages.
inline std::string argument_types_text(std::span<const columnar::DataType> args) {
  std::string text;
  for (size_t i = 0; i < args.size(); ++i) text += (i ? ", " : "") + args[i].to_string();
  return text;
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
