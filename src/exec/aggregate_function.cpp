#include "exec/aggregate_function.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "base/error.h"
#include "columnar/batch.h"
#include "columnar/value_compare.h"
#include "columnar/value_text.h"
#include "exec/aggregate_support.h"
#include "exec/row_comparator.h"
#include "exec/row_keys.h"
#include "exec/statistical_aggregates.h"
#include "exec/type_rules.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

// --- COUNT ---------------------------------------------------------------------------

class CountAccumulator : public Accumulator {
 public:
  void resize(size_t g) override { counts_.resize(g, 0); }
  size_t memory_bytes() const override { return counts_.size() * sizeof(int64_t); }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    if (in.empty()) {
      for (int64_t i = 0; i < rows; ++i) ++counts_[gid[i]];
      return;
    }
    for (int64_t i = 0; i < rows; ++i) {
      bool all = true;
      for (const Column* c : in) all = all && c->is_valid(i);
      counts_[gid[i]] += all;
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<CountAccumulator&>(o);
    for_each_merged(other.counts_.size(), to, from,
                    [&](uint32_t t, uint32_t g) { counts_[t] += other.counts_[g]; });
  }
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kInt64)};
    out.data_buffer().resize(groups * 8);
    std::copy_n(counts_.begin(), groups, out.mutable_values<int64_t>());
    out.set_size(int64_t(groups), 0);
    return out;
  }

 private:
  std::vector<int64_t> counts_;
};

// --- SUM / AVG ---------------------------------------------------------------------------

// Sums values of type In into Acc; results of type Out (for AVG: DOUBLE).
template <typename In, typename Acc>
class SumAccumulator : public Accumulator {
 public:
  // `checked`: the sums can overflow their accumulator; inputs of at most 19 digits cannot
  // (fewer than 2^63 of them stay below 10^38), and they are summed without a check.
  SumAccumulator(DataType result, bool average, int scale, bool checked = true)
      : result_(std::move(result)), average_(average), scale_(scale), checked_(checked) {}
  void resize(size_t g) override {
    sums_.resize(g, Acc{});
    counts_.resize(g, 0);
  }
  size_t memory_bytes() const override {
    return sums_.size() * sizeof(Acc) + counts_.size() * sizeof(int64_t);
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    const In* v = c.values<In>();
    bool nulls = c.null_count() > 0;
    if (!checked_ && !nulls) {
      for (int64_t i = 0; i < rows; ++i) {
        sums_[gid[i]] += Acc(v[i]);
        ++counts_[gid[i]];
      }
      return;
    }
    for (int64_t i = 0; i < rows; ++i) {
      if (nulls && c.is_null(i)) continue;
      add(sums_[gid[i]], Acc(v[i]));
      ++counts_[gid[i]];
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<SumAccumulator&>(o);
    for_each_merged(other.sums_.size(), to, from, [&](uint32_t t, uint32_t g) {
      if (!other.counts_[g]) return;
      add(sums_[t], other.sums_[g]);
      counts_[t] += other.counts_[g];
    });
  }
  Column finalize(size_t groups) override {
    Column out(result_);
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      if (!counts_[g]) {
        out.append_null();
      } else if (average_) {
        double s;
        if constexpr (std::is_same_v<Acc, __int128>) s = double(sums_[g]) / std::pow(10.0, scale_);
        else s = double(sums_[g]);
        out.append<double>(s / double(counts_[g]));
      } else if (result_.id() == TypeId::kInt64) {
        if constexpr (std::is_same_v<Acc, __int128>) {
          if (sums_[g] > std::numeric_limits<int64_t>::max() ||
              sums_[g] < std::numeric_limits<int64_t>::min())
            throw InvalidInputError("integer overflow in SUM");
          out.append<int64_t>(int64_t(sums_[g]));
        }
      } else {
        out.append<Acc>(sums_[g]);
      }
    }
    return out;
  }

 private:
  static void add(Acc& s, Acc v) {
    if constexpr (std::is_same_v<Acc, __int128>) {
      if (__builtin_add_overflow(s, v, &s)) throw InvalidInputError("overflow in SUM");
    } else {
      s += v;
    }
  }
  DataType result_;
  bool average_;
  int scale_;
  bool checked_;
  std::vector<Acc> sums_;
  std::vector<int64_t> counts_;
};

// --- MIN / MAX / ANY_VALUE ---------------------------------------------------------------

enum class Pick { kMin, kMax, kAny };

// MIN / MAX / ANY_VALUE of a fixed-width value: the kept value is replaced by a smaller
// (larger) one; ANY_VALUE keeps the first.
template <typename T>
struct PickCombine {
  Pick pick;
  void operator()(T& kept, T v) const {
    if (pick == Pick::kAny) return;
    if constexpr (std::is_floating_point_v<T>) {
      // NaN is above every number, as in sorting.
      bool less = std::isnan(kept) ? !std::isnan(v) : (!std::isnan(v) && v < kept);
      bool greater = std::isnan(v) ? !std::isnan(kept) : (!std::isnan(kept) && v > kept);
      if ((pick == Pick::kMin && less) || (pick == Pick::kMax && greater)) kept = v;
    } else {
      if ((pick == Pick::kMin && v < kept) || (pick == Pick::kMax && v > kept)) kept = v;
    }
  }
};

template <typename T>
using PickFixedAccumulator = FixedValueAccumulator<T, PickCombine<T>>;

class PickStringAccumulator : public Accumulator {
 public:
  PickStringAccumulator(DataType type, Pick pick) : type_(std::move(type)), pick_(pick) {}
  void resize(size_t g) override {
    values_.resize(g);
    has_.resize(g, 0);
  }
  // Short values live inside the strings; longer ones are not counted.
  size_t memory_bytes() const override {
    return values_.size() * sizeof(std::string) + has_.size();
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    bool fixed = !c.type().is_variable_width();
    for (int64_t i = 0; i < rows; ++i) {
      if (c.is_null(i)) continue;
      offer(gid[i], fixed ? c.fixed_at(i) : c.string_at(i));
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<PickStringAccumulator&>(o);
    for_each_merged(other.values_.size(), to, from, [&](uint32_t t, uint32_t g) {
      if (other.has_[g]) offer(t, other.values_[g]);
    });
  }
  Column finalize(size_t groups) override {
    Column out(type_);
    out.reserve(int64_t(groups));
    bool fixed = !type_.is_variable_width();
    for (size_t g = 0; g < groups; ++g) {
      if (!has_[g]) out.append_null();
      else if (fixed) out.append_fixed(values_[g]);
      else out.append_string(values_[g]);
    }
    return out;
  }

 private:
  void offer(uint32_t g, std::string_view v) {
    if (!has_[g]) {
      values_[g].assign(v);
      has_[g] = 1;
      return;
    }
    if (pick_ == Pick::kAny) return;
    int c = std::string_view(v).compare(values_[g]);
    if ((pick_ == Pick::kMin && c < 0) || (pick_ == Pick::kMax && c > 0)) values_[g].assign(v);
  }
  DataType type_;
  Pick pick_;
  std::vector<std::string> values_;
  std::vector<uint8_t> has_;
};

// --- BOOL_AND / BOOL_OR ------------------------------------------------------------------

class BoolAccumulator : public Accumulator {
 public:
  explicit BoolAccumulator(bool is_and) : is_and_(is_and) {}
  void resize(size_t g) override {
    values_.resize(g, is_and_ ? 1 : 0);
    has_.resize(g, 0);
  }
  size_t memory_bytes() const override { return values_.size() + has_.size(); }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    for (int64_t i = 0; i < rows; ++i) {
      if (c.is_null(i)) continue;
      offer(gid[i], c.value<uint8_t>(i) != 0);
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<BoolAccumulator&>(o);
    for_each_merged(other.values_.size(), to, from, [&](uint32_t t, uint32_t g) {
      if (other.has_[g]) offer(t, other.values_[g]);
    });
  }
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kBoolean)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      if (has_[g]) out.append_bool(values_[g]);
      else out.append_null();
    }
    return out;
  }

 private:
  void offer(uint32_t g, bool v) {
    has_[g] = 1;
    values_[g] = is_and_ ? (values_[g] && v) : (values_[g] || v);
  }
  bool is_and_;
  std::vector<uint8_t> values_, has_;
};

// --- VARIANCE / STDDEV (Welford, merged with Chan's formula) ----------------------------

enum class Moment { kVarSamp, kVarPop, kStddevSamp, kStddevPop };

class MomentAccumulator : public Accumulator {
 public:
  explicit MomentAccumulator(Moment m) : moment_(m) {}
  void resize(size_t g) override { s_.resize(g); }
  size_t memory_bytes() const override { return s_.size() * sizeof(State); }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    const double* v = c.values<double>();
    for (int64_t i = 0; i < rows; ++i) {
      if (c.is_null(i)) continue;
      State& s = s_[gid[i]];
      s.n += 1;
      double d = v[i] - s.mean;
      s.mean += d / double(s.n);
      s.m2 += d * (v[i] - s.mean);
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<MomentAccumulator&>(o);
    merge_counted_states(s_, other.s_, to, from, [](State& a, const State& b) {
      int64_t n = a.n + b.n;
      double d = b.mean - a.mean;
      a.m2 = a.m2 + b.m2 + d * d * double(a.n) * double(b.n) / double(n);
      a.mean += d * double(b.n) / double(n);
      a.n = n;
    });
  }
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kFloat64)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      const State& s = s_[g];
      bool samp = moment_ == Moment::kVarSamp || moment_ == Moment::kStddevSamp;
      if (s.n == 0 || (samp && s.n < 2)) {
        out.append_null();
        continue;
      }
      double var = s.m2 / double(samp ? s.n - 1 : s.n);
      bool root = moment_ == Moment::kStddevSamp || moment_ == Moment::kStddevPop;
      out.append<double>(root ? std::sqrt(var) : var);
    }
    return out;
  }

 private:
  struct State {
    int64_t n = 0;
    double mean = 0, m2 = 0;
  };
  Moment moment_;
  std::vector<State> s_;
};

// --- MEDIAN / PERCENTILE_CONT / PERCENTILE_DISC ------------------------------------------

class PercentileAccumulator : public Accumulator {
 public:
  PercentileAccumulator(double fraction, bool discrete) : fraction_(fraction), discrete_(discrete) {}
  void resize(size_t g) override { values_.resize(g); }
  size_t memory_bytes() const override {
    return values_.size() * sizeof(std::vector<double>) + kept_ * sizeof(double);
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    const double* v = c.values<double>();
    for (int64_t i = 0; i < rows; ++i)
      if (c.is_valid(i)) {
        values_[gid[i]].push_back(v[i]);
        ++kept_;
      }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<PercentileAccumulator&>(o);
    for_each_merged(other.values_.size(), to, from, [&](uint32_t t, uint32_t g) {
      auto& dst = values_[t];
      dst.insert(dst.end(), other.values_[g].begin(), other.values_[g].end());
      kept_ += other.values_[g].size();
    });
  }
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kFloat64)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      auto& v = values_[g];
      if (v.empty()) {
        out.append_null();
        continue;
      }
      std::sort(v.begin(), v.end());
      if (discrete_) {
        double pos = std::ceil(fraction_ * double(v.size())) - 1;
        out.append<double>(v[size_t(std::clamp<double>(pos, 0, double(v.size() - 1)))]);
        continue;
      }
      double pos = fraction_ * double(v.size() - 1);
      size_t lo = size_t(std::floor(pos)), hi = size_t(std::ceil(pos));
      out.append<double>(v[lo] + (v[hi] - v[lo]) * (pos - double(lo)));
    }
    return out;
  }

 private:
  double fraction_;
  bool discrete_;
  std::vector<std::vector<double>> values_;
  size_t kept_ = 0;  // values held over all groups
};

// --- LISTAGG -----------------------------------------------------------------------------

class ListaggAccumulator : public Accumulator {
 public:
  explicit ListaggAccumulator(std::string separator) : separator_(std::move(separator)) {}
  void resize(size_t g) override {
    values_.resize(g);
    has_.resize(g, 0);
  }
  size_t memory_bytes() const override {
    return values_.size() * sizeof(std::string) + has_.size() + text_;
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    for (int64_t i = 0; i < rows; ++i)
      if (c.is_valid(i)) append(gid[i], c.string_at(i));
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<ListaggAccumulator&>(o);
    for_each_merged(other.values_.size(), to, from, [&](uint32_t t, uint32_t g) {
      if (other.has_[g]) append(t, other.values_[g]);
    });
  }
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kString)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      if (has_[g]) out.append_string(values_[g]);
      else out.append_null();
    }
    return out;
  }

 private:
  void append(uint32_t g, std::string_view v) {
    if (has_[g]) values_[g] += separator_;
    values_[g].append(v);
    has_[g] = 1;
    text_ += v.size() + separator_.size();
  }
  std::string separator_;
  std::vector<std::string> values_;
  std::vector<uint8_t> has_;
  size_t text_ = 0;  // bytes appended over all groups
};

// --- ARRAY_AGG: a VARIANT array (JSON text) of the group's non-NULL values ---------------

class ArrayAggAccumulator : public Accumulator {
 public:
  void resize(size_t g) override { values_.resize(g); }
  size_t memory_bytes() const override { return values_.size() * sizeof(std::string) + text_; }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    for (int64_t i = 0; i < rows; ++i) {
      if (c.is_null(i)) continue;
      std::string& v = values_[gid[i]];
      size_t before = v.size();
      v += v.empty() ? "[" : ",";
      columnar::append_value_json(c, i, v);
      text_ += v.size() - before;
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<ArrayAggAccumulator&>(o);
    for_each_merged(other.values_.size(), to, from, [&](uint32_t t, uint32_t g) {
      const std::string& src = other.values_[g];
      if (src.empty()) return;
      std::string& dst = values_[t];
      if (dst.empty()) dst = src;
      else dst.append(",").append(src, 1, std::string::npos);
      text_ += src.size();
    });
  }
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kString)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) out.append_string(values_[g].empty() ? "[]" : values_[g] + "]");
    return out;
  }

 private:
  std::vector<std::string> values_;  // "[a,b" while open
  size_t text_ = 0;                  // bytes appended over all groups
};

// --- MIN_BY / MAX_BY: the value of x on the row with the least / greatest y ---------------

class PickByAccumulator : public Accumulator {
 public:
  PickByAccumulator(DataType x, DataType y, bool max) : x_(std::move(x)), y_(std::move(y)), max_(max) {}
  void resize(size_t g) override { best_.resize(g); }
  // A group's best row is two one-row columns (a few small buffers each).
  size_t memory_bytes() const override {
    return best_.size() * (sizeof(best_[0]) + 4 * Buffer::kAlignment);
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    for (int64_t i = 0; i < rows; ++i) {
      if (in[1]->is_null(i)) continue;
      offer(gid[i], *in[0], *in[1], i);
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<PickByAccumulator&>(o);
    for_each_merged(other.best_.size(), to, from, [&](uint32_t t, uint32_t g) {
      if (other.best_[g]) offer(t, other.best_[g]->first, other.best_[g]->second, 0);
    });
  }
  Column finalize(size_t groups) override {
    Column out(x_);
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      if (best_[g]) out.append_range(best_[g]->first, 0, 1);
      else out.append_null();
    }
    return out;
  }

 private:
  void offer(uint32_t g, const Column& x, const Column& y, int64_t row) {
    auto& b = best_[g];
    if (b) {
      int c = columnar::compare_values(y, row, b->second, 0);
      if (max_ ? c <= 0 : c >= 0) return;  // ties keep the first row seen
    }
    b.emplace(x.slice(row, 1), y.slice(row, 1));
  }
  DataType x_, y_;
  bool max_;
  std::vector<std::optional<std::pair<Column, Column>>> best_;
};

// --- DISTINCT: forwards each group's first sight of a value to the inner aggregate -------

class DistinctAccumulator : public Accumulator {
 public:
  explicit DistinctAccumulator(std::unique_ptr<Accumulator> inner) : inner_(std::move(inner)) {}
  void resize(size_t g) override { seen_.resize(g); }
  size_t memory_bytes() const override {
    return seen_.size() * sizeof(seen_[0]) + held_ + inner_->memory_bytes();
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    EncodedKeys keys;
    std::vector<const Column*> cols(in.begin(), in.end());
    encode_keys(cols, rows, keys);
    columnar::SelectionVector sel;
    for (int64_t i = 0; i < rows; ++i) {
      if (keys.has_null[size_t(i)]) continue;
      if (seen_[gid[i]].insert(std::string(keys.key(size_t(i)))).second) {
        sel.push_back(uint32_t(i));
        held_ += keys.key(size_t(i)).size() + kSetEntryBytes;
      }
    }
    if (sel.empty()) return;
    Pending p;
    for (const Column* c : in) {
      p.values.push_back(c->take(sel));
      held_ += p.values.back().memory_bytes();
    }
    for (uint32_t r : sel) p.groups.push_back(gid[r]);
    held_ += p.groups.capacity() * sizeof(uint32_t);
    pending_.push_back(std::move(p));
  }
  bool merges_by_group() const override { return false; }
  void merge(Accumulator& o, const uint32_t* map, std::span<const uint32_t> from) override {
    FLOE_CHECK(from.empty(), "DISTINCT aggregates merge whole tables");
    auto& other = static_cast<DistinctAccumulator&>(o);
    for (auto& p : other.pending_) {
      std::vector<uint32_t> mapped;
      columnar::SelectionVector rows;
      for (size_t i = 0; i < p.groups.size(); ++i) {
        if (map[p.groups[i]] == kNoGroup) continue;
        mapped.push_back(map[p.groups[i]]);
        rows.push_back(uint32_t(i));
      }
      if (mapped.empty()) continue;
      std::vector<Column> taken;
      std::vector<const Column*> cols;
      if (rows.size() == p.groups.size()) {
        for (auto& c : p.values) cols.push_back(&c);
      } else {
        for (auto& c : p.values) taken.push_back(c.take(rows));
        for (auto& c : taken) cols.push_back(&c);
      }
      update(mapped.data(), cols, int64_t(mapped.size()));
    }
  }
  Column finalize(size_t groups) override {
    inner_->resize(groups);
    for (auto& p : pending_) {
      std::vector<const Column*> cols;
      for (auto& c : p.values) cols.push_back(&c);
      inner_->update(p.groups.data(), cols, int64_t(p.groups.size()));
    }
    return inner_->finalize(groups);
  }

 private:
  struct Pending {
    std::vector<Column> values;
    std::vector<uint32_t> groups;
  };
  // A value in a group's set: the string, its node and bucket.
  static constexpr size_t kSetEntryBytes = 64;
  std::unique_ptr<Accumulator> inner_;
  std::vector<std::unordered_set<std::string>> seen_;
  std::vector<Pending> pending_;
  size_t held_ = 0;  // the sets' values and the pending rows
};

// --- WITHIN GROUP (ORDER BY ..): the group's values handed to the inner aggregate sorted ---

class OrderedAccumulator : public Accumulator {
 public:
  OrderedAccumulator(std::unique_ptr<Accumulator> inner, std::vector<std::pair<bool, bool>> order)
      : inner_(std::move(inner)), order_(std::move(order)) {}
  void resize(size_t) override {}
  size_t memory_bytes() const override { return held_ + inner_->memory_bytes(); }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    if (rows == 0) return;
    Pending p;
    for (const Column* c : in) p.values.push_back(c->slice(0, rows));
    p.groups.assign(gid, gid + rows);
    held_ += p.bytes();
    pending_.push_back(std::move(p));
  }
  bool merges_by_group() const override { return false; }
  void merge(Accumulator& o, const uint32_t* map, std::span<const uint32_t> from) override {
    FLOE_CHECK(from.empty(), "WITHIN GROUP aggregates merge whole tables");
    auto& other = static_cast<OrderedAccumulator&>(o);
    std::vector<Pending> kept;  // rows of groups the mapping leaves in `other`
    for (auto& p : other.pending_) {
      columnar::SelectionVector moved, stay;
      for (size_t i = 0; i < p.groups.size(); ++i)
        (map[p.groups[i]] == kNoGroup ? stay : moved).push_back(uint32_t(i));
      if (stay.empty()) {
        for (auto& g : p.groups) g = map[g];
        pending_.push_back(std::move(p));
        continue;
      }
      if (!moved.empty()) {
        Pending m;
        for (auto& c : p.values) m.values.push_back(c.take(moved));
        for (uint32_t r : moved) m.groups.push_back(map[p.groups[r]]);
        pending_.push_back(std::move(m));
      }
      if (moved.empty()) {
        kept.push_back(std::move(p));
        continue;
      }
      Pending k;
      for (auto& c : p.values) k.values.push_back(c.take(stay));
      for (uint32_t r : stay) k.groups.push_back(p.groups[r]);
      kept.push_back(std::move(k));
    }
    other.pending_ = std::move(kept);
    held_ = 0;
    for (const auto& p : pending_) held_ += p.bytes();
    other.held_ = 0;
    for (const auto& p : other.pending_) other.held_ += p.bytes();
  }
  Column finalize(size_t groups) override {
    inner_->resize(groups);
    if (pending_.empty()) return inner_->finalize(groups);
    // Every row in one set of columns, sorted by (group, keys...), fed in that order.
    std::vector<Column> all;
    for (const auto& c : pending_[0].values) all.emplace_back(c.type());
    Column group_col{columnar::DataType(TypeId::kInt64)};
    for (auto& p : pending_) {
      for (size_t i = 0; i < all.size(); ++i) all[i].append_column(p.values[i]);
      for (uint32_t g : p.groups) group_col.append<int64_t>(int64_t(g));
    }
    std::vector<SortColumn> keys;
    keys.push_back({&group_col, false, false});
    for (size_t k = 0; k < order_.size(); ++k) keys.push_back({&all[1 + k], order_[k].first, order_[k].second});
    auto sorted = sorted_order(keys, group_col.size());
    Column values = all[0].take(sorted);
    std::vector<uint32_t> gids;
    gids.reserve(sorted.size());
    for (uint32_t r : sorted) gids.push_back(uint32_t(group_col.value<int64_t>(r)));
    const Column* cols[] = {&values};
    inner_->update(gids.data(), cols, int64_t(gids.size()));
    return inner_->finalize(groups);
  }

 private:
  struct Pending {
    std::vector<Column> values;  // the value, then the sort keys
    std::vector<uint32_t> groups;
    size_t bytes() const {
      size_t n = groups.capacity() * sizeof(uint32_t);
      for (const auto& c : values) n += c.memory_bytes();
      return n;
    }
  };
  std::unique_ptr<Accumulator> inner_;
  std::vector<std::pair<bool, bool>> order_;
  std::vector<Pending> pending_;
  size_t held_ = 0;  // bytes of the pending rows
};

std::string signature_list(std::string_view name) {
  return fmt::format("{}(<value>)", name);
}

[[noreturn]] void no_fit(std::string_view name, std::span<const DataType> args) {
  throw BinderError(fmt::format("aggregate {}({}) does not exist; expected {}", name,
                                argument_types_text(args), signature_list(name)));
}

std::unique_ptr<Accumulator> make_pick(const DataType& t, Pick pick) {
  std::unique_ptr<Accumulator> acc;
  bool fixed = visit_fixed_width(t.id(), [&](auto tag) {
    using T = decltype(tag);
    acc = std::make_unique<PickFixedAccumulator<T>>(t, PickCombine<T>{pick});
  });
  if (fixed) return acc;
  if (t.is_nested()) throw UnsupportedError(fmt::format("MIN/MAX/ANY_VALUE of {}", t.to_string()));
  return std::make_unique<PickStringAccumulator>(t, pick);
}

}  // namespace

bool is_aggregate_name(std::string_view n) {
  static const char* const kNames[] = {
      "count", "sum", "avg", "mean", "min", "max", "any_value", "arbitrary", "first",
      "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "variance_samp",
      "variance_pop", "median", "percentile_cont", "percentile_disc", "listagg", "string_agg",
      "group_concat", "bool_and", "bool_or", "booland_agg", "boolor_agg", "every",
      "approx_count_distinct", "count_if", "total", "array_agg", "min_by", "max_by", "arg_min",
      "arg_max", "approx_percentile", "array_unique_agg"};
  for (const char* k : kNames)
    if (n == k) return true;
  return is_statistical_aggregate_name(n);
}

std::optional<AggregateFunction> resolve_aggregate(std::string_view name,
                                                   std::span<const DataType> args, bool distinct,
                                                   const AggregateOptions& opt) {
  if (!is_aggregate_name(name)) return std::nullopt;
  AggregateFunction f;
  f.name = std::string(name);
  f.distinct = distinct;
  auto wrap = [&](std::function<std::unique_ptr<Accumulator>()> make) {
    if (!opt.order.empty()) {
      auto order = opt.order;
      make = [make, order] { return std::make_unique<OrderedAccumulator>(make(), order); };
    }
    if (distinct) {
      f.make = [make] { return std::make_unique<DistinctAccumulator>(make()); };
    } else {
      f.make = std::move(make);
    }
  };
  auto need = [&](size_t n) {
    if (args.size() != n) no_fit(name, args);
  };
  if (name == "count") {
    f.result_type = bigint_type();
    if (opt.star) {
      f.make = [] { return std::make_unique<CountAccumulator>(); };
      return f;
    }
    if (args.empty()) no_fit(name, args);
    f.arg_types.assign(args.begin(), args.end());
    wrap([] { return std::make_unique<CountAccumulator>(); });
    return f;
  }
  if (name == "count_if") {
    need(1);
    // COUNT_IF(cond) counts TRUE rows: the binder turns it into COUNT(CASE WHEN cond ...).
    throw InternalError("count_if is rewritten by the binder");
  }
  if (name == "approx_count_distinct") {
    need(1);
    f.result_type = bigint_type();
    f.arg_types.assign(args.begin(), args.end());
    f.distinct = true;
    f.make = [] { return std::make_unique<DistinctAccumulator>(std::make_unique<CountAccumulator>()); };
    return f;
  }
  if (name == "sum" || name == "avg" || name == "mean" || name == "total") {
    need(1);
    const DataType& t = args[0];
    bool avg = name != "sum" && name != "total";
    if (t.id() == TypeId::kNull) {
      f.arg_types = {bigint_type()};
      f.result_type = avg ? double_type() : bigint_type();
      wrap([avg, r = f.result_type] {
        return std::make_unique<SumAccumulator<int64_t, __int128>>(r, avg, 0, false);
      });
      return f;
    }
    if (!is_numeric(t)) no_fit(name, args);
    if (is_integer(t) && name != "total") {
      f.arg_types = {bigint_type()};
      f.result_type = avg ? double_type() : bigint_type();
      wrap([avg, r = f.result_type] {
        return std::make_unique<SumAccumulator<int64_t, __int128>>(r, avg, 0, false);
      });
    } else if (t.id() == TypeId::kDecimal) {
      f.arg_types = {t};
      f.result_type = avg ? double_type() : DataType::decimal(38, t.scale());
      int scale = t.scale();
      bool checked = t.precision() > 19;
      wrap([avg, scale, checked, r = f.result_type] {
        return std::make_unique<SumAccumulator<__int128, __int128>>(r, avg, scale, checked);
      });
    } else {
      f.arg_types = {double_type()};
      f.result_type = double_type();
      wrap([avg] { return std::make_unique<SumAccumulator<double, double>>(double_type(), avg, 0); });
    }
    return f;
  }
  if (name == "min" || name == "max" || name == "any_value" || name == "arbitrary" || name == "first") {
    need(1);
    DataType t = args[0].id() == TypeId::kNull ? bigint_type() : args[0];
    f.arg_types = {t};
    f.result_type = t;
    Pick pick = name == "min" ? Pick::kMin : name == "max" ? Pick::kMax : Pick::kAny;
    make_pick(t, pick);  // reject unsupported types at bind time
    wrap([t, pick] { return make_pick(t, pick); });
    return f;
  }
  if (name == "bool_and" || name == "bool_or" || name == "booland_agg" || name == "boolor_agg" ||
      name == "every") {
    need(1);
    if (!can_implicitly_cast(args[0], boolean_type())) no_fit(name, args);
    f.arg_types = {boolean_type()};
    f.result_type = boolean_type();
    bool is_and = name == "bool_and" || name == "booland_agg" || name == "every";
    wrap([is_and] { return std::make_unique<BoolAccumulator>(is_and); });
    return f;
  }
  if (name == "stddev" || name == "stddev_samp" || name == "stddev_pop" || name == "variance" ||
      name == "var_samp" || name == "var_pop" || name == "variance_samp" || name == "variance_pop") {
    need(1);
    if (!is_numeric(args[0]) && args[0].id() != TypeId::kNull) no_fit(name, args);
    f.arg_types = {double_type()};
    f.result_type = double_type();
    Moment m = (name == "stddev" || name == "stddev_samp") ? Moment::kStddevSamp
               : name == "stddev_pop"                      ? Moment::kStddevPop
               : (name == "var_pop" || name == "variance_pop") ? Moment::kVarPop
                                                               : Moment::kVarSamp;
    wrap([m] { return std::make_unique<MomentAccumulator>(m); });
    return f;
  }
  if (name == "median" || name == "percentile_cont" || name == "percentile_disc") {
    need(1);
    if (!is_numeric(args[0]) && args[0].id() != TypeId::kNull) no_fit(name, args);
    f.arg_types = {double_type()};
    f.result_type = double_type();
    double fraction = name == "median" ? 0.5 : opt.fraction;
    bool discrete = name == "percentile_disc";
    if (fraction < 0 || fraction > 1)
      throw BinderError(fmt::format("{}: the fraction {} is not between 0 and 1", name, fraction));
    wrap([fraction, discrete] { return std::make_unique<PercentileAccumulator>(fraction, discrete); });
    return f;
  }
  if (auto make = resolve_statistical_aggregate(name, args, f)) {
    wrap(std::move(make));
    return f;
  }
  // ORDER BY keys come after the value (only LISTAGG and ARRAY_AGG take them).
  const size_t keys = opt.order.size();
  auto key_types = [&] {
    std::vector<DataType> t;
    for (size_t k = 0; k < keys; ++k) t.push_back(args[1 + k].id() == TypeId::kNull ? bigint_type() : args[1 + k]);
    return t;
  };
  if (name == "array_agg") {
    need(1 + keys);
    f.arg_types = {args[0].id() == TypeId::kNull ? varchar_type() : args[0]};
    for (auto& t : key_types()) f.arg_types.push_back(t);
    f.result_type = varchar_type();  // a VARIANT array: JSON text
    wrap([] { return std::make_unique<ArrayAggAccumulator>(); });
    return f;
  }
  if (name == "min_by" || name == "max_by" || name == "arg_min" || name == "arg_max") {
    need(2);
    if (args[1].is_nested()) no_fit(name, args);
    DataType x = args[0].id() == TypeId::kNull ? bigint_type() : args[0];
    DataType y = args[1].id() == TypeId::kNull ? bigint_type() : args[1];
    f.arg_types = {x, y};
    f.result_type = x;
    bool max = name == "max_by" || name == "arg_max";
    wrap([x, y, max] { return std::make_unique<PickByAccumulator>(x, y, max); });
    return f;
  }
  if (name == "listagg" || name == "string_agg" || name == "group_concat") {
    need(1 + keys);
    f.arg_types = {varchar_type()};
    for (auto& t : key_types()) f.arg_types.push_back(t);
    f.result_type = varchar_type();
    std::string sep = opt.separator;
    wrap([sep] { return std::make_unique<ListaggAccumulator>(sep); });
    return f;
  }
  return std::nullopt;
}

}  // namespace floe::exec
