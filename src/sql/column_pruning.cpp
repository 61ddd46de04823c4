#include "sql/column_pruning.h"

#include <optional>

#include "exec/subquery.h"

namespace floe::sql {

using exec::Expression;
using exec::ExprOp;
using exec::PlanKind;
using exec::PlanNode;

namespace {

void mark(const Expression& e, std::vector<bool>& needed, int offset = 0) {
  std::vector<int> cols;
  exec::collect_columns(e, cols);
  for (int c : cols)
    if (c - offset >= 0 && size_t(c - offset) < needed.size()) needed[size_t(c - offset)] = true;
}

void prune_subqueries(Expression& e);

void remap(Expression& e, const std::vector<int>& mapping, int offset = 0, int new_offset = 0) {
  if (e.op == ExprOp::kColumn || e.op == ExprOp::kRowMark) {
    int old = e.column_index - offset;
    e.column_index = mapping.at(size_t(old)) + new_offset;
  }
  for (auto& c : e.children) remap(*c, mapping, offset, new_offset);
}

std::vector<int> all_kept(size_t n) {
  std::vector<int> m(n);
  for (size_t i = 0; i < n; ++i) m[i] = int(i);
  return m;
}

// Prunes `n` to the `needed` outputs; returns old output index -> new index (-1 dropped).
std::vector<int> prune(PlanNode& n, std::vector<bool> needed);

std::vector<int> keep_outputs(PlanNode& n, const std::vector<int>& mapping) {
  std::vector<columnar::Field> out;
  for (size_t i = 0; i < mapping.size(); ++i)
    if (mapping[i] >= 0) out.push_back(n.output[i]);
  n.output = std::move(out);
  return mapping;
}

std::vector<int> compact(const std::vector<bool>& keep) {
  std::vector<int> m(keep.size(), -1);
  int next = 0;
  for (size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) m[i] = next++;
  return m;
}

std::vector<int> prune(PlanNode& n, std::vector<bool> needed) {
  for (auto& e : n.exprs) prune_subqueries(*e);
  if (n.predicate) prune_subqueries(*n.predicate);
  if (n.residual) prune_subqueries(*n.residual);
  switch (n.kind) {
    case PlanKind::kScan: {
      if (n.predicate) mark(*n.predicate, needed);
      auto m = compact(needed);
      std::vector<int> cols;
      for (size_t i = 0; i < needed.size(); ++i)
        if (needed[i]) cols.push_back(n.scan_columns[i]);
      n.scan_columns = cols;
      if (n.predicate) remap(*n.predicate, m);
      return keep_outputs(n, m);
    }
    case PlanKind::kValues: {
      auto m = compact(needed);
      for (auto& b : n.rows) {
        std::vector<columnar::Column> cols;
        std::vector<columnar::Field> fields;
        for (size_t i = 0; i < needed.size(); ++i)
          if (needed[i]) {
            cols.push_back(std::move(b.columns[i]));
            fields.push_back(b.schema.fields.size() > i ? b.schema.fields[i] : n.output[i]);
          }
        b.columns = std::move(cols);
        b.schema.fields = std::move(fields);
      }
      return keep_outputs(n, m);
    }
    case PlanKind::kFilter: {
      mark(*n.predicate, needed);
      auto m = prune(*n.children[0], needed);
      remap(*n.predicate, m);
      n.output = n.children[0]->output;
      return m;
    }
    case PlanKind::kProject: {
      std::vector<exec::ExpressionPtr> kept;
      std::vector<columnar::Field> out;
      auto m = compact(needed);
      std::vector<bool> child_needed(n.children[0]->output.size(), false);
      for (size_t i = 0; i < n.exprs.size(); ++i) {
        if (!needed[i]) continue;
        mark(*n.exprs[i], child_needed);
        kept.push_back(std::move(n.exprs[i]));
        out.push_back(n.output[i]);
      }
      auto cm = prune(*n.children[0], child_needed);
      for (auto& e : kept) remap(*e, cm);
      n.exprs = std::move(kept);
      n.output = std::move(out);
      return m;
    }
    case PlanKind::kAggregate: {
      size_t keys = n.group_keys.size();
      std::vector<bool> child_needed(n.children[0]->output.size(), false);
      for (auto& k : n.group_keys) mark(*k, child_needed);
      std::vector<bool> keep(n.output.size(), true);
      std::vector<exec::AggregateCall> aggs;
      for (size_t a = 0; a < n.aggregates.size(); ++a) {
        if (!needed[keys + a]) {
          keep[keys + a] = false;
          continue;
        }
        for (auto& x : n.aggregates[a].args) mark(*x, child_needed);
        if (n.aggregates[a].filter) mark(*n.aggregates[a].filter, child_needed);
        aggs.push_back(std::move(n.aggregates[a]));
      }
      n.aggregates = std::move(aggs);
      auto cm = prune(*n.children[0], child_needed);
      for (auto& k : n.group_keys) remap(*k, cm);
      for (auto& a : n.aggregates) {
        for (auto& x : a.args) remap(*x, cm);
        if (a.filter) remap(*a.filter, cm);
      }
      return keep_outputs(n, compact(keep));
    }
    case PlanKind::kHashJoin:
    case PlanKind::kNestedLoopJoin: {
      size_t lw = n.children[0]->output.size();
      size_t rw = n.children[1]->output.size();
      // A join pruned before emits some of its columns: what is needed of those, over all.
      std::optional<std::vector<int>> emitted = std::move(n.emit_columns);
      n.emit_columns.reset();
      if (emitted) {
        std::vector<bool> all(lw + rw, false);
        for (size_t j = 0; j < emitted->size(); ++j) all[size_t((*emitted)[j])] = needed[j];
        needed = std::move(all);
      }
      bool left_only = n.join_type == exec::JoinKind::kSemi || n.join_type == exec::JoinKind::kAnti ||
                       n.join_type == exec::JoinKind::kMark;
      bool right_only =
          n.join_type == exec::JoinKind::kRightSemi || n.join_type == exec::JoinKind::kRightAnti;
      std::vector<bool> ln(lw, false), rn(rw, false);
      if (right_only) {
        for (size_t i = 0; i < rw; ++i) rn[i] = needed[i];
      } else {
        for (size_t i = 0; i < lw; ++i) ln[i] = needed[i];
        if (!left_only)
          for (size_t i = 0; i < rw; ++i) rn[i] = needed[lw + i];
      }
      for (auto& k : n.left_keys) mark(*k, ln);
      for (auto& k : n.right_keys) mark(*k, rn);
      if (n.residual) {
        std::vector<bool> both(lw + rw, false);
        mark(*n.residual, both);
        for (size_t i = 0; i < lw; ++i) ln[i] = ln[i] || both[i];
        for (size_t i = 0; i < rw; ++i) rn[i] = rn[i] || both[lw + i];
      }
      auto lm = prune(*n.children[0], ln);
      auto rm = prune(*n.children[1], rn);
      int new_lw = int(n.children[0]->output.size());
      for (auto& k : n.left_keys) remap(*k, lm);
      for (auto& k : n.right_keys) remap(*k, rm);
      if (n.residual) {
        std::vector<int> both(lw + rw);
        for (size_t i = 0; i < lw; ++i) both[i] = lm[i];
        for (size_t i = 0; i < rw; ++i) both[lw + i] = rm[i] < 0 ? -1 : rm[i] + new_lw;
        remap(*n.residual, both);
      }
      if (right_only) {
        n.output = n.children[1]->output;
        return rm;
      }
      std::vector<int> m;
      for (size_t i = 0; i < lw; ++i) m.push_back(lm[i]);
      n.output = n.children[0]->output;
      if (!left_only) {
        for (size_t i = 0; i < rw; ++i) m.push_back(rm[i] < 0 ? -1 : rm[i] + new_lw);
        n.output.insert(n.output.end(), n.children[1]->output.begin(), n.children[1]->output.end());
        // Columns kept below only for this join's keys or residual are not emitted.
        std::vector<int> emit, out_of(m.size(), -1);
        std::vector<columnar::Field> out;
        for (size_t i = 0; i < m.size(); ++i) {
          if (!needed[i] || m[i] < 0) continue;
          out_of[i] = int(emit.size());
          emit.push_back(m[i]);
          out.push_back(n.output[size_t(m[i])]);
        }
        if (emit.size() < n.output.size()) {
          n.emit_columns = std::move(emit);
          n.output = std::move(out);
          m = std::move(out_of);
        }
        if (emitted) {  // indices of the outputs this call was given
          std::vector<int> given;
          for (int e : *emitted) given.push_back(m[size_t(e)]);
          m = std::move(given);
        }
      } else if (n.join_type == exec::JoinKind::kMark) {
        m.push_back(int(n.output.size()));
        n.output.push_back(columnar::Field("mark", columnar::DataType(columnar::TypeId::kBoolean)));
      }
      return m;
    }
    case PlanKind::kSort: {
      for (auto& k : n.sort_keys) mark(*k.expr, needed);
      auto m = prune(*n.children[0], needed);
      for (auto& k : n.sort_keys) remap(*k.expr, m);
      n.output = n.children[0]->output;
      return m;
    }
    case PlanKind::kLimit: {
      auto m = prune(*n.children[0], needed);
      n.output = n.children[0]->output;
      return m;
    }
    case PlanKind::kUnionAll: {
      std::vector<int> m;
      for (auto& c : n.children) m = prune(*c, needed);
      n.output = n.children[0]->output;
      return m;
    }
    case PlanKind::kWindow: {
      size_t cw = n.children[0]->output.size();
      std::vector<bool> cn(needed.begin(), needed.begin() + long(cw));
      std::vector<exec::WindowCall> kept;
      std::vector<bool> keep(needed.size(), true);
      for (size_t w = 0; w < n.windows.size(); ++w) {
        if (!needed[cw + w]) {
          keep[cw + w] = false;
          continue;
        }
        auto& call = n.windows[w];
        for (auto& e : call.args) mark(*e, cn);
        for (auto& e : call.partition_by) mark(*e, cn);
        for (auto& k : call.order_by) mark(*k.expr, cn);
        kept.push_back(std::move(call));
      }
      n.windows = std::move(kept);
      auto cm = prune(*n.children[0], cn);
      for (auto& call : n.windows) {
        for (auto& e : call.args) remap(*e, cm);
        for (auto& e : call.partition_by) remap(*e, cm);
        for (auto& k : call.order_by) remap(*k.expr, cm);
      }
      std::vector<int> m;
      int next = int(n.children[0]->output.size());
      for (size_t i = 0; i < cw; ++i) m.push_back(cm[i]);
      std::vector<columnar::Field> out = n.children[0]->output;
      for (size_t w = cw; w < needed.size(); ++w) {
        if (!keep[w]) {
          m.push_back(-1);
          continue;
        }
        m.push_back(next++);
        out.push_back(n.output[w]);
      }
      n.output = std::move(out);
      return m;
    }
    case PlanKind::kDistinct:
    case PlanKind::kSetOperation: {
      // Every column takes part in the comparison.
      for (auto& c : n.children) prune(*c, std::vector<bool>(c->output.size(), true));
      return all_kept(n.output.size());
    }
    case PlanKind::kEmpty:
      return keep_outputs(n, compact(needed));
    case PlanKind::kFlatten: {
      size_t cw = n.children[0]->output.size();
      std::vector<bool> cn(needed.begin(), needed.begin() + long(cw));
      mark(*n.flatten_input, cn);
      auto cm = prune(*n.children[0], cn);
      remap(*n.flatten_input, cm);
      std::vector<int> m(cm.begin(), cm.end());
      int next = int(n.children[0]->output.size());
      std::vector<columnar::Field> out = n.children[0]->output;
      for (size_t i = cw; i < n.output.size(); ++i) {  // FLATTEN's own columns stay
        m.push_back(next++);
        out.push_back(n.output[i]);
      }
      n.output = std::move(out);
      return m;
    }
  }
  return all_kept(n.output.size());
}

void prune_subqueries(Expression& e) {
  if (e.op == ExprOp::kSubquery && e.subquery && e.subquery->plan) prune_columns(*e.subquery->plan);
  for (auto& c : e.children) prune_subqueries(*c);
}

}  // namespace

void prune_columns(PlanNode& root) {
  prune(root, std::vector<bool>(root.output.size(), true));
}

}  // namespace floe::sql
