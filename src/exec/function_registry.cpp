// Resolution of scalar functions: one table of every family's functions, built once, looked
// up by canonical name or alias; a generic bind rule first, then the cheapest fixed
// signature the arguments reach by implicit casts.
#include <algorithm>
#include <climits>
#include <map>

#include "base/error.h"
#include "exec/function_library.h"
#include "exec/scalar_function.h"

namespace floe::exec {

using columnar::DataType;
using columnar::TypeId;

FunctionDef& FunctionTable::add(std::string name, std::initializer_list<const char*> aliases) {
  FunctionDef& d = functions_.emplace_back();
  d.name = std::move(name);
  for (const char* a : aliases) d.aliases.emplace_back(a);
  return d;
}

DataType value_type(const DataType& t) {
  if (is_integer(t)) return bigint_type();
  if (is_floating(t)) return double_type();
  switch (t.id()) {
    case TypeId::kNull: return varchar_type();
    case TypeId::kTime: return time_type();
    case TypeId::kTimestamp: return timestamp_type();
    case TypeId::kTimestampTz: return timestamptz_type();
    case TypeId::kFixedBinary: return binary_type();
    default: return t;
  }
}

std::optional<DataType> common_value_type(std::span<const DataType> args) {
  if (args.empty()) return std::nullopt;
  DataType t = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    auto c = common_type(t, args[i]);
    if (!c) return std::nullopt;
    t = *c;
  }
  return value_type(t);
}

ScalarFunction bound(DataType result, std::vector<DataType> args, ScalarKernel kernel) {
  ScalarFunction f;
  f.result_type = std::move(result);
  f.arg_types = std::move(args);
  f.kernel = std::move(kernel);
  return f;
}

namespace {

struct Registry {
  std::vector<FunctionDef> functions;
  std::map<std::string, size_t, std::less<>> by_name;
};

const Registry& registry() {
  static const Registry r = [] {
    FunctionTable t;
    register_string_functions(t);
    register_string_search_functions(t);
    register_conversion_functions(t);
    register_regex_functions(t);
    register_math_functions(t);
    register_conditional_functions(t);
    register_datetime_functions(t);
    register_datetime_conversion_functions(t);
    register_hash_functions(t);
    register_json_functions(t);
    register_json_array_functions(t);
    Registry reg;
    reg.functions = std::move(t.functions());
    for (size_t i = 0; i < reg.functions.size(); ++i) {
      const FunctionDef& d = reg.functions[i];
      FLOE_CHECK(reg.by_name.emplace(d.name, i).second, "function {} registered twice", d.name);
      for (const auto& a : d.aliases)
        FLOE_CHECK(reg.by_name.emplace(a, i).second, "alias {} registered twice", a);
    }
    return reg;
  }();
  return r;
}

// How far an implicit cast moves a value: exact 0, widening small, parsing text large.
int cast_cost(const DataType& from, const DataType& to) {
  if (from == to) return 0;
  if (from.id() == TypeId::kNull) return 1;
  if (is_integer(from) && is_integer(to)) return 1;
  if (from.id() == TypeId::kFloat32 && to.id() == TypeId::kFloat64) return 1;
  if (from.id() == TypeId::kFixedBinary && to.id() == TypeId::kBinary) return 1;
  if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal) return 2;
  if (is_integer(from) && to.id() == TypeId::kDecimal) return 3;
  if (is_integer(from) && is_floating(to)) return 4;
  if (from.id() == TypeId::kDecimal && is_floating(to)) return 5;
  if (from.id() == TypeId::kDate) return 6;
  if (from.id() == TypeId::kTimestamp) return 7;
  // Text parses into anything; a number or a timestamp reads more texts than BIGINT or DATE.
  if (is_text(from)) return to.id() == TypeId::kFloat64 || to.id() == TypeId::kTimestamp ? 10 : 11;
  return 8;
}

std::string type_list(std::span<const DataType> types) {
  std::string s;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ", ";
    s += types[i].to_string();
  }
  return s;
}

// "f(A, B[, C][, D])": overloads that extend the one before by trailing arguments read as
// optional arguments of one signature.
std::string signatures(std::string_view name, const FunctionDef& d) {
  std::vector<std::string> out;
  if (!d.bind_signature.empty()) out.push_back(d.bind_signature);
  const auto& ov = d.overloads;
  for (size_t i = 0; i < ov.size();) {
    std::string s = std::string(name) + "(" + type_list(ov[i].args);
    size_t j = i + 1;
    while (j < ov.size() && ov[j].args.size() > ov[j - 1].args.size() &&
           std::equal(ov[j - 1].args.begin(), ov[j - 1].args.end(), ov[j].args.begin())) {
      std::span<const DataType> extra(ov[j].args.begin() + long(ov[j - 1].args.size()),
                                      ov[j].args.end());
      s += "[" + std::string(ov[j - 1].args.empty() ? "" : ", ") + type_list(extra) + "]";
      ++j;
    }
    out.push_back(s + ")");
    i = j;
  }
  std::string joined;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) joined += i + 1 == out.size() ? " or " : ", ";
    joined += out[i];
  }
  return joined;
}

}  // namespace

std::optional<ScalarFunction> resolve_scalar_function(std::string_view name,
                                                      std::span<const DataType> arg_types) {
  const Registry& r = registry();
  auto it = r.by_name.find(name);
  if (it == r.by_name.end()) return std::nullopt;
  const FunctionDef& d = r.functions[it->second];
  auto finish = [&](ScalarFunction f) {
    f.name = d.name;
    f.deterministic = d.deterministic;
    return f;
  };
  if (d.bind) {
    if (auto f = d.bind(arg_types)) return finish(std::move(*f));
  }
  const Overload* best = nullptr;
  int best_cost = INT_MAX;
  for (const Overload& o : d.overloads) {
    if (o.args.size() != arg_types.size()) continue;
    int cost = 0;
    bool fits = true;
    for (size_t i = 0; i < o.args.size() && fits; ++i) {
      fits = can_implicitly_cast(arg_types[i], o.args[i]);
      if (fits) cost += cast_cost(arg_types[i], o.args[i]);
    }
    if (fits && cost < best_cost) {
      best = &o;
      best_cost = cost;
    }
  }
  if (!best)
    throw BinderError(fmt::format("function {}({}) does not exist; expected {}", name,
                                  type_list(arg_types), signatures(name, d)));
  ScalarFunction f;
  f.result_type = best->result;
  f.arg_types = best->args;
  f.kernel = best->kernel;
  return finish(std::move(f));
}

std::vector<std::string> scalar_function_names() {
  std::vector<std::string> names;
  for (const auto& [n, i] : registry().by_name) names.push_back(n);
  return names;  // std::map keeps them sorted
}

}  // namespace floe::exec
