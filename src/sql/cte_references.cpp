#include "sql/cte_references.h"

namespace floe::sql {

namespace {

// Counts the references to `name`; `shadowed` once a WITH inside redefines it.
struct Counter {
  const std::string& name;
  int count = 0;
  bool shadowed = false;

  void expr(const Expr* e) {
    if (!e || shadowed) return;
    for (const auto& a : e->args) expr(a.get());
    expr(e->filter.get());
    if (e->over) window(*e->over);
    expr(e->case_operand.get());
    for (const auto& [w, t] : e->when_then) {
      expr(w.get());
      expr(t.get());
    }
    expr(e->else_expr.get());
    for (const auto& o : e->order_by) expr(o.expr.get());
    for (const auto& p : e->path) expr(p.index_expr.get());
    if (e->subquery) query(*e->subquery, true);
  }

  void window(const WindowSpec& w) {
    for (const auto& p : w.partition_by) expr(p.get());
    for (const auto& o : w.order_by) expr(o.expr.get());
    if (w.frame) {
      expr(w.frame->start.offset.get());
      expr(w.frame->end.offset.get());
    }
  }

  void table(const TableRef* t) {
    if (!t || shadowed) return;
    if (t->kind == TableRefKind::kNamed && t->name.size() == 1 && t->name[0] == name) ++count;
    if (t->subquery) query(*t->subquery, true);
    for (const auto& a : t->args) expr(a.get());
    for (const auto& row : t->values)
      for (const auto& v : row) expr(v.get());
    table(t->left.get());
    table(t->right.get());
    expr(t->on.get());
  }

  void select(const Select& s) {
    for (const auto& d : s.distinct_on) expr(d.get());
    for (const auto& i : s.items) expr(i.expr.get());
    for (const auto& f : s.from) table(f.get());
    expr(s.where.get());
    if (s.group_by)
      for (const auto& set : s.group_by->sets)
        for (const auto& g : set) expr(g.get());
    expr(s.having.get());
    for (const auto& w : s.windows)
      if (w.spec) window(*w.spec);
    expr(s.qualify.get());
  }

  void query(const Query& q, bool with_list) {
    if (shadowed) return;
    if (with_list)
      for (const auto& c : q.ctes) {
        if (c.name == name) {
          shadowed = true;
          return;
        }
        if (c.query) query(*c.query, true);
      }
    if (q.select) select(*q.select);
    if (q.left) query(*q.left, true);
    if (q.right) query(*q.right, true);
    if (q.nested) query(*q.nested, true);
    for (const auto& row : q.values)
      for (const auto& v : row) expr(v.get());
    for (const auto& o : q.order_by) expr(o.expr.get());
    expr(q.limit.get());
    expr(q.offset.get());
  }
};

}  // namespace

int cte_references(const Query& q, const std::string& name, bool with_list) {
  Counter c{name};
  c.query(q, with_list);
  return c.shadowed ? -1 : c.count;
}

}  // namespace floe::sql
