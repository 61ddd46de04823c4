#include "sql/dml_row_query.h"

#include <algorithm>
#include <numeric>
#include <strings.h>

#include "base/error.h"
#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "exec/subquery.h"
#include "exec/table_sources.h"
#include "sql/parser.h"
#include "sql/plan_passes.h"

namespace floe::sql {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

constexpr const char* kRowsTable = "__floe_target_rows";
constexpr const char* kRowColumn = "__floe_row";

// The subquery's plan reads parameters (the outer values it depends on are its children).
bool correlated(const exec::Expression& e) {
  return e.op == exec::ExprOp::kSubquery && !e.children.empty();
}

std::string quoted(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

bool has_correlated_subquery(const exec::Expression& e) {
  if (correlated(e)) return true;
  for (const auto& c : e.children)
    if (has_correlated_subquery(*c)) return true;
  return false;
}

// The rows of the file being decided on, with their row numbers as a last column; the
// batch is replaced before each run.
class DmlRowQuery::Rows : public exec::MemoryTableSource {
 public:
  Rows(columnar::Schema schema, std::shared_ptr<std::vector<Batch>> batches, int64_t estimate)
      : MemoryTableSource(kRowsTable, std::move(schema), batches),
        batches_(std::move(batches)),
        estimate_(estimate) {}
  int64_t estimated_rows() const override { return estimate_; }
  std::vector<Batch>& batches() { return *batches_; }

 private:
  std::shared_ptr<std::vector<Batch>> batches_;
  int64_t estimate_;
};

namespace {

// The session's catalog, with the file's rows under kRowsTable.
class WithTargetRows : public BindCatalog {
 public:
  WithTargetRows(BindCatalog& base, std::shared_ptr<exec::TableSource> rows)
      : base_(base), rows_(std::move(rows)) {}
  std::shared_ptr<exec::TableSource> open_table(const ObjectName& name,
                                                const TimeTravel* time_travel) override {
    if (name.size() == 1 && strcasecmp(name[0].c_str(), kRowsTable) == 0 && !time_travel)
      return rows_;
    return base_.open_table(name, time_travel);
  }
  std::optional<std::string> view_query(const ObjectName& name) override {
    return base_.view_query(name);
  }
  void enter_view(const ObjectName& name) override { base_.enter_view(name); }
  void leave_view() override { base_.leave_view(); }
  std::optional<std::string> system_function(const std::string& name,
                                             const std::vector<std::string>& args) override {
    return base_.system_function(name, args);
  }

 private:
  BindCatalog& base_;
  std::shared_ptr<exec::TableSource> rows_;
};

}  // namespace

DmlRowQuery::DmlRowQuery(BindCatalog& catalog, const BindOptions& options,
                         const columnar::Schema& schema, const std::string& qualifier,
                         ExprPtr where, std::vector<ExprPtr> values, int64_t estimated_rows,
                         exec::ExecOptions exec_options)
    : exec_options_(std::move(exec_options)) {
  columnar::Schema with_row = schema;
  with_row.fields.emplace_back(kRowColumn, DataType(TypeId::kInt64), false);
  rows_ = std::make_shared<Rows>(with_row, std::make_shared<std::vector<Batch>>(),
                                 estimated_rows);
  Statement st = parse_statement(fmt::format("SELECT {} FROM {} AS {}", quoted(kRowColumn),
                                             quoted(kRowsTable), quoted(qualifier)));
  FLOE_CHECK(st.kind == StatementKind::kQuery && st.query && st.query->select,
             "the row query of an UPDATE or DELETE did not parse as a SELECT");
  Select& select = *st.query->select;
  select.where = std::move(where);
  for (auto& v : values) select.items.push_back(SelectItem{std::move(v), ""});
  WithTargetRows with_rows(catalog, rows_);
  Binder binder(with_rows, options);
  BoundQuery bound = binder.bind_query(*st.query);
  run_plan_passes(*bound.plan);
  plan_ = std::move(bound.plan);
}

DmlRowQuery::~DmlRowQuery() = default;

RowSelection DmlRowQuery::run(const Batch& rows) {
  Batch numbered;
  numbered.schema = rows_->schema();
  numbered.rows_without_columns = rows.num_rows();
  for (const auto& c : rows.columns) numbered.columns.push_back(c.copy());
  Column row{DataType(TypeId::kInt64)};
  row.reserve(rows.num_rows());
  for (int64_t r = 0; r < rows.num_rows(); ++r) row.append<int64_t>(r);
  numbered.columns.push_back(std::move(row));

  std::vector<Batch> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rows_->batches().clear();
    rows_->batches().push_back(std::move(numbered));
    try {
      out = exec::execute_plan(*plan_, exec_options_);
    } catch (...) {
      rows_->batches().clear();
      throw;
    }
    rows_->batches().clear();
  }
  Batch all = exec::concatenate_batches(out, plan_->schema());
  const int64_t n = all.num_rows();
  // Back in the file's row order.
  std::vector<uint32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const Column& numbers = all.columns[0];
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return numbers.value<int64_t>(a) < numbers.value<int64_t>(b);
  });
  RowSelection s;
  s.rows.reserve(size_t(n));
  for (uint32_t i : order) {
    uint32_t r = uint32_t(numbers.value<int64_t>(i));
    if (!s.rows.empty() && s.rows.back() == r)
      throw InternalError("the row query of an UPDATE or DELETE returned a row twice");
    s.rows.push_back(r);
  }
  for (size_t c = 1; c < all.columns.size(); ++c) s.values.push_back(all.columns[c].take(order));
  return s;
}

}  // namespace floe::sql
