#include "exec/expression_evaluator.h"

#include <algorithm>
#include <optional>

#include "columnar/column_cast.h"
#include "exec/arithmetic_kernels.h"
#include "exec/comparison_kernels.h"
#include "exec/like_pattern.h"
#include "exec/subquery.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

// A value during evaluation: a column of the batch (borrowed) or a computed one (owned);
// `constant` when one row stands for all.
struct Value {
  std::optional<Column> owned;
  const Column* ref = nullptr;
  bool constant = false;

  const Column& column() const { return owned ? *owned : *ref; }
  Operand operand() const { return {&column(), constant}; }
  static Value of(Column c, bool constant) {
    Value v;
    v.owned.emplace(std::move(c));
    v.constant = constant;
    return v;
  }
};

Value eval(const Expression& e, const Batch& in, int64_t rows);

Column materialize(Value v, int64_t rows) {
  if (v.constant) return broadcast(v.column(), rows);
  if (v.owned) return std::move(*v.owned);
  return v.ref->copy();
}

Column cast_value(const Column& c, const DataType& to, bool try_cast) {
  if (!try_cast) return columnar::cast_column(c, to);
  try {
    return columnar::cast_column(c, to);
  } catch (const InvalidInputError&) {
  }
  Column out(to);
  out.reserve(c.size());
  for (int64_t i = 0; i < c.size(); ++i) {
    if (c.is_null(i)) {
      out.append_null();
      continue;
    }
    try {
      Column one = columnar::cast_column(c.slice(i, 1), to);
      out.append_column(one);
    } catch (const InvalidInputError&) {
      out.append_null();
    }
  }
  return out;
}

// Three-valued AND / OR over boolean operands.
Column logic(bool is_and, const Operand& a, const Operand& b, int64_t rows) {
  Buffer values(size_t(std::max<int64_t>(rows, 1)));
  uint8_t* o = values.data();
  const uint8_t* x = a.column->values<uint8_t>();
  const uint8_t* y = b.column->values<uint8_t>();
  bool any_null = a.column->null_count() || b.column->null_count();
  if (!any_null) {
    for (int64_t i = 0; i < rows; ++i) {
      uint8_t p = x[a.constant ? 0 : i], q = y[b.constant ? 0 : i];
      o[i] = is_and ? (p & q) : (p | q);
    }
    return bool_column(std::move(values), rows);
  }
  Column out = bool_column(std::move(values), rows);
  Buffer& v = out.validity_buffer();
  v.resize(bitmap_bytes(rows));
  std::memset(v.data(), 0, v.size());
  int64_t nulls = 0;
  uint8_t* ov = out.mutable_values<uint8_t>();
  for (int64_t i = 0; i < rows; ++i) {
    bool av = a.valid(i), bv = b.valid(i);
    uint8_t p = x[a.constant ? 0 : i], q = y[b.constant ? 0 : i];
    bool result_valid;
    uint8_t r;
    if (is_and) {
      if ((av && !p) || (bv && !q)) { r = 0; result_valid = true; }
      else if (av && bv) { r = 1; result_valid = true; }
      else { r = 0; result_valid = false; }
    } else {
      if ((av && p) || (bv && q)) { r = 1; result_valid = true; }
      else if (av && bv) { r = 0; result_valid = true; }
      else { r = 0; result_valid = false; }
    }
    ov[i] = r;
    if (result_valid) bit_set(v.data(), i); else ++nulls;
  }
  out.set_size(rows, nulls);
  if (nulls == 0) v.clear();
  return out;
}

Column null_test(ExprOp op, const Operand& a, int64_t rows) {
  Buffer values(size_t(std::max<int64_t>(rows, 1)));
  uint8_t* o = values.data();
  for (int64_t i = 0; i < rows; ++i) {
    bool valid = a.valid(i);
    switch (op) {
      case ExprOp::kIsNull: o[i] = !valid; break;
      case ExprOp::kIsNotNull: o[i] = valid; break;
      case ExprOp::kIsTrue: o[i] = valid && a.column->value<uint8_t>(a.constant ? 0 : i); break;
      default: o[i] = valid && !a.column->value<uint8_t>(a.constant ? 0 : i); break;
    }
  }
  return bool_column(std::move(values), rows);
}

Column logical_not(const Operand& a, int64_t rows) {
  Buffer values(size_t(std::max<int64_t>(rows, 1)));
  uint8_t* o = values.data();
  const uint8_t* x = a.column->values<uint8_t>();
  for (int64_t i = 0; i < rows; ++i) o[i] = !x[a.constant ? 0 : i];
  Column out = bool_column(std::move(values), rows);
  set_combined_validity(out, rows, a);
  return out;
}

Column like(const Expression& e, const Value& text, const Value& pattern, const Value* escape,
            int64_t rows) {
  char esc = 0;
  if (escape && escape->column().is_valid(0)) {
    std::string_view s = escape->column().string_at(0);
    if (s.size() > 1)
      throw InvalidInputError(fmt::format("LIKE escape '{}' must be one character", s));
    if (!s.empty()) esc = s[0];
  }
  Buffer values(size_t(std::max<int64_t>(rows, 1)));
  uint8_t* o = values.data();
  Operand t = text.operand(), p = pattern.operand();
  if (pattern.constant) {
    if (p.valid(0)) {
      LikePattern lp(p.column->string_at(0), esc, e.case_insensitive);
      for (int64_t i = 0; i < rows; ++i)
        o[i] = t.valid(i) && lp.matches(t.column->string_at(t.constant ? 0 : i));
    } else {
      std::memset(o, 0, size_t(rows));
    }
  } else {
    std::optional<LikePattern> lp;
    std::string last;
    for (int64_t i = 0; i < rows; ++i) {
      if (!p.valid(i) || !t.valid(i)) { o[i] = 0; continue; }
      std::string_view ps = p.column->string_at(i);
      if (!lp || ps != last) {
        lp.emplace(ps, esc, e.case_insensitive);
        last = ps;
      }
      o[i] = lp->matches(t.column->string_at(t.constant ? 0 : i));
    }
  }
  Column out = bool_column(std::move(values), rows);
  set_combined_validity(out, rows, t, &p);
  return out;
}

// Picks, per row, the value of the branch `choice[i]` from `branches` (each evaluated on
// the rows `branch_rows[b]`, in order).
Column gather_branches(const DataType& type, const std::vector<int>& choice,
                       std::vector<Column>& branches, int64_t rows) {
  Column out(type);
  out.reserve(rows);
  std::vector<int64_t> next(branches.size(), 0);
  for (int64_t i = 0; i < rows; ++i) {
    int b = choice[size_t(i)];
    if (b < 0) {
      out.append_null();
      continue;
    }
    out.append_range(branches[size_t(b)], next[size_t(b)]++, 1);
  }
  return out;
}

Value eval_case(const Expression& e, const Batch& in, int64_t rows) {
  size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
  std::vector<int> choice(size_t(rows), -1);
  int64_t undecided = rows;
  std::vector<columnar::SelectionVector> branch_rows(pairs + 1);
  for (size_t w = 0; w < pairs && undecided > 0; ++w) {
    Value cond = eval(*e.children[2 * w], in, rows);
    Operand c = cond.operand();
    const uint8_t* cv = c.column->values<uint8_t>();
    for (int64_t i = 0; i < rows; ++i) {
      if (choice[size_t(i)] != -1) continue;
      int64_t k = c.constant ? 0 : i;
      if (c.column->is_valid(k) && cv[k]) {
        choice[size_t(i)] = int(w);
        branch_rows[w].push_back(uint32_t(i));
        --undecided;
      }
    }
  }
  if (e.has_else) {
    for (int64_t i = 0; i < rows; ++i)
      if (choice[size_t(i)] == -1) {
        choice[size_t(i)] = int(pairs);
        branch_rows[pairs].push_back(uint32_t(i));
      }
  }
  // One branch for every row: evaluate it on the whole batch.
  for (size_t b = 0; b <= pairs; ++b) {
    if (int64_t(branch_rows[b].size()) == rows && rows > 0) {
      const Expression& branch = b < pairs ? *e.children[2 * b + 1] : *e.children.back();
      return eval(branch, in, rows);
    }
  }
  std::vector<Column> branches;
  for (size_t b = 0; b <= pairs; ++b) {
    if (branch_rows[b].empty()) {
      branches.emplace_back(e.type);
      continue;
    }
    const Expression& branch = b < pairs ? *e.children[2 * b + 1] : *e.children.back();
    Batch sub = take_rows(in, branch_rows[b]);
    Value v = eval(branch, sub, int64_t(branch_rows[b].size()));
    branches.push_back(materialize(std::move(v), int64_t(branch_rows[b].size())));
  }
  return Value::of(gather_branches(e.type, choice, branches, rows), false);
}

Value eval_coalesce(const Expression& e, const Batch& in, int64_t rows) {
  Value first = eval(*e.children[0], in, rows);
  if (first.column().null_count() == 0 || e.children.size() == 1) return first;
  std::vector<Column> values;
  std::vector<bool> constant;
  values.push_back(materialize(std::move(first), rows));
  for (size_t k = 1; k < e.children.size(); ++k) {
    values.push_back(materialize(eval(*e.children[k], in, rows), rows));
  }
  Column out(e.type);
  out.reserve(rows);
  for (int64_t i = 0; i < rows; ++i) {
    bool done = false;
    for (auto& v : values)
      if (v.is_valid(i)) {
        out.append_range(v, i, 1);
        done = true;
        break;
      }
    if (!done) out.append_null();
  }
  return Value::of(std::move(out), false);
}

Value eval_function(const Expression& e, const Batch& in, int64_t rows) {
  std::vector<Value> args;
  bool all_constant = e.function.deterministic;
  for (const auto& c : e.children) {
    args.push_back(eval(*c, in, rows));
    all_constant = all_constant && args.back().constant;
  }
  int64_t n = all_constant ? 1 : rows;
  std::vector<Column> broadcasted;
  broadcasted.reserve(args.size());
  std::vector<const Column*> cols;
  std::vector<uint8_t> constant_bytes;
  for (auto& a : args) {
    if (a.constant && n > 1) {
      broadcasted.push_back(broadcast(a.column(), n));
      cols.push_back(&broadcasted.back());
    } else {
      cols.push_back(&a.column());
    }
    constant_bytes.push_back(a.constant);
  }
  std::unique_ptr<bool[]> flags(new bool[std::max<size_t>(1, args.size())]);
  for (size_t i = 0; i < args.size(); ++i) flags[i] = constant_bytes[i];
  ScalarArgs sa{std::span<const Column* const>(cols.data(), cols.size()),
                std::span<const bool>(flags.get(), args.size()), n};
  Column out = e.function.kernel(sa, e.type);
  return Value::of(std::move(out), all_constant);
}

Value eval(const Expression& e, const Batch& in, int64_t rows) {
  switch (e.op) {
    case ExprOp::kColumn:
    case ExprOp::kRowMark: {
      Value v;
      v.ref = &in.columns.at(size_t(e.column_index));
      return v;
    }
    case ExprOp::kConstant: {
      Value v;
      v.ref = e.constant.get();
      v.constant = true;
      return v;
    }
    case ExprOp::kCast: {
      Value a = eval(*e.children[0], in, rows);
      bool c = a.constant;
      return Value::of(cast_value(a.column(), e.type, e.try_cast), c);
    }
    case ExprOp::kFunction:
      return eval_function(e, in, rows);
    case ExprOp::kAdd: case ExprOp::kSubtract: case ExprOp::kMultiply: case ExprOp::kDivide:
    case ExprOp::kIntegerDivide: case ExprOp::kModulo: {
      Value a = eval(*e.children[0], in, rows);
      Value b = eval(*e.children[1], in, rows);
      bool c = a.constant && b.constant;
      int64_t n = c ? 1 : rows;
      return Value::of(arithmetic(e.op, e.type, a.operand(), b.operand(), n,
                                  e.null_on_divide_by_zero), c);
    }
    case ExprOp::kNegate: {
      Value a = eval(*e.children[0], in, rows);
      bool c = a.constant;
      return Value::of(negate(a.operand(), c ? 1 : rows), c);
    }
    case ExprOp::kConcat: {
      Value a = eval(*e.children[0], in, rows);
      Value b = eval(*e.children[1], in, rows);
      bool c = a.constant && b.constant;
      return Value::of(concat(a.operand(), b.operand(), c ? 1 : rows), c);
    }
    case ExprOp::kEqual: case ExprOp::kNotEqual: case ExprOp::kLess: case ExprOp::kLessEqual:
    case ExprOp::kGreater: case ExprOp::kGreaterEqual: case ExprOp::kIsDistinctFrom:
    case ExprOp::kIsNotDistinctFrom: {
      Value a = eval(*e.children[0], in, rows);
      Value b = eval(*e.children[1], in, rows);
      bool c = a.constant && b.constant;
      return Value::of(compare(e.op, a.operand(), b.operand(), c ? 1 : rows), c);
    }
    case ExprOp::kAnd: case ExprOp::kOr: {
      Value a = eval(*e.children[0], in, rows);
      // Short cut: a constant FALSE (AND) / TRUE (OR) decides without the other side.
      if (a.constant && a.column().is_valid(0)) {
        bool v = a.column().value<uint8_t>(0);
        if (e.op == ExprOp::kAnd && !v) return a;
        if (e.op == ExprOp::kOr && v) return a;
      }
      Value b = eval(*e.children[1], in, rows);
      bool c = a.constant && b.constant;
      return Value::of(logic(e.op == ExprOp::kAnd, a.operand(), b.operand(), c ? 1 : rows), c);
    }
    case ExprOp::kNot: {
      Value a = eval(*e.children[0], in, rows);
      bool c = a.constant;
      return Value::of(logical_not(a.operand(), c ? 1 : rows), c);
    }
    case ExprOp::kIsNull: case ExprOp::kIsNotNull: case ExprOp::kIsTrue: case ExprOp::kIsFalse: {
      Value a = eval(*e.children[0], in, rows);
      bool c = a.constant;
      return Value::of(null_test(e.op, a.operand(), c ? 1 : rows), c);
    }
    case ExprOp::kCase:
      return eval_case(e, in, rows);
    case ExprOp::kCoalesce:
      return eval_coalesce(e, in, rows);
    case ExprOp::kInList: {
      Value x = eval(*e.children[0], in, rows);
      {
        std::vector<Value> items;
        std::vector<Operand> operands;
        bool constants = !x.constant;
        for (size_t k = 1; constants && k < e.children.size(); ++k) {
          items.push_back(eval(*e.children[k], in, rows));
          constants = items.back().constant;
        }
        if (constants) {
          for (const Value& v : items) operands.push_back(v.operand());
          Column out;
          if (in_constant_list(x.operand(), operands, rows, out))
            return Value::of(std::move(out), false);
        }
      }
      std::optional<Value> acc;
      for (size_t k = 1; k < e.children.size(); ++k) {
        Value item = eval(*e.children[k], in, rows);
        bool c = x.constant && item.constant;
        Value eq = Value::of(compare(ExprOp::kEqual, x.operand(), item.operand(), c ? 1 : rows), c);
        if (!acc) {
          acc = std::move(eq);
        } else {
          bool cc = acc->constant && eq.constant;
          acc = Value::of(logic(false, acc->operand(), eq.operand(), cc ? 1 : rows), cc);
        }
      }
      if (!acc) throw InternalError("IN with an empty list reached the evaluator");
      return std::move(*acc);
    }
    case ExprOp::kSubquery: {
      std::vector<Column> inputs;
      for (const auto& c : e.children) inputs.push_back(materialize(eval(*c, in, rows), rows));
      return Value::of(evaluate_subquery(e, inputs, rows), false);
    }
    case ExprOp::kLike: {
      Value t = eval(*e.children[0], in, rows);
      Value p = eval(*e.children[1], in, rows);
      std::optional<Value> esc;
      if (e.children.size() > 2) esc = eval(*e.children[2], in, rows);
      bool c = t.constant && p.constant;
      return Value::of(like(e, t, p, esc ? &*esc : nullptr, c ? 1 : rows), c);
    }
  }
  throw InternalError("unknown expression operator");
}

}  // namespace

Column evaluate(const Expression& e, const Batch& input) {
  int64_t rows = input.num_rows();
  return materialize(eval(e, input, rows), rows);
}

const Column& ColumnViews::add(const Expression& e, const Batch& input) {
  if (e.op == ExprOp::kColumn) {
    views_.push_back(&input.columns.at(size_t(e.column_index)));
  } else {
    owned_.push_back(evaluate(e, input));
    views_.push_back(&owned_.back());
  }
  return *views_.back();
}

namespace {

// The rows (of `rows`) for which `e` is TRUE.
columnar::SelectionVector selected_rows(const Expression& e, const Batch& input, int64_t rows) {
  Value v = eval(e, input, rows);
  const Column& c = v.column();
  columnar::SelectionVector sel;
  if (v.constant) {
    if (c.is_valid(0) && c.value<uint8_t>(0)) {
      sel.resize(size_t(rows));
      for (int64_t i = 0; i < rows; ++i) sel[size_t(i)] = uint32_t(i);
    }
    return sel;
  }
  const uint8_t* x = c.values<uint8_t>();
  // Branch-free: every row is written, and the count moves on only for a kept one.
  sel.resize(size_t(rows));
  uint32_t* out = sel.data();
  size_t n = 0;
  if (c.null_count() == 0) {
    for (int64_t i = 0; i < rows; ++i) {
      out[n] = uint32_t(i);
      n += x[i] != 0;
    }
  } else {
    for (int64_t i = 0; i < rows; ++i) {
      out[n] = uint32_t(i);
      n += (x[i] != 0) & c.is_valid(i);
    }
  }
  sel.resize(n);
  return sel;
}

bool has_subquery(const Expression& e) {
  if (e.op == ExprOp::kSubquery) return true;
  for (const auto& c : e.children)
    if (has_subquery(*c)) return true;
  return false;
}

void and_operands(const Expression& e, std::vector<const Expression*>& out) {
  if (e.op != ExprOp::kAnd) {
    out.push_back(&e);
    return;
  }
  for (const auto& c : e.children) and_operands(*c, out);
}

// What testing a conjunction's operand costs, roughly, or -1 when it may raise an error (a
// division, a cast, a function): a comparison of a column with a constant is cheapest, one
// of two columns next, byte strings and LIKE dearer.
int filter_cost(const Expression& e) {
  auto sum = [&](int extra) {
    int total = extra;
    for (const auto& c : e.children) {
      int k = filter_cost(*c);
      if (k < 0) return -1;
      total += k;
    }
    return total;
  };
  bool bytes = !e.children.empty() && e.children[0]->type.is_variable_width();
  switch (e.op) {
    case ExprOp::kConstant: return 0;
    case ExprOp::kColumn: case ExprOp::kRowMark: return 1;
    case ExprOp::kEqual: case ExprOp::kNotEqual: case ExprOp::kLess: case ExprOp::kLessEqual:
    case ExprOp::kGreater: case ExprOp::kGreaterEqual: case ExprOp::kIsDistinctFrom:
    case ExprOp::kIsNotDistinctFrom:
      return sum(bytes ? 4 : 1);
    case ExprOp::kInList: return sum(bytes ? 4 : 1);
    case ExprOp::kLike: return sum(8);
    case ExprOp::kIsNull: case ExprOp::kIsNotNull: case ExprOp::kNot: case ExprOp::kIsTrue:
    case ExprOp::kIsFalse: case ExprOp::kAnd: case ExprOp::kOr:
      return sum(1);
    default: return -1;
  }
}

}  // namespace

columnar::SelectionVector evaluate_filter(const Expression& e, const Batch& input) {
  int64_t rows = input.num_rows();
  if (e.op != ExprOp::kAnd || has_subquery(e)) return selected_rows(e, input, rows);
  // A conjunction is evaluated one operand at a time, each on the rows the ones before it
  // kept (gathered into a narrow batch of the columns it reads): a selective first
  // condition saves the work of the others, and a condition guarded by an earlier one
  // (b <> 0 AND a / b > 1) is not evaluated on the rows the guard removed.
  std::vector<const Expression*> operands;
  and_operands(e, operands);
  // Operands that cannot fail go first, cheapest first; the others keep their order after
  // them, so each still runs only on the rows every operand before it in the query kept.
  std::vector<int> cost;
  for (const Expression* op : operands) cost.push_back(filter_cost(*op));
  std::vector<size_t> at(operands.size());
  for (size_t i = 0; i < at.size(); ++i) at[i] = i;
  std::stable_sort(at.begin(), at.end(), [&](size_t a, size_t b) {
    if ((cost[a] < 0) != (cost[b] < 0)) return cost[b] < 0;
    return cost[a] >= 0 && cost[a] < cost[b];
  });
  std::vector<const Expression*> ordered;
  for (size_t i : at) ordered.push_back(operands[i]);
  operands = std::move(ordered);
  columnar::SelectionVector sel = selected_rows(*operands[0], input, rows);
  for (size_t k = 1; k < operands.size() && !sel.empty(); ++k) {
    const Expression& op = *operands[k];
    if (int64_t(sel.size()) == rows) {
      sel = selected_rows(op, input, rows);
      continue;
    }
    std::vector<int> cols;
    collect_columns(op, cols);
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    Batch narrow;  // columns the operand does not read stay empty
    narrow.schema = input.schema;
    narrow.columns.reserve(input.columns.size());
    for (const auto& c : input.columns) narrow.columns.emplace_back(c.type());
    for (int c : cols) narrow.columns[size_t(c)] = input.columns[size_t(c)].take(sel);
    narrow.rows_without_columns = int64_t(sel.size());
    columnar::SelectionVector kept = selected_rows(op, narrow, int64_t(sel.size()));
    for (auto& r : kept) r = sel[r];
    sel = std::move(kept);
  }
  return sel;
}

Column evaluate_constant(const Expression& e) {
  Batch empty;
  empty.rows_without_columns = 1;
  Value v = eval(e, empty, 1);
  if (v.owned) return std::move(*v.owned);
  return v.ref->copy();
}

Batch take_rows(const Batch& batch, const columnar::SelectionVector& rows) {
  Batch out;
  out.schema = batch.schema;
  out.columns.reserve(batch.columns.size());
  for (const auto& c : batch.columns) out.columns.push_back(c.take(rows));
  out.rows_without_columns = int64_t(rows.size());
  return out;
}

}  // namespace floe::exec
