// WITH RECURSIVE: the anchor runs once; the recursive step then runs on the rows the
// previous step added (the CTE's name means those rows inside the step) until a step adds
// nothing; UNION (without ALL) drops rows already produced, which also ends cycles. The
// whole result is computed while the statement binds and read from memory by each
// reference.
#include <fmt/format.h>

#include "columnar/column_cast.h"
#include "exec/executor.h"
#include "exec/row_keys.h"
#include "exec/type_rules.h"
#include "sql/binder_internal.h"
#include "sql/plan_passes.h"

namespace floe::sql {

using columnar::Batch;
using columnar::Column;

namespace {

constexpr int kMaxIterations = 10000;

bool references(const TableRef& t, const std::string& name);

bool references(const Query& q, const std::string& name) {
  switch (q.kind) {
    case QueryKind::kSelect:
      for (const auto& f : q.select->from)
        if (references(*f, name)) return true;
      return false;
    case QueryKind::kSetOperation:
      return references(*q.left, name) || references(*q.right, name);
    case QueryKind::kNested:
      return references(*q.nested, name);
    case QueryKind::kValues:
      return false;
  }
  return false;
}

bool references(const TableRef& t, const std::string& name) {
  switch (t.kind) {
    case TableRefKind::kNamed: return t.name.size() == 1 && t.name[0] == name;
    case TableRefKind::kSubquery: return references(*t.subquery, name);
    case TableRefKind::kJoin: return references(*t.left, name) || references(*t.right, name);
    default: return false;
  }
}

}  // namespace

void Binder::Impl::materialize_recursive(const CommonTableExpr& cte, CteEntry& entry, Scope* outer,
                                         Correlation* corr) {
  const Query& q = *cte.query;
  if (q.kind != QueryKind::kSetOperation || q.set_op != SetOp::kUnion || !references(*q.right, cte.name))
    return;  // not recursive: bound like any WITH query
  if (references(*q.left, cte.name))
    bind_error(q.pos, fmt::format("the first branch of recursive '{}' must not refer to it", cte.name));
  exec::ExecOptions eo;
  eo.threads = options.threads;
  auto run = [&](BoundQuery& b) {
    run_plan_passes(*b.plan);
    return exec::execute_plan(*b.plan, eo);
  };
  BoundQuery anchor = query(*q.left, outer, corr);
  columnar::Schema schema;
  for (size_t i = 0; i < anchor.names.size(); ++i) {
    std::string n = i < cte.column_aliases.size() ? cte.column_aliases[i] : anchor.names[i];
    columnar::DataType t = anchor.plan->output[i].type;
    if (t.id() == columnar::TypeId::kNull) t = exec::bigint_type();
    schema.fields.emplace_back(n, t);
  }
  exec::KeyTable seen;
  auto conform = [&](std::vector<Batch> in) {
    std::vector<Batch> out;
    for (auto& b : in) {
      if (b.num_columns() != int(schema.fields.size()))
        bind_error(q.pos, fmt::format("recursive '{}': the branches have {} and {} columns", cte.name,
                                      schema.fields.size(), b.num_columns()));
      Batch o;
      o.schema = schema;
      o.rows_without_columns = b.num_rows();
      for (size_t c = 0; c < schema.fields.size(); ++c)
        o.columns.push_back(b.columns[c].type() == schema.fields[c].type
                                ? std::move(b.columns[c])
                                : columnar::cast_column(b.columns[c], schema.fields[c].type, schema.fields[c].name));
      if (!q.set_all) {
        // Keep only rows not produced before.
        std::vector<const Column*> cols;
        for (auto& c : o.columns) cols.push_back(&c);
        exec::EncodedKeys enc;
        exec::encode_keys(cols, o.num_rows(), enc);
        columnar::SelectionVector fresh;
        for (size_t i = 0; i < enc.rows(); ++i) {
          bool inserted;
          seen.find_or_insert(enc.key(i), enc.hashes[i], inserted);
          if (inserted) fresh.push_back(uint32_t(i));
        }
        if (int64_t(fresh.size()) != o.num_rows()) {
          Batch f;
          f.schema = schema;
          f.rows_without_columns = int64_t(fresh.size());
          for (auto& c : o.columns) f.columns.push_back(c.take(fresh));
          o = std::move(f);
        }
      }
      if (o.num_rows() > 0) out.push_back(std::move(o));
    }
    return out;
  };
  auto all = std::make_shared<std::vector<Batch>>(conform(run(anchor)));
  auto step_rows = std::make_shared<std::vector<Batch>>();
  for (auto& b : *all) {
    Batch c;
    c.schema = b.schema;
    c.rows_without_columns = b.num_rows();
    for (auto& col : b.columns) c.columns.push_back(col.copy());
    step_rows->push_back(std::move(c));
  }
  entry.schema = schema;
  entry.variant = anchor.variant;
  for (int iteration = 0; !step_rows->empty(); ++iteration) {
    if (iteration >= kMaxIterations)
      bind_error(q.pos, fmt::format("recursive '{}' did not end after {} steps", cte.name, kMaxIterations));
    entry.rows = step_rows;  // inside the step, the name means the previous step's rows
    BoundQuery step = query(*q.right, outer, corr);
    auto added = conform(run(step));
    step_rows = std::make_shared<std::vector<Batch>>();
    for (auto& b : added) {
      Batch c;
      c.schema = b.schema;
      c.rows_without_columns = b.num_rows();
      for (auto& col : b.columns) c.columns.push_back(col.copy());
      step_rows->push_back(std::move(c));
      all->push_back(std::move(b));
    }
  }
  entry.rows = all;
}

}  // namespace floe::sql
