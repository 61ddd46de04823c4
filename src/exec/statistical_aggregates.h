// Statistical and bitwise aggregates: COVAR_POP/COVAR_SAMP/CORR and the REGR_* family over
// non-NULL (y, x) pairs, SKEW/KURTOSIS, MODE, BITAND_AGG/BITOR_AGG/BITXOR_AGG. Their states
// are per group and merge exactly (co-moments with the parallel formulas), so they work in
// hash aggregation, windows and under DISTINCT like the aggregates of aggregate_function.cpp.
// Layer: exec.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "columnar/data_type.h"
#include "exec/aggregate_function.h"

namespace floe::exec {

bool is_statistical_aggregate_name(std::string_view name);

// For one of the names above: sets f.arg_types and f.result_type and returns the factory of
// its accumulators; an empty function for other names. BinderError when `args` do not fit.
std::function<std::unique_ptr<Accumulator>()> resolve_statistical_aggregate(
    std::string_view name, std::span<const columnar::DataType> args, AggregateFunction& f);

}  // namespace floe::exec
