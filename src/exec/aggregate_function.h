// Aggregate functions: per-group accumulators fed whole columns with a group id per row,
// merged across threads, finalized into one column. Layer: exec. COUNT, SUM, AVG, MIN, MAX,
// ANY_VALUE, statistics (STDDEV, VARIANCE), MEDIAN and percentiles, LISTAGG, ARRAY_AGG,
// BOOL_AND/OR, MIN_BY/MAX_BY (ARG_MIN/ARG_MAX), APPROX_COUNT_DISTINCT; any of them DISTINCT.
// COVAR_POP/SAMP, CORR, REGR_*, SKEW, KURTOSIS, MODE and BITAND/BITOR/BITXOR_AGG are in
// statistical_aggregates.h.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace floe::exec {

// In a merge mapping: the other accumulator's group is left out (it stays there).
inline constexpr uint32_t kNoGroup = 0xffffffffu;

class Accumulator {
 public:
  virtual ~Accumulator() = default;
  // Makes room for `groups` groups; new ones start empty.
  virtual void resize(size_t groups) = 0;
  // Adds rows [0, rows) of `inputs` (the aggregate's arguments; none for COUNT(*)),
  // row i into group group_ids[i].
  virtual void update(const uint32_t* group_ids, std::span<const columnar::Column* const> inputs,
                      int64_t rows) = 0;
  // Adds `other`'s groups into this one's: other group g goes into to[g], or nowhere when
  // to[g] is kNoGroup (hash aggregation's spilled partitions take over only the groups they
  // share with a table in memory). `from`, when not empty, lists the only groups of `other`
  // to look at (a partition of them, see merges_by_group); empty means all of them.
  virtual void merge(Accumulator& other, const uint32_t* to, std::span<const uint32_t> from) = 0;
  // Whether merge() reads only the groups it is given and changes nothing in `other`, so
  // that several accumulators may merge disjoint groups of one `other` at once. False for
  // those that keep rows rather than a state per group (DISTINCT, WITHIN GROUP): they
  // merge every group `to` maps, with `from` empty.
  virtual bool merges_by_group() const { return true; }
  // The result for groups [0, groups).
  virtual columnar::Column finalize(size_t groups) = 0;
  // Bytes the group states hold, for the memory limit: counted by size, leaving out the
  // spare capacity of containers, so that the figure grows smoothly with the groups (a
  // hash aggregation decides to spill by it).
  virtual size_t memory_bytes() const { return 0; }
};

struct AggregateFunction {
  std::string name;
  columnar::DataType result_type;
  std::vector<columnar::DataType> arg_types;  // what the arguments are cast to
  bool distinct = false;
  std::function<std::unique_ptr<Accumulator>()> make;
};

// Options some aggregates take as constants: the fraction of PERCENTILE_CONT, the
// separator of LISTAGG.
struct AggregateOptions {
  double fraction = 0.5;
  std::string separator;
  bool star = false;  // COUNT(*)
  // LISTAGG / ARRAY_AGG .. WITHIN GROUP (ORDER BY ..): the sort keys follow the value among
  // the arguments; per key (descending, nulls_first).
  std::vector<std::pair<bool, bool>> order;
};

// nullopt when `name` is not an aggregate; BinderError when the arguments do not fit.
std::optional<AggregateFunction> resolve_aggregate(std::string_view name,
                                                   std::span<const columnar::DataType> args,
                                                   bool distinct, const AggregateOptions& options);

bool is_aggregate_name(std::string_view name);

}  // namespace floe::exec
