#include "sql/merge_rows.h"

#include <fmt/format.h>

#include "columnar/column_cast.h"
#include "exec/executor.h"
#include "exec/expression_evaluator.h"
#include "exec/type_rules.h"
#include "exec/vector_ops.h"

namespace floe::sql {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::SelectionVector;
using exec::ExprOp;
using exec::ExpressionPtr;

namespace {

// The pair layout: [target columns, target row id, source columns, source row id].
int sides_of(const exec::Expression& e, int n) {
  std::vector<int> cols;
  exec::collect_columns(e, cols);
  int s = 0;
  for (int c : cols) s |= c < n ? 1 : 2;
  return s;
}

Column row_ids(int64_t n) {
  Column c{exec::bigint_type()};
  c.reserve(n);
  for (int64_t i = 0; i < n; ++i) c.append<int64_t>(i);
  return c;
}

exec::PlanPtr values_node(Batch b) {
  auto v = std::make_unique<exec::PlanNode>();
  v->kind = exec::PlanKind::kValues;
  v->output = b.schema.fields;
  v->rows.push_back(std::move(b));
  return v;
}

Batch with_row_ids(const Batch& b, const std::string& name) {
  Batch out;
  out.rows_without_columns = b.num_rows();
  for (size_t i = 0; i < b.columns.size(); ++i) {
    out.columns.push_back(b.columns[i].copy());
    out.schema.fields.push_back(i < b.schema.fields.size() ? b.schema.fields[i]
                                                             : columnar::Field("c" + std::to_string(i), b.columns[i].type()));
  }
  out.columns.push_back(row_ids(b.num_rows()));
  out.schema.fields.emplace_back(name, exec::bigint_type());
  return out;
}

}  // namespace

MergeRows::MergeRows(BoundMerge& merge, const columnar::Schema& target, Batch source)
    : target_(target), source_(std::move(source)) {
  n_ = target.fields.size();
  m_ = merge.source_width;
  any_match_updates_ = merge.any_match_updates;
  // [T(n), S(m)] -> pair layout [T(n), tid, S(m), sid].
  std::vector<int> to_pairs(n_ + m_);
  for (size_t i = 0; i < n_; ++i) to_pairs[i] = int(i);
  for (size_t j = 0; j < m_; ++j) to_pairs[n_ + j] = int(n_ + 1 + j);
  std::vector<ExpressionPtr> parts, residual;
  exec::split_chain(ExprOp::kAnd, merge.on->clone(), parts);
  for (auto& p : parts) {
    if (p->op == ExprOp::kEqual) {
      int a = sides_of(*p->children[0], int(n_)), b = sides_of(*p->children[1], int(n_));
      if ((a == 1 && b == 2) || (a == 2 && b == 1)) {
        ExpressionPtr t = std::move(a == 1 ? p->children[0] : p->children[1]);
        ExpressionPtr s = std::move(a == 1 ? p->children[1] : p->children[0]);
        std::vector<int> src_map(n_ + m_, -1);
        for (size_t j = 0; j < m_; ++j) src_map[n_ + j] = int(j);
        exec::remap_columns(*s, src_map);
        left_keys_.push_back(std::move(t));
        right_keys_.push_back(std::move(s));
        continue;
      }
    }
    exec::remap_columns(*p, to_pairs);
    residual.push_back(std::move(p));
  }
  residual_ = exec::make_conjunction(residual);
  for (auto& c : merge.clauses) {
    Clause cl;
    cl.bound = &c;
    if (c.condition) {
      cl.condition = c.condition->clone();
      exec::remap_columns(*cl.condition, to_pairs);
    }
    for (auto& [col, v] : c.sets) {
      auto e = v->clone();
      exec::remap_columns(*e, to_pairs);
      cl.sets.push_back({col, std::move(e)});
    }
    for (auto& v : c.insert_values) {
      auto e = v->clone();
      exec::remap_columns(*e, to_pairs);
      cl.values.push_back(std::move(e));
    }
    if (c.by_source) by_source_.push_back(std::move(cl));
    else if (c.matched) matched_.push_back(std::move(cl));
    else not_matched_.push_back(std::move(cl));
  }
  int64_t rows = source_.num_rows();
  source_matched_.reset(new std::atomic<uint8_t>[size_t(std::max<int64_t>(rows, 1))]);
  for (int64_t i = 0; i < rows; ++i) source_matched_[i].store(0);
}

MergeRows::~MergeRows() = default;

std::vector<int> MergeRows::choose(const std::vector<Clause>& clauses, const Batch& pairs) const {
  int64_t rows = pairs.num_rows();
  std::vector<int> chosen(size_t(rows), -1);
  for (size_t k = 0; k < clauses.size(); ++k) {
    if (!clauses[k].condition) {
      for (auto& c : chosen)
        if (c < 0) c = int(k);
      break;
    }
    for (uint32_t r : exec::evaluate_filter(*clauses[k].condition, pairs))
      if (chosen[r] < 0) chosen[r] = int(k);
  }
  return chosen;
}

Batch MergeRows::pair_layout_nulls(const Batch& rows, bool target_side, const SelectionVector& sel) const {
  // Rows of one side in the pair layout, the other side NULL.
  Batch out;
  out.rows_without_columns = int64_t(sel.size());
  int64_t k = int64_t(sel.size());
  for (size_t i = 0; i < n_; ++i)
    out.columns.push_back(target_side ? rows.columns[i].take(sel) : exec::null_column(target_.fields[i].type, k));
  out.columns.push_back(exec::null_column(exec::bigint_type(), k));
  for (size_t j = 0; j < m_; ++j)
    out.columns.push_back(target_side ? exec::null_column(source_.columns[j].type(), k) : rows.columns[j].take(sel));
  out.columns.push_back(exec::null_column(exec::bigint_type(), k));
  return out;
}

bool MergeRows::apply(const Batch& target_rows, std::vector<Batch>& out) {
  int64_t rows = target_rows.num_rows();
  if (rows == 0) return false;
  // Join this batch of target rows with the source.
  auto join = std::make_unique<exec::PlanNode>();
  join->kind = left_keys_.empty() ? exec::PlanKind::kNestedLoopJoin : exec::PlanKind::kHashJoin;
  join->join_type = exec::JoinKind::kInner;
  Batch left = with_row_ids(target_rows, "#tid");
  Batch right = with_row_ids(source_, "#sid");
  join->output = left.schema.fields;
  join->output.insert(join->output.end(), right.schema.fields.begin(), right.schema.fields.end());
  for (const auto& k : left_keys_) join->left_keys.push_back(k->clone());
  for (const auto& k : right_keys_) join->right_keys.push_back(k->clone());
  if (residual_) join->residual = residual_->clone();
  join->children.push_back(values_node(std::move(left)));
  join->children.push_back(values_node(std::move(right)));
  exec::ExecOptions eo;
  eo.threads = 1;
  auto parts = exec::execute_plan(*join, eo);
  Batch pairs = Batch::empty_of(join->schema());
  for (auto& p : parts)
    for (size_t c = 0; c < pairs.columns.size(); ++c) pairs.columns[c].append_column(p.columns[c]);
  int64_t npairs = 0;
  for (auto& p : parts) npairs += p.num_rows();
  pairs.rows_without_columns = npairs;
  const Column& tid = pairs.columns[n_];
  const Column& sid = pairs.columns[n_ + 1 + m_];
  for (int64_t i = 0; i < npairs; ++i) source_matched_[sid.value<int64_t>(i)].store(1, std::memory_order_relaxed);
  std::vector<int> chosen = choose(matched_, pairs);
  // Per target row: its acting pair, and a check that only one pair acts on it.
  std::vector<int64_t> acting(size_t(rows), -1);
  std::vector<uint8_t> any_pair(size_t(rows), 0);
  for (int64_t i = 0; i < npairs; ++i) {
    int64_t t = tid.value<int64_t>(i);
    any_pair[size_t(t)] = 1;
    if (chosen[size_t(i)] < 0) continue;
    if (acting[size_t(t)] >= 0) {
      // Several source rows that only delete it agree (Snowflake's rule: deterministic).
      auto action_of = [&](int64_t pair) { return matched_[size_t(chosen[size_t(pair)])].bound->action; };
      if (action_of(i) == MergeAction::kDelete && action_of(acting[size_t(t)]) == MergeAction::kDelete) continue;
      // UPDATE .. FROM: the first matching source row updates it.
      if (any_match_updates_) continue;
      throw InvalidInputError(
          "MERGE: a target row matches more than one source row (the update would depend on "
          "which came first); make the ON condition match at most one source row per target row");
    }
    acting[size_t(t)] = i;
  }
  // Target rows without any pair: WHEN NOT MATCHED BY SOURCE.
  SelectionVector lonely;
  for (int64_t t = 0; t < rows; ++t)
    if (!any_pair[size_t(t)]) lonely.push_back(uint32_t(t));
  std::vector<int> lonely_chosen;
  Batch lonely_rows;
  if (!by_source_.empty() && !lonely.empty()) {
    lonely_rows = pair_layout_nulls(target_rows, true, lonely);
    lonely_chosen = choose(by_source_, lonely_rows);
  }
  // New values per acting row.
  std::vector<Column> columns;
  for (size_t c = 0; c < n_; ++c) columns.emplace_back(target_.fields[c].type);
  bool changed = false;
  // Evaluate every UPDATE clause's values on the pairs (or lonely rows) that chose it.
  auto updates_for = [&](const std::vector<Clause>& clauses, const Batch& src, const std::vector<int>& pick) {
    std::vector<std::vector<Column>> vals(clauses.size());
    std::vector<std::vector<int64_t>> index(clauses.size());  // src row -> row in vals
    for (size_t k = 0; k < clauses.size(); ++k) {
      if (clauses[k].bound->action != MergeAction::kUpdate) continue;
      SelectionVector sel;
      index[k].assign(size_t(src.num_rows()), -1);
      for (int64_t r = 0; r < src.num_rows(); ++r)
        if (pick[size_t(r)] == int(k)) {
          index[k][size_t(r)] = int64_t(sel.size());
          sel.push_back(uint32_t(r));
        }
      if (sel.empty()) continue;
      Batch sub = exec::take_rows(src, sel);
      for (const auto& [col, e] : clauses[k].sets) {
        Column v = exec::evaluate(*e, sub);
        const auto& f = target_.fields[size_t(col)];
        if (!(v.type() == f.type)) v = columnar::cast_column(v, f.type, f.name);
        if (!f.nullable && v.null_count())
          throw InvalidInputError(fmt::format("MERGE: NULL in NOT NULL column '{}'", f.name));
        vals[k].push_back(std::move(v));
      }
    }
    return std::make_pair(std::move(vals), std::move(index));
  };
  auto [mvals, midx] = updates_for(matched_, pairs, chosen);
  std::vector<std::vector<Column>> lvals;
  std::vector<std::vector<int64_t>> lidx;
  if (!lonely_chosen.empty()) std::tie(lvals, lidx) = updates_for(by_source_, lonely_rows, lonely_chosen);
  std::vector<int64_t> lonely_pos(size_t(rows), -1);
  for (size_t k = 0; k < lonely.size(); ++k) lonely_pos[lonely[k]] = int64_t(k);
  int64_t kept = 0;
  for (int64_t t = 0; t < rows; ++t) {
    const Clause* cl = nullptr;
    const std::vector<Column>* vals = nullptr;
    int64_t vrow = -1;
    if (acting[size_t(t)] >= 0) {
      int64_t p = acting[size_t(t)];
      int k = chosen[size_t(p)];
      cl = &matched_[size_t(k)];
      vals = &mvals[size_t(k)];
      vrow = midx[size_t(k)].empty() ? -1 : midx[size_t(k)][size_t(p)];
    } else if (lonely_pos[size_t(t)] >= 0 && !lonely_chosen.empty() && lonely_chosen[size_t(lonely_pos[size_t(t)])] >= 0) {
      int64_t p = lonely_pos[size_t(t)];
      int k = lonely_chosen[size_t(p)];
      cl = &by_source_[size_t(k)];
      vals = &lvals[size_t(k)];
      vrow = lidx[size_t(k)].empty() ? -1 : lidx[size_t(k)][size_t(p)];
    }
    if (cl && cl->bound->action == MergeAction::kDelete) {
      ++deleted_;
      changed = true;
      continue;
    }
    for (size_t c = 0; c < n_; ++c) {
      int set_index = -1;
      if (cl)
        for (size_t s = 0; s < cl->sets.size(); ++s)
          if (cl->sets[s].first == int(c)) set_index = int(s);
      if (set_index >= 0) columns[c].append_range((*vals)[size_t(set_index)], vrow, 1);
      else columns[c].append_range(target_rows.columns[c], t, 1);
    }
    if (cl) {
      ++updated_;
      changed = true;
    }
    ++kept;
  }
  if (!changed) return false;
  Batch b;
  b.schema = target_;
  b.rows_without_columns = kept;
  b.columns = std::move(columns);
  out.push_back(std::move(b));
  return true;
}

std::vector<Batch> MergeRows::inserts() {
  std::vector<Batch> out;
  if (not_matched_.empty()) return out;
  SelectionVector unmatched;
  for (int64_t i = 0; i < source_.num_rows(); ++i)
    if (!source_matched_[i].load()) unmatched.push_back(uint32_t(i));
  if (unmatched.empty()) return out;
  Batch rows = pair_layout_nulls(source_, false, unmatched);
  std::vector<int> pick = choose(not_matched_, rows);
  for (size_t k = 0; k < not_matched_.size(); ++k) {
    SelectionVector sel;
    for (int64_t r = 0; r < rows.num_rows(); ++r)
      if (pick[size_t(r)] == int(k)) sel.push_back(uint32_t(r));
    if (sel.empty()) continue;
    Batch sub = exec::take_rows(rows, sel);
    Batch b;
    b.schema = target_;
    b.rows_without_columns = int64_t(sel.size());
    for (size_t c = 0; c < n_; ++c) {
      Column v = exec::evaluate(*not_matched_[k].values[c], sub);
      const auto& f = target_.fields[c];
      if (!(v.type() == f.type)) v = columnar::cast_column(v, f.type, f.name);
      if (!f.nullable && v.null_count())
        throw InvalidInputError(fmt::format("MERGE: NULL in NOT NULL column '{}'", f.name));
      b.columns.push_back(std::move(v));
    }
    inserted_ += int64_t(sel.size());
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace floe::sql
