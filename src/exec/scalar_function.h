// The scalar function library's interface: a function is resolved once, at bind time, for
// the types of its arguments, and then runs on whole columns. Layer: exec.
//
// The binder casts each argument to the resolved `arg_types` before calling the kernel, so
// a kernel sees exactly the types it asked for. Every argument column has `rows` values;
// `constant[i]` says argument i holds one value repeated (a literal or folded expression),
// so a kernel may do its set-up once (compile a regular expression, parse a format).
// Kernels return a column of `result_type` with `rows` values. NULL in, NULL out unless
// the function says otherwise (COALESCE-like functions are special forms in the binder,
// not here). A value a function cannot take (a bad date format, a negative square root
// where that is an error) throws InvalidInputError naming the function and the value.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace floe::exec {

struct ScalarArgs {
  std::span<const columnar::Column* const> columns;
  std::span<const bool> constant;
  int64_t rows = 0;
};

using ScalarKernel =
    std::function<columnar::Column(const ScalarArgs& args, const columnar::DataType& result)>;

struct ScalarFunction {
  std::string name;                          // canonical lower-case name
  columnar::DataType result_type;
  std::vector<columnar::DataType> arg_types; // what each argument is cast to before the call
  ScalarKernel kernel;
  bool deterministic = true;                 // false: RANDOM, UUID_STRING, CURRENT_TIMESTAMP
};

// Resolves `name` (lower case; aliases such as SUBSTRING/SUBSTR resolve alike) for
// arguments of the given types. nullopt when no scalar function has that name; throws
// BinderError when it has but no signature fits, saying which signatures exist.
std::optional<ScalarFunction> resolve_scalar_function(
    std::string_view name, std::span<const columnar::DataType> arg_types);

// Every scalar function name (canonical and aliases), sorted: for SHOW FUNCTIONS.
std::vector<std::string> scalar_function_names();

}  // namespace floe::exec
