#include "exec/statistical_aggregates.h"

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "columnar/value_compare.h"
#include "exec/aggregate_support.h"
#include "exec/row_keys.h"
#include "exec/type_rules.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

// --- COVAR / CORR / REGR_*: co-moments of (y, x) pairs --------------------------------------

enum class Pair {
  kCovarPop, kCovarSamp, kCorr, kSlope, kIntercept, kR2, kCount, kAvgX, kAvgY, kSxx, kSyy, kSxy
};

// Per group: the pairs' count, means and sums of squared / crossed deviations from the means,
// updated one pair at a time (Welford) and merged with the pairwise formulas (Chan et al.),
// which keeps them accurate when the values are large next to their spread.
class CoMomentAccumulator : public Accumulator {
 public:
  explicit CoMomentAccumulator(Pair kind) : kind_(kind) {}
  void resize(size_t g) override { s_.resize(g); }
  size_t memory_bytes() const override { return s_.size() * sizeof(State); }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& cy = *in[0];
    const Column& cx = *in[1];
    const double* y = cy.values<double>();
    const double* x = cx.values<double>();
    for (int64_t i = 0; i < rows; ++i) {
      if (cy.is_null(i) || cx.is_null(i)) continue;
      State& s = s_[gid[i]];
      s.n += 1;
      double dx = x[i] - s.mx, dy = y[i] - s.my;
      s.mx += dx / double(s.n);
      s.my += dy / double(s.n);
      s.sxx += dx * (x[i] - s.mx);
      s.syy += dy * (y[i] - s.my);
      s.sxy += dx * (y[i] - s.my);
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<CoMomentAccumulator&>(o);
    merge_counted_states(s_, other.s_, to, from, [](State& a, const State& b) {
      double n = double(a.n + b.n), w = double(a.n) * double(b.n) / n;
      double dx = b.mx - a.mx, dy = b.my - a.my;
      a.sxx += b.sxx + dx * dx * w;
      a.syy += b.syy + dy * dy * w;
      a.sxy += b.sxy + dx * dy * w;
      a.mx += dx * double(b.n) / n;
      a.my += dy * double(b.n) / n;
      a.n += b.n;
    });
  }
  Column finalize(size_t groups) override {
    if (kind_ == Pair::kCount) {
      Column out{DataType(TypeId::kInt64)};
      out.reserve(int64_t(groups));
      for (size_t g = 0; g < groups; ++g) out.append<int64_t>(s_[g].n);
      return out;
    }
    Column out{DataType(TypeId::kFloat64)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      std::optional<double> r = result(s_[g]);
      if (r) out.append<double>(*r);
      else out.append_null();
    }
    return out;
  }

 private:
  struct State {
    int64_t n = 0;
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  };
  // NULL without pairs, and where the statistic divides by a zero spread (as Snowflake).
  std::optional<double> result(const State& s) const {
    if (s.n == 0) return std::nullopt;
    double n = double(s.n);
    switch (kind_) {
      case Pair::kCovarPop: return s.sxy / n;
      case Pair::kCovarSamp:
        if (s.n < 2) return std::nullopt;
        return s.sxy / (n - 1);
      case Pair::kCorr:
        if (s.sxx == 0 || s.syy == 0) return std::nullopt;
        return s.sxy / std::sqrt(s.sxx * s.syy);
      case Pair::kSlope:
        if (s.sxx == 0) return std::nullopt;
        return s.sxy / s.sxx;
      case Pair::kIntercept:
        if (s.sxx == 0) return std::nullopt;
        return s.my - s.sxy / s.sxx * s.mx;
      case Pair::kR2:
        if (s.sxx == 0) return std::nullopt;
        if (s.syy == 0) return 1.0;
        return s.sxy * s.sxy / (s.sxx * s.syy);
      case Pair::kAvgX: return s.mx;
      case Pair::kAvgY: return s.my;
      case Pair::kSxx: return s.sxx;
      case Pair::kSyy: return s.syy;
      case Pair::kSxy: return s.sxy;
      case Pair::kCount: break;
    }
    return std::nullopt;
  }
  Pair kind_;
  std::vector<State> s_;
};

// --- SKEW / KURTOSIS: central moments up to the fourth --------------------------------------

// Per group: count, mean and the sums of the 2nd, 3rd and 4th powers of the deviations,
// updated one value at a time (Terriberry) and merged with Pébay's pairwise formulas.
class HigherMomentAccumulator : public Accumulator {
 public:
  explicit HigherMomentAccumulator(bool kurtosis) : kurtosis_(kurtosis) {}
  void resize(size_t g) override { s_.resize(g); }
  size_t memory_bytes() const override { return s_.size() * sizeof(State); }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    const Column& c = *in[0];
    const double* v = c.values<double>();
    for (int64_t i = 0; i < rows; ++i) {
      if (c.is_null(i)) continue;
      State& s = s_[gid[i]];
      double n1 = double(s.n), n = n1 + 1;
      s.n += 1;
      double d = v[i] - s.mean, dn = d / n, dn2 = dn * dn, t = d * dn * n1;
      s.mean += dn;
      s.m4 += t * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * s.m2 - 4 * dn * s.m3;
      s.m3 += t * dn * (n - 2) - 3 * dn * s.m2;
      s.m2 += t;
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<HigherMomentAccumulator&>(o);
    merge_counted_states(s_, other.s_, to, from, [](State& a, const State& b) {
      double na = double(a.n), nb = double(b.n), n = na + nb;
      double d = b.mean - a.mean, d2 = d * d;
      double m2 = a.m2 + b.m2 + d2 * na * nb / n;
      double m3 = a.m3 + b.m3 + d2 * d * na * nb * (na - nb) / (n * n) +
                  3 * d * (na * b.m2 - nb * a.m2) / n;
      double m4 = a.m4 + b.m4 + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n) +
                  6 * d2 * (na * na * b.m2 + nb * nb * a.m2) / (n * n) +
                  4 * d * (na * b.m3 - nb * a.m3) / n;
      a.mean += d * nb / n;
      a.m2 = m2;
      a.m3 = m3;
      a.m4 = m4;
      a.n += b.n;
    });
  }
  // The sample skewness and excess kurtosis of Snowflake (and DuckDB); NULL below 3 resp.
  // 4 values, and when the values do not vary (the formulas divide by the variance).
  Column finalize(size_t groups) override {
    Column out{DataType(TypeId::kFloat64)};
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      const State& s = s_[g];
      if (s.n < (kurtosis_ ? 4 : 3) || s.m2 == 0) {
        out.append_null();
        continue;
      }
      double n = double(s.n), var = s.m2 / n;
      if (kurtosis_) {
        double ratio = s.m4 / n / (var * var);
        out.append<double>((n - 1) * ((n + 1) * ratio - 3 * (n - 1)) / ((n - 2) * (n - 3)));
      } else {
        out.append<double>(std::sqrt(n * (n - 1)) / (n - 2) * (s.m3 / n) / std::pow(var, 1.5));
      }
    }
    return out;
  }

 private:
  struct State {
    int64_t n = 0;
    double mean = 0, m2 = 0, m3 = 0, m4 = 0;
  };
  bool kurtosis_;
  std::vector<State> s_;
};

// --- MODE: the most frequent value, the least of those tied -------------------------------

// Per group: a count per value, found by the value's row key (so -0.0 is 0.0 and NaNs are
// one value, as in GROUP BY). Each value a group holds is kept once in `values_`, for the
// result and for breaking ties by comparing values.
class ModeAccumulator : public Accumulator {
 public:
  explicit ModeAccumulator(const DataType& type) : values_(type) {}
  void resize(size_t g) override { counts_.resize(g); }
  size_t memory_bytes() const override {
    return counts_.size() * sizeof(counts_[0]) + held_ + size_t(values_.memory_bytes());
  }
  void update(const uint32_t* gid, std::span<const Column* const> in, int64_t rows) override {
    EncodedKeys keys;
    encode_keys({in[0]}, rows, keys);
    for (int64_t i = 0; i < rows; ++i) {
      if (keys.has_null[size_t(i)]) continue;
      add(gid[i], keys.key(size_t(i)), 1, *in[0], i);
    }
  }
  void merge(Accumulator& o, const uint32_t* to, std::span<const uint32_t> from) override {
    auto& other = static_cast<ModeAccumulator&>(o);
    for_each_merged(other.counts_.size(), to, from, [&](uint32_t t, uint32_t g) {
      for (const auto& [key, e] : other.counts_[g]) add(t, key, e.count, other.values_, e.row);
    });
  }
  Column finalize(size_t groups) override {
    Column out(values_.type());
    out.reserve(int64_t(groups));
    for (size_t g = 0; g < groups; ++g) {
      const Entry* best = nullptr;
      for (const auto& [key, e] : counts_[g]) {
        if (best && (e.count < best->count ||
                     (e.count == best->count &&
                      columnar::compare_values(values_, e.row, values_, best->row) >= 0)))
          continue;
        best = &e;
      }
      if (best) out.append_range(values_, best->row, 1);
      else out.append_null();
    }
    return out;
  }

 private:
  struct Entry {
    int64_t count;
    int64_t row;  // in values_
  };
  // A key, its entry, node and bucket in a group's map.
  static constexpr size_t kEntryBytes = 64;
  void add(uint32_t g, std::string_view key, int64_t count, const Column& from, int64_t row) {
    auto [it, inserted] = counts_[g].try_emplace(std::string(key), Entry{0, values_.size()});
    if (inserted) {
      values_.append_range(from, row, 1);
      held_ += key.size() + kEntryBytes;
    }
    it->second.count += count;
  }
  Column values_;
  std::vector<std::unordered_map<std::string, Entry>> counts_;
  size_t held_ = 0;  // the maps' keys and entries
};

// --- BITAND_AGG / BITOR_AGG / BITXOR_AGG ----------------------------------------------------

enum class Bit { kAnd, kOr, kXor };

template <typename T>
struct BitCombine {
  Bit op;
  void operator()(T& kept, T v) const {
    switch (op) {
      case Bit::kAnd: kept &= v; break;
      case Bit::kOr: kept |= v; break;
      case Bit::kXor: kept ^= v; break;
    }
  }
};

struct PairName {
  const char* name;
  Pair kind;
};
constexpr PairName kPairs[] = {
    {"covar_pop", Pair::kCovarPop},       {"covar_samp", Pair::kCovarSamp},
    {"corr", Pair::kCorr},                {"regr_slope", Pair::kSlope},
    {"regr_intercept", Pair::kIntercept}, {"regr_r2", Pair::kR2},
    {"regr_count", Pair::kCount},         {"regr_avgx", Pair::kAvgX},
    {"regr_avgy", Pair::kAvgY},           {"regr_sxx", Pair::kSxx},
    {"regr_syy", Pair::kSyy},             {"regr_sxy", Pair::kSxy}};

// Snowflake's names, then DuckDB's.
constexpr const char* kOtherNames[] = {"skew",    "kurtosis", "mode",   "bitand_agg", "bitor_agg",
                                       "bitxor_agg", "skewness", "bit_and", "bit_or", "bit_xor"};

[[noreturn]] void no_fit(std::string_view name, std::span<const DataType> args,
                         std::string_view expected) {
  throw BinderError(fmt::format("aggregate {}({}) does not exist; expected {}({})", name,
                                argument_types_text(args), name, expected));
}

bool numeric_or_null(const DataType& t) { return is_numeric(t) || t.id() == TypeId::kNull; }

}  // namespace

bool is_statistical_aggregate_name(std::string_view name) {
  for (const auto& p : kPairs)
    if (name == p.name) return true;
  for (const char* n : kOtherNames)
    if (name == n) return true;
  return false;
}

std::function<std::unique_ptr<Accumulator>()> resolve_statistical_aggregate(
    std::string_view name, std::span<const DataType> args, AggregateFunction& f) {
  for (const auto& p : kPairs) {
    if (name != p.name) continue;
    if (args.size() != 2 || !numeric_or_null(args[0]) || !numeric_or_null(args[1]))
      no_fit(name, args, "<numeric y>, <numeric x>");
    f.arg_types = {double_type(), double_type()};
    f.result_type = p.kind == Pair::kCount ? bigint_type() : double_type();
    return [kind = p.kind] { return std::make_unique<CoMomentAccumulator>(kind); };
  }
  if (name == "skew" || name == "skewness" || name == "kurtosis") {
    if (args.size() != 1 || !numeric_or_null(args[0])) no_fit(name, args, "<numeric>");
    f.arg_types = {double_type()};
    f.result_type = double_type();
    bool kurtosis = name == "kurtosis";
    return [kurtosis] { return std::make_unique<HigherMomentAccumulator>(kurtosis); };
  }
  if (name == "mode") {
    if (args.size() != 1 || args[0].is_nested()) no_fit(name, args, "<value>");
    DataType t = args[0].id() == TypeId::kNull ? bigint_type() : args[0];
    f.arg_types = {t};
    f.result_type = t;
    return [t] { return std::make_unique<ModeAccumulator>(t); };
  }
  if (is_statistical_aggregate_name(name)) {  // the bitwise ones
    // Integers keep their type; NULL and whole decimals (Snowflake's NUMBER) are BIGINT.
    if (args.size() != 1) no_fit(name, args, "<integer>");
    const DataType& in = args[0];
    bool whole_decimal = in.id() == TypeId::kDecimal && in.scale() == 0;
    if (!is_integer(in) && !whole_decimal && in.id() != TypeId::kNull)
      no_fit(name, args, "<integer>");
    DataType t = is_integer(in) ? in : bigint_type();
    f.arg_types = {t};
    f.result_type = t;
    Bit op = (name == "bitand_agg" || name == "bit_and")   ? Bit::kAnd
             : (name == "bitxor_agg" || name == "bit_xor") ? Bit::kXor
                                                           : Bit::kOr;
    std::function<std::unique_ptr<Accumulator>()> make;
    visit_fixed_width(t.id(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T>)
        make = [t, op] {
          return std::make_unique<FixedValueAccumulator<T, BitCombine<T>>>(t, BitCombine<T>{op});
        };
    });
    return make;
  }
  return {};
}

}  // namespace floe::exec
