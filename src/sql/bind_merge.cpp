// Binding MERGE: the source is bound like a FROM item; the ON condition, the clause
// conditions and the values read the target's columns followed by the source's.
#include <fmt/format.h>

#include "exec/type_rules.h"
#include "sql/binder_internal.h"

namespace floe::sql {

using exec::ExpressionPtr;

BoundMerge Binder::bind_merge(const Merge& m, const columnar::Schema& target) {
  Impl& impl = *impl_;
  BoundMerge out;
  out.any_match_updates = m.any_match_updates;
  Relation src = impl.from_item(*m.source, nullptr, nullptr);
  out.source_width = src.columns.size();
  out.source = std::move(src.plan);
  Scope scope;
  std::string alias = m.target_alias.empty() ? m.target.back() : m.target_alias;
  for (const auto& f : target.fields) scope.columns.push_back({alias, f.name, f.type});
  scope.columns.insert(scope.columns.end(), src.columns.begin(), src.columns.end());
  BindContext ctx;
  ctx.scope = &scope;
  out.on = impl.to_boolean(impl.bind(*m.on, ctx), m.on->pos, "the ON condition of MERGE");
  for (const auto& c : m.clauses) {
    BoundMergeClause b;
    b.matched = c.matched;
    b.by_source = c.by_source;
    b.action = c.action;
    if (c.condition) b.condition = impl.to_boolean(impl.bind(*c.condition, ctx), c.condition->pos, "a WHEN condition");
    if (c.action == MergeAction::kUpdate) {
      if (!c.matched && !c.by_source) bind_error(c.pos, "WHEN NOT MATCHED can only INSERT");
      if (c.update_star) {
        for (size_t i = 0; i < target.fields.size(); ++i) {
          int found = -1;
          for (size_t j = 0; j < src.columns.size(); ++j)
            if (src.columns[j].name == target.fields[i].name) found = int(j);
          if (found < 0) bind_error(c.pos, fmt::format("UPDATE SET *: the source has no column '{}'", target.fields[i].name));
          b.sets.push_back({int(i), cast_to(exec::make_column_ref(int(target.fields.size()) + found, src.columns[size_t(found)].type, target.fields[i].name), target.fields[i].type, c.pos)});
        }
      }
      for (const auto& a : c.assignments) {
        int i = target.find(a.column.back());
        if (i < 0) bind_error(a.pos, fmt::format("the target has no column '{}'", a.column.back()));
        if (!a.value) bind_error(a.pos, "SET col = DEFAULT is not supported yet");
        b.sets.push_back({i, cast_to(impl.bind(*a.value, ctx), target.fields[size_t(i)].type, a.pos)});
      }
    } else if (c.action == MergeAction::kInsert) {
      if (c.matched || c.by_source) bind_error(c.pos, "INSERT is only allowed WHEN NOT MATCHED");
      std::vector<int> cols;
      std::vector<const Expr*> values;
      if (c.insert_star) {
        for (size_t i = 0; i < target.fields.size(); ++i) cols.push_back(int(i));
      } else if (c.insert_columns.empty()) {
        for (size_t i = 0; i < c.insert_values.size(); ++i) cols.push_back(int(i));
      } else {
        for (const auto& n : c.insert_columns) {
          int i = target.find(n);
          if (i < 0) bind_error(c.pos, fmt::format("the target has no column '{}'", n));
          cols.push_back(i);
        }
      }
      if (!c.insert_star && cols.size() != c.insert_values.size())
        bind_error(c.pos, fmt::format("INSERT names {} columns and gives {} values", cols.size(), c.insert_values.size()));
      if (cols.size() > target.fields.size()) bind_error(c.pos, "INSERT has more values than the target has columns");
      b.insert_values.resize(target.fields.size());
      for (size_t k = 0; k < cols.size(); ++k) {
        const auto& f = target.fields[size_t(cols[k])];
        ExpressionPtr v;
        if (c.insert_star) {
          int found = -1;
          for (size_t j = 0; j < src.columns.size(); ++j)
            if (src.columns[j].name == f.name) found = int(j);
          if (found < 0) bind_error(c.pos, fmt::format("INSERT *: the source has no column '{}'", f.name));
          v = exec::make_column_ref(int(target.fields.size()) + found, src.columns[size_t(found)].type, f.name);
        } else {
          v = impl.bind(*c.insert_values[k], ctx);
        }
        b.insert_values[size_t(cols[k])] = cast_to(std::move(v), f.type, c.pos);
      }
      for (size_t i = 0; i < target.fields.size(); ++i)
        if (!b.insert_values[i]) b.insert_values[i] = exec::make_null_constant(target.fields[i].type);
    }
    out.clauses.push_back(std::move(b));
  }
  return out;
}

}  // namespace floe::sql
