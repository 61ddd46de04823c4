#include "exec/subquery.h"

#include "exec/comparison_kernels.h"
#include "exec/executor.h"
#include "exec/row_keys.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

struct Subquery::Result {
  Column scalar;          // kScalar: one row
  bool exists = false;    // kExists
  KeyTable values;        // kIn: the inner values
  bool has_null = false;  // kIn: some inner value is NULL
  bool empty = true;
};

namespace {

[[noreturn]] void throw_too_many_rows(int64_t rows) {
  throw InvalidInputError(
      fmt::format("a scalar subquery returned {} rows; it must return at most one", rows));
}

std::shared_ptr<Subquery::Result> run(Subquery& sq, const DataType& type) {
  ExecOptions opts;
  opts.threads = sq.threads;
  auto batches = execute_plan(*sq.plan, opts);
  auto r = std::make_shared<Subquery::Result>();
  int64_t rows = 0;
  for (const auto& b : batches) rows += b.num_rows();
  r->empty = rows == 0;
  switch (sq.kind) {
    case SubqueryKind::kExists:
      r->exists = rows > 0;
      break;
    case SubqueryKind::kScalar: {
      if (rows > 1) throw_too_many_rows(rows);
      r->scalar = Column(type);
      bool found = false;
      for (const auto& b : batches)
        if (b.num_rows() > 0) {
          r->scalar.append_range(b.columns[0], 0, 1);
          found = true;
        }
      if (!found) r->scalar.append_null();
      break;
    }
    case SubqueryKind::kIn:
      for (const auto& b : batches) {
        if (b.num_rows() == 0) continue;
        std::vector<const Column*> cols{&b.columns[0]};
        EncodedKeys enc;
        encode_keys(cols, b.num_rows(), enc);
        for (size_t i = 0; i < enc.rows(); ++i) {
          if (enc.has_null[i]) {
            r->has_null = true;
            continue;
          }
          bool inserted;
          r->values.find_or_insert(enc.key(i), enc.hashes[i], inserted);
        }
      }
      break;
  }
  return r;
}

}  // namespace

Column evaluate_subquery(const Expression& e, std::vector<Column>& inputs, int64_t rows) {
  Subquery& sq = *e.subquery;
  size_t first_param = sq.kind == SubqueryKind::kIn ? 1 : 0;
  std::vector<const Column*> param_cols;
  for (size_t i = first_param; i < inputs.size(); ++i) param_cols.push_back(&inputs[i]);
  EncodedKeys pkeys;
  if (!param_cols.empty()) encode_keys(param_cols, rows, pkeys);
  EncodedKeys needles;
  if (sq.kind == SubqueryKind::kIn) {
    std::vector<const Column*> n{&inputs[0]};
    encode_keys(n, rows, needles);
  }
  Column out(e.type);
  out.reserve(rows);
  std::lock_guard<std::mutex> lock(sq.mu);
  for (int64_t i = 0; i < rows; ++i) {
    std::string key = param_cols.empty() ? std::string() : std::string(pkeys.key(size_t(i)));
    auto it = sq.cache.find(key);
    std::shared_ptr<Subquery::Result> r;
    if (it != sq.cache.end()) {
      r = it->second;
    } else {
      for (size_t p = 0; p < param_cols.size(); ++p) *sq.params[p] = param_cols[p]->slice(i, 1);
      r = run(sq, e.type);
      sq.cache.emplace(key, r);
    }
    switch (sq.kind) {
      case SubqueryKind::kScalar:
        out.append_range(r->scalar, 0, 1);
        break;
      case SubqueryKind::kExists:
        out.append_bool(r->exists);
        break;
      case SubqueryKind::kIn: {
        if (r->empty) {
          out.append_bool(false);
        } else if (needles.has_null[size_t(i)]) {
          out.append_null();
        } else if (r->values.find(needles.key(size_t(i)), needles.hashes[size_t(i)]) >= 0) {
          out.append_bool(true);
        } else if (r->has_null) {
          out.append_null();
        } else {
          out.append_bool(false);
        }
        break;
      }
    }
  }
  return out;
}

ScalarFunction single_row_value(const DataType& type) {
  ScalarFunction f;
  f.name = "single_row_value";
  f.result_type = type;
  f.arg_types = {DataType(TypeId::kInt64), type};
  f.kernel = [](const ScalarArgs& args, const DataType& result) {
    const Column& count = *args.columns[0];
    for (int64_t i = 0; i < args.rows; ++i) {
      int64_t k = args.constant[0] ? 0 : i;
      if (count.is_valid(k) && count.value<int64_t>(k) > 1)
        throw_too_many_rows(count.value<int64_t>(k));
    }
    const Column& value = *args.columns[1];
    Column out(result);
    out.reserve(args.rows);
    if (!args.constant[1]) {
      out.append_range(value, 0, args.rows);
    } else {
      for (int64_t i = 0; i < args.rows; ++i) out.append_range(value, 0, 1);
    }
    return out;
  };
  return f;
}

}  // namespace floe::exec
