#include "sql/join_order.h"

#include <algorithm>

#include "exec/expression_evaluator.h"
#include "sql/binder_internal.h"

namespace floe::sql {

using exec::ExprOp;
using exec::ExpressionPtr;
using exec::PlanKind;
using exec::PlanPtr;

namespace {

// A relation is joined to the relations hanging off it first only when they leave at most
// this share of its rows, and when it has at least this many.
constexpr double kReducedShare = 0.5;
constexpr double kReducedMinRows = 1000;

// The rows a join of `current` rows with relation `r` leaves, through the equalities of
// `edges` between r and the relations marked in `in` (none: a cross join).
double joined_rows(double current, size_t r, const std::vector<JoinRelation>& rels,
                   const std::vector<JoinEdge>& edges, const std::vector<bool>& in,
                   bool& connected) {
  double ndv = 1;
  int keys = 0;
  for (const auto& e : edges)
    if ((e.a == r && in[e.b]) || (e.b == r && in[e.a])) {
      ++keys;
      ndv *= std::max(1.0, e.ndv);
    }
  connected = keys > 0;
  // Several equalities to one relation are usually its composite key (partsupp's
  // (partkey, suppkey)): together they have at most as many values as it has rows, not the
  // product of their distinct counts.
  if (keys > 1) ndv = std::min(ndv, std::max(1.0, rels[r].raw));
  return current * std::max(1.0, rels[r].est) / ndv;
}

// Greedy order over the relations marked in `candidates`, starting from `first`: each step
// takes the relation connected to the ones so far that leaves the fewest rows (the smaller on
// a tie), or, when none is connected, the smallest (a cross join). `rows` receives the
// estimate after the last step.
std::vector<size_t> greedy_order(size_t first, const std::vector<bool>& candidates,
                                 const std::vector<JoinRelation>& rels,
                                 const std::vector<JoinEdge>& edges, double& rows) {
  size_t n = rels.size();
  std::vector<size_t> order{first};
  std::vector<bool> used(n, false);
  used[first] = true;
  size_t left = 0;
  for (size_t r = 0; r < n; ++r) left += candidates[r] && r != first ? 1 : 0;
  double current = std::max(1.0, rels[first].est);
  for (; left > 0; --left) {
    int best = -1;
    bool best_connected = false;
    double best_out = 0;
    for (size_t r = 0; r < n; ++r) {
      if (used[r] || !candidates[r]) continue;
      bool conn = false;
      double out = joined_rows(current, r, rels, edges, used, conn);
      double est = rels[r].est;
      bool better = best < 0 || (conn && !best_connected) ||
                    (conn == best_connected &&
                     (conn ? (out < best_out || (out == best_out && est < rels[size_t(best)].est))
                           : est < rels[size_t(best)].est));
      if (better) {
        best = int(r);
        best_connected = conn;
        best_out = out;
      }
    }
    order.push_back(size_t(best));
    used[size_t(best)] = true;
    current = std::max(1.0, best_out);
  }
  rows = current;
  return order;
}

// Relations joined to `r` before it joins the stream: of the relations still to come
// (`later`), those reachable from r through each other and joined to no relation already in
// the stream, without leaves that have no filter of their own (they cannot reduce r); in the
// order to join them. Empty unless they leave at most kReducedShare of r's rows.
std::vector<size_t> reducing_relations(size_t r, const std::vector<bool>& later,
                                       const std::vector<bool>& streamed,
                                       const std::vector<JoinRelation>& rels,
                                       const std::vector<JoinEdge>& edges) {
  size_t n = rels.size();
  if (rels[r].est < kReducedMinRows) return {};
  std::vector<bool> member(n, false);
  // Reachable from r through later relations that join nothing in the stream.
  std::vector<size_t> frontier{r};
  while (!frontier.empty()) {
    size_t x = frontier.back();
    frontier.pop_back();
    for (const auto& e : edges) {
      if (e.a != x && e.b != x) continue;
      size_t y = e.a == x ? e.b : e.a;
      if (y == r || member[y] || !later[y]) continue;
      bool joins_stream = false;
      for (const auto& f : edges)
        if ((f.a == y && streamed[f.b]) || (f.b == y && streamed[f.a])) joins_stream = true;
      if (joins_stream) continue;
      member[y] = true;
      frontier.push_back(y);
    }
  }
  // Leaves without filters of their own join without reducing: they are left for later.
  for (bool pruned = true; pruned;) {
    pruned = false;
    for (size_t y = 0; y < n; ++y) {
      if (!member[y] || rels[y].est < rels[y].raw) continue;
      size_t neighbours = 0;
      for (size_t z = 0; z < n; ++z) {
        if (z == y || (!member[z] && z != r)) continue;
        for (const auto& e : edges)
          if ((e.a == y && e.b == z) || (e.b == y && e.a == z)) {
            ++neighbours;
            break;
          }
      }
      if (neighbours <= 1) {
        member[y] = false;
        pruned = true;
      }
    }
  }
  if (std::none_of(member.begin(), member.end(), [](bool m) { return m; })) return {};
  std::vector<bool> candidates = member;
  candidates[r] = true;
  double rows = 0;
  std::vector<size_t> order = greedy_order(r, candidates, rels, edges, rows);
  if (rows > rels[r].est * kReducedShare) return {};
  order.erase(order.begin());
  return order;
}

// A join tree being built: its plan, where each FROM column sits in its output (-1: not in
// it), its width, and the estimated rows of the relation it started from.
struct Chain {
  PlanPtr plan;
  std::vector<int> pos;
  int width = 0;
  double first_rows = 0;
};

Chain start_chain(JoinRelation& rel, size_t total_columns) {
  Chain c;
  c.pos.assign(total_columns, -1);
  for (int i = 0; i < rel.columns; ++i) c.pos[size_t(rel.offset + i)] = i;
  c.width = rel.columns;
  c.plan = std::move(rel.plan);
  c.first_rows = rel.est;
  return c;
}

PlanPtr plan_node(PlanKind kind) {
  auto n = std::make_unique<exec::PlanNode>();
  n->kind = kind;
  return n;
}

// Joins `right` (the build side, of about `right_rows` rows) onto `left`, with the
// conditions that the two together can read.
void join_onto(Chain& left, Chain&& right, double right_rows,
               std::vector<ExpressionPtr>& conditions) {
  std::vector<int> mapping(left.pos.size(), -1);
  for (size_t g = 0; g < mapping.size(); ++g) {
    if (left.pos[g] >= 0) mapping[g] = left.pos[g];
    else if (right.pos[g] >= 0) mapping[g] = left.width + right.pos[g];
  }
  auto reads_only = [](const exec::Expression& e, const std::vector<int>& pos) {
    std::vector<int> cols;
    exec::collect_columns(e, cols);
    if (cols.empty()) return false;
    for (int c : cols)
      if (pos[size_t(c)] < 0) return false;
    return true;
  };
  auto j = plan_node(PlanKind::kNestedLoopJoin);
  j->join_type = exec::JoinKind::kInner;
  std::vector<ExpressionPtr> rest, residual;
  for (auto& c : conditions) {
    if (contains_subquery(*c) || !reads_only(*c, mapping)) {
      rest.push_back(std::move(c));
      continue;
    }
    if (c->op == ExprOp::kEqual) {
      // One side reads only the left, the other only the right: hash keys.
      bool a_left = reads_only(*c->children[0], left.pos);
      bool b_right = reads_only(*c->children[1], right.pos);
      bool b_left = reads_only(*c->children[1], left.pos);
      bool a_right = reads_only(*c->children[0], right.pos);
      if ((a_left && b_right) || (b_left && a_right)) {
        bool straight = a_left && b_right;
        ExpressionPtr lk = std::move(straight ? c->children[0] : c->children[1]);
        ExpressionPtr rk = std::move(straight ? c->children[1] : c->children[0]);
        exec::remap_columns(*lk, left.pos);
        exec::remap_columns(*rk, right.pos);
        j->left_keys.push_back(std::move(lk));
        j->right_keys.push_back(std::move(rk));
        continue;
      }
    }
    exec::remap_columns(*c, mapping);
    residual.push_back(std::move(c));
  }
  conditions = std::move(rest);
  j->residual = exec::make_conjunction(residual);
  if (!j->left_keys.empty()) j->kind = PlanKind::kHashJoin;
  j->output = left.plan->output;
  j->output.insert(j->output.end(), right.plan->output.begin(), right.plan->output.end());
  j->estimated_rows = int64_t(j->left_keys.empty() ? left.first_rows * right_rows
                                                   : std::max(left.first_rows, right_rows));
  j->children.push_back(std::move(left.plan));
  j->children.push_back(std::move(right.plan));
  left.plan = std::move(j);
  left.pos = std::move(mapping);
  left.width += right.width;
}

}  // namespace

PlanPtr join_relations(std::vector<JoinRelation>& rels, const std::vector<JoinEdge>& edges,
                       std::vector<ExpressionPtr>& conditions, std::vector<int>& pos) {
  size_t n = rels.size();
  size_t total = 0;
  for (const auto& r : rels) total = std::max(total, size_t(r.offset + r.columns));
  size_t first = 0;
  for (size_t r = 1; r < n; ++r)
    if (rels[r].est > rels[first].est) first = r;
  double rows = 0;
  std::vector<size_t> order = greedy_order(first, std::vector<bool>(n, true), rels, edges, rows);
  std::vector<bool> streamed(n, false), later(n, true);
  streamed[first] = true;
  later[first] = false;
  Chain chain = start_chain(rels[first], total);
  for (size_t k = 1; k < n; ++k) {
    size_t r = order[k];
    if (!later[r]) continue;  // joined inside an earlier relation's build side
    later[r] = false;
    std::vector<size_t> reducing = reducing_relations(r, later, streamed, rels, edges);
    Chain build = start_chain(rels[r], total);
    double build_rows = rels[r].est;
    std::vector<bool> in_build(n, false);
    in_build[r] = true;
    for (size_t t : reducing) {
      bool connected = false;
      build_rows = joined_rows(build_rows, t, rels, edges, in_build, connected);
      join_onto(build, start_chain(rels[t], total), rels[t].est, conditions);
      in_build[t] = true;
      later[t] = false;
    }
    join_onto(chain, std::move(build), build_rows, conditions);
    for (size_t x = 0; x < n; ++x) streamed[x] = streamed[x] || in_build[x];
  }
  pos = std::move(chain.pos);
  return std::move(chain.plan);
}

}  // namespace floe::sql
