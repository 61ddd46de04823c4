// Helpers for the scalar function tests: columns from literals, calling a function by name
// the way the binder does (resolve, cast each argument, run the kernel), reading results.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "columnar/column.h"
#include "columnar/column_cast.h"
#include "columnar/value_text.h"
#include "exec/scalar_function.h"

namespace floe::exec::testing {

// A value of a given type written as text ("2024-01-31" as DATE).
struct Typed {
  std::string text;
  columnar::DataType type;
};

// A literal argument: NULL, integer, double, text (cast like a string literal), or typed.
using Lit = std::variant<std::monostate, int64_t, double, std::string, bool, Typed>;

inline Typed date(std::string s) {
  return {std::move(s), columnar::DataType(columnar::TypeId::kDate)};
}
inline Typed ts(std::string s) { return {std::move(s), columnar::DataType::timestamp()}; }
inline Typed tstz(std::string s) { return {std::move(s), columnar::DataType::timestamp_tz()}; }
inline Typed time(std::string s) { return {std::move(s), columnar::DataType::time()}; }

inline columnar::Column column_of(const std::vector<Lit>& values, columnar::DataType type) {
  columnar::Column c(type);
  for (const auto& v : values) {
    if (std::holds_alternative<std::monostate>(v))
      c.append_null();
    else if (auto* i = std::get_if<int64_t>(&v))
      c.append<int64_t>(*i);
    else if (auto* d = std::get_if<double>(&v))
      c.append<double>(*d);
    else if (auto* b = std::get_if<bool>(&v))
      c.append_bool(*b);
    else if (auto* t = std::get_if<Typed>(&v)) {
      columnar::Column text{columnar::DataType(columnar::TypeId::kString)};
      text.append_string(t->text);
      c.append_column(columnar::cast_column(text, type));
    } else
      c.append_string(std::get<std::string>(v));
  }
  return c;
}

inline columnar::DataType type_of(const Lit& v) {
  using columnar::DataType;
  using columnar::TypeId;
  if (std::holds_alternative<int64_t>(v)) return DataType(TypeId::kInt64);
  if (std::holds_alternative<double>(v)) return DataType(TypeId::kFloat64);
  if (std::holds_alternative<bool>(v)) return DataType(TypeId::kBoolean);
  if (std::holds_alternative<std::string>(v)) return DataType(TypeId::kString);
  if (auto* t = std::get_if<Typed>(&v)) return t->type;
  return DataType(TypeId::kNull);
}

// Calls `name` over columns given as typed input columns (cast as the binder would).
inline columnar::Column call_columns(const std::string& name,
                                     const std::vector<const columnar::Column*>& inputs,
                                     std::vector<bool> constant = {}) {
  std::vector<columnar::DataType> types;
  for (auto* c : inputs) types.push_back(c->type());
  auto f = resolve_scalar_function(name, types);
  if (!f) throw std::runtime_error("no function " + name);
  std::vector<columnar::Column> casted;
  casted.reserve(inputs.size());
  int64_t rows = inputs.empty() ? 1 : inputs[0]->size();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i]->type() == f->arg_types[i]) {
      casted.push_back(inputs[i]->copy());
    } else if (inputs[i]->type().id() == columnar::TypeId::kNull) {
      columnar::Column n(f->arg_types[i]);
      for (int64_t r = 0; r < rows; ++r) n.append_null();
      casted.push_back(std::move(n));
    } else {
      casted.push_back(columnar::cast_column(*inputs[i], f->arg_types[i]));
    }
  }
  std::vector<const columnar::Column*> ptrs;
  for (auto& c : casted) ptrs.push_back(&c);
  auto flags = std::make_unique<bool[]>(inputs.size() + 1);
  for (size_t i = 0; i < inputs.size(); ++i) flags[i] = i < constant.size() && constant[i];
  ScalarArgs args{ptrs, std::span<const bool>(flags.get(), inputs.size()), rows};
  columnar::Column out = f->kernel(args, f->result_type);
  EXPECT_EQ(out.size(), rows) << name;
  EXPECT_EQ(out.type(), f->result_type) << name;
  return out;
}

// Calls `name` on one row of literal arguments (constant) and returns the text of the
// result, or "NULL".
inline std::string call(const std::string& name, const std::vector<Lit>& args) {
  std::vector<columnar::Column> cols;
  for (const auto& a : args) {
    columnar::DataType t = type_of(a);
    if (t.id() == columnar::TypeId::kNull) {
      columnar::Column c(t);
      c.append_null();
      cols.push_back(std::move(c));
    } else {
      cols.push_back(column_of({a}, t));
    }
  }
  std::vector<const columnar::Column*> ptrs;
  for (auto& c : cols) ptrs.push_back(&c);
  columnar::Column out = call_columns(name, ptrs, std::vector<bool>(args.size(), true));
  if (out.is_null(0)) return "NULL";
  std::string s;
  columnar::append_value_text(out, 0, s);
  return s;
}

// The result type's name of `name` over literal arguments.
inline std::string result_type(const std::string& name, const std::vector<Lit>& args) {
  std::vector<columnar::DataType> types;
  for (const auto& a : args) types.push_back(type_of(a));
  auto f = resolve_scalar_function(name, types);
  return f ? f->result_type.to_string() : "none";
}

// Every row of a result as text ("NULL" for nulls).
inline std::vector<std::string> texts(const columnar::Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.size(); ++i) {
    if (c.is_null(i)) {
      out.push_back("NULL");
      continue;
    }
    std::string s;
    columnar::append_value_text(c, i, s);
    out.push_back(s);
  }
  return out;
}

}  // namespace floe::exec::testing
