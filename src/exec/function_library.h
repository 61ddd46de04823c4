// How the scalar function families register themselves with the registry: a function is a
// canonical name, its aliases, and either fixed signatures (matched by the engine's implicit
// casts, cheapest first) or a bind rule for generic ones (variadic, decimal-keeping).
// Layer: exec (private to the function library; the interface is scalar_function.h).
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "exec/scalar_function.h"
#include "exec/type_rules.h"

namespace floe::exec {

struct Overload {
  std::vector<columnar::DataType> args;
  columnar::DataType result;
  ScalarKernel kernel;
};

// Resolves a generic function for exactly these argument types, or nullopt when it does not
// apply (the fixed overloads are tried next). Runs at bind time only.
using BindRule =
    std::function<std::optional<ScalarFunction>(std::span<const columnar::DataType> args)>;

struct FunctionDef {
  std::string name;
  std::vector<std::string> aliases;
  std::vector<Overload> overloads;
  BindRule bind;
  std::string bind_signature;  // how `bind` reads in an error: "greatest(ANY, ...)"
  bool deterministic = true;

  FunctionDef& overload(std::vector<columnar::DataType> args, columnar::DataType result,
                        ScalarKernel kernel) {
    overloads.push_back({std::move(args), std::move(result), std::move(kernel)});
    return *this;
  }
  FunctionDef& rule(std::string signature, BindRule b) {
    bind_signature = std::move(signature);
    bind = std::move(b);
    return *this;
  }
  FunctionDef& nondeterministic() {
    deterministic = false;
    return *this;
  }
};

class FunctionTable {
 public:
  // Adds a function; names are lower case and unique across canonical names and aliases.
  FunctionDef& add(std::string name, std::initializer_list<const char*> aliases = {});
  std::vector<FunctionDef>& functions() { return functions_; }

 private:
  std::vector<FunctionDef> functions_;
};

void register_string_functions(FunctionTable& t);
void register_string_search_functions(FunctionTable& t);
void register_conversion_functions(FunctionTable& t);
void register_regex_functions(FunctionTable& t);
void register_math_functions(FunctionTable& t);
void register_conditional_functions(FunctionTable& t);
void register_datetime_functions(FunctionTable& t);
void register_datetime_conversion_functions(FunctionTable& t);
void register_hash_functions(FunctionTable& t);
void register_json_functions(FunctionTable& t);
void register_json_array_functions(FunctionTable& t);

// Engine value types the library declares its arguments and results in.
inline columnar::DataType date_type() { return columnar::DataType(columnar::TypeId::kDate); }
inline columnar::DataType time_type() {
  return columnar::DataType::time(columnar::TimeUnit::kMicro);
}
inline columnar::DataType timestamp_type() {
  return columnar::DataType::timestamp(columnar::TimeUnit::kMicro);
}
inline columnar::DataType timestamptz_type() {
  return columnar::DataType::timestamp_tz(columnar::TimeUnit::kMicro);
}
inline columnar::DataType binary_type() { return columnar::DataType(columnar::TypeId::kBinary); }

// The engine type a value of `t` is computed in: integers as BIGINT, floats as DOUBLE,
// timestamps in microseconds, NULL as VARCHAR; others as they are.
columnar::DataType value_type(const columnar::DataType& t);

// The common type of all `args` as value_type, or nullopt when two cannot meet.
std::optional<columnar::DataType> common_value_type(std::span<const columnar::DataType> args);

// Wraps a kernel with the canonical ScalarFunction fields a bind rule returns.
ScalarFunction bound(columnar::DataType result, std::vector<columnar::DataType> args,
                     ScalarKernel kernel);

}  // namespace floe::exec
