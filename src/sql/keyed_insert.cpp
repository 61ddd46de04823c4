// Primary keys of new tables and the MERGE an INSERT OR REPLACE / OR IGNORE runs. Layer: sql.
#include "sql/keyed_insert.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "exec/expression.h"
#include "exec/row_keys.h"
#include "exec/expression_evaluator.h"
#include "exec/type_rules.h"

namespace floe::sql {

using columnar::Batch;
using columnar::Schema;
using exec::ExpressionPtr;

std::vector<std::string> declared_primary_key(const CreateTable& ct, const Schema& columns) {
  std::vector<std::string> key = ct.primary_key;
  for (const auto& c : ct.columns) {
    if (!c.primary_key) continue;
    if (!key.empty())
      throw BinderError(fmt::format("table '{}' has more than one PRIMARY KEY", ct.name.back()));
    key.push_back(c.name);
  }
  for (size_t i = 0; i < key.size(); ++i) {
    if (std::find(key.begin(), key.begin() + long(i), key[i]) != key.begin() + long(i))
      throw BinderError(fmt::format("PRIMARY KEY names column '{}' twice", key[i]));
    int at = columns.find(key[i]);
    if (at < 0) throw BinderError(fmt::format("PRIMARY KEY column '{}' is not a column", key[i]));
    for (const auto& c : ct.columns)
      if (c.name == key[i] && c.null_declared)
        throw BinderError(fmt::format(
            "PRIMARY KEY column '{}' is declared NULL; a key column is NOT NULL", key[i]));
    const columnar::DataType& t = columns.fields[size_t(at)].type;
    if (t.id() == columnar::TypeId::kFloat32 || t.id() == columnar::TypeId::kFloat64 || t.is_nested())
      throw BinderError(fmt::format(
          "PRIMARY KEY column '{}' has type {}; a key (an Iceberg identifier field) cannot be "
          "FLOAT, DOUBLE or nested",
          key[i], t.to_string()));
  }
  return key;
}

Batch one_row_per_key(std::vector<Batch> rows, const Schema& schema, const std::vector<int>& key,
                      bool last_wins) {
  Batch all = Batch::empty_of(schema);
  int64_t n = 0;
  for (auto& b : rows) {
    for (size_t c = 0; c < all.columns.size(); ++c) all.columns[c].append_column(b.columns[c]);
    n += b.num_rows();
  }
  all.rows_without_columns = n;
  std::vector<const columnar::Column*> cols;
  for (int k : key) cols.push_back(&all.columns[size_t(k)]);
  exec::EncodedKeys enc;
  exec::encode_keys(cols, n, enc);
  exec::KeyTable table;
  std::vector<uint32_t> ids(static_cast<size_t>(n));
  table.find_or_insert_all(enc, ids.data());
  // The row each key keeps: its first, or the last that has it.
  std::vector<int64_t> kept(table.size(), -1);
  for (int64_t r = 0; r < n; ++r)
    if (last_wins || kept[ids[size_t(r)]] < 0) kept[ids[size_t(r)]] = r;
  if (int64_t(table.size()) == n) return all;
  columnar::SelectionVector keep;
  for (int64_t r = 0; r < n; ++r)
    if (kept[ids[size_t(r)]] == r) keep.push_back(uint32_t(r));
  return exec::take_rows(all, keep);
}

BoundMerge keyed_insert_merge(const Schema& target, const std::vector<int>& key, bool replace) {
  // Expressions read [target columns, source columns]; the source has the target's shape.
  int n = int(target.fields.size());
  auto target_column = [&](int i) { return exec::make_column_ref(i, target.fields[size_t(i)].type, target.fields[size_t(i)].name); };
  auto source_column = [&](int i) { return exec::make_column_ref(n + i, target.fields[size_t(i)].type, target.fields[size_t(i)].name); };
  BoundMerge m;
  m.source_width = size_t(n);
  std::vector<ExpressionPtr> equal;
  for (int k : key) {
    std::vector<ExpressionPtr> sides;
    sides.push_back(target_column(k));
    sides.push_back(source_column(k));
    equal.push_back(exec::make_expression(exec::ExprOp::kEqual, exec::boolean_type(), std::move(sides)));
  }
  m.on = exec::make_conjunction(equal);
  if (replace) {
    // Replacing a row is setting each of its columns to the new row's.
    BoundMergeClause update;
    update.matched = true;
    update.action = MergeAction::kUpdate;
    for (int i = 0; i < n; ++i) update.sets.push_back({i, source_column(i)});
    m.clauses.push_back(std::move(update));
  }
  BoundMergeClause insert;
  insert.matched = false;
  insert.action = MergeAction::kInsert;
  for (int i = 0; i < n; ++i) insert.insert_values.push_back(source_column(i));
  m.clauses.push_back(std::move(insert));
  return m;
}

}  // namespace floe::sql
