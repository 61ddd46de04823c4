#include "formats/parquet/level_shredding.h"

#include <vector>

#include "base/error.h"

namespace floe::parquet {

using columnar::Column;
using columnar::TypeId;

namespace {

// One node on the way from the top-level field down to the leaf, and which of its
// children the way continues through (-1 at the leaf).
struct PathStep {
  const SchemaNode* node;
  int child;
};

bool find_path(const SchemaNode& node, int leaf, std::vector<PathStep>& path) {
  if (node.kind == SchemaNode::Kind::kPrimitive) {
    if (node.leaf_index != leaf) return false;
    path.push_back({&node, -1});
    return true;
  }
  int first = node.first_leaf();
  if (leaf < first || leaf >= first + node.num_leaves()) return false;
  for (size_t c = 0; c < node.children.size(); ++c) {
    path.push_back({&node, int(c)});
    if (find_path(node.children[c], leaf, path)) return true;
    path.pop_back();
  }
  return false;
}

[[noreturn]] void throw_not_null(const SchemaNode& node) {
  throw InvalidInputError(
      fmt::format("column '{}' is NOT NULL but holds a NULL", node.field.name));
}

// A top-level primitive: entries are rows, no repetition.
ShreddedLeaf shred_flat(const Column& col, const SchemaNode& node) {
  ShreddedLeaf out;
  out.leaf_index = node.leaf_index;
  out.max_def = node.def_level;
  out.max_rep = 0;
  out.values = &col;
  const int64_t n = col.size();
  out.num_entries = n;
  const bool null_type = col.type().id() == TypeId::kNull;
  if (!node.nullable) {
    // A required NULL-typed column has no values to check: it is written as zeros.
    if (col.null_count() > 0 && !null_type) throw_not_null(node);
    out.num_values = n;
    return out;
  }
  if (null_type) {
    out.def_levels.resize_zeroed(size_t(n) * 2);
    out.num_values = 0;
    return out;
  }
  if (col.null_count() == 0) {
    out.all_defined = true;
    out.num_values = n;
    return out;
  }
  // One pass over the validity bitmap gives both the levels and the value rows.
  const int64_t values = n - col.null_count();
  out.def_levels.resize(size_t(n) * 2);
  out.rows.resize(size_t(values + 1) * 4);  // the loop stores one slot past the last value
  out.contiguous = false;
  int16_t* def = out.def_levels.as<int16_t>();
  uint32_t* rows = out.rows.as<uint32_t>();
  const uint8_t* valid = col.validity_buffer().data();
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool v = bit_get(valid, i);
    def[i] = int16_t(v);
    rows[k] = uint32_t(i);
    k += v;
  }
  FLOE_CHECK(k == values, "column '{}': validity bitmap has {} valid rows, null count says {}",
             node.field.name, k, values);
  out.rows.resize(size_t(values) * 4);
  out.num_values = values;
  return out;
}

// Entries of the walk down the path: a live entry names a row (`idx` >= 0) of the
// column vector at the current depth; a finished one (idx == -1) has its definition
// level fixed by the null or empty list that ended it.
struct Entries {
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  std::vector<int32_t> idx;
};

}  // namespace

ShreddedLeaf shred_leaf(const Column& column, const SchemaNode& node, int leaf_index) {
  FLOE_CHECK(column.type().id() == node.field.type.id() ||
                 node.kind == SchemaNode::Kind::kPrimitive,
             "column of type {} for field '{}' of type {}", column.type().to_string(),
             node.field.name, node.field.type.to_string());
  if (node.kind == SchemaNode::Kind::kPrimitive) {
    FLOE_CHECK(node.leaf_index == leaf_index, "leaf {} is not below field '{}'", leaf_index,
               node.field.name);
    return shred_flat(column, node);
  }
  std::vector<PathStep> path;
  FLOE_CHECK(find_path(node, leaf_index, path), "leaf {} is not below field '{}'", leaf_index,
             node.field.name);
  const SchemaNode& leaf = *path.back().node;
  const bool track_rep = leaf.rep_level > 0;

  const int64_t n = column.size();
  Entries cur;
  cur.def.assign(size_t(n), 0);
  if (track_rep) cur.rep.assign(size_t(n), 0);
  cur.idx.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) cur.idx[size_t(i)] = int32_t(i);

  ShreddedLeaf out;
  out.leaf_index = leaf_index;
  out.max_def = leaf.def_level;
  out.max_rep = leaf.rep_level;

  const Column* col = &column;
  std::vector<uint32_t> rows;
  for (const PathStep& step : path) {
    const SchemaNode& nd = *step.node;
    const bool null_type = col->type().id() == TypeId::kNull;
    FLOE_CHECK(nd.kind == SchemaNode::Kind::kPrimitive || col->type().id() == nd.field.type.id(),
               "column of type {} for '{}' of type {}", col->type().to_string(), nd.field.name,
               nd.field.type.to_string());
    // Nulls end their entries at the parent's level.
    if (col->null_count() > 0 || null_type) {
      if (!nd.nullable && !null_type) {
        for (size_t i = 0; i < cur.idx.size(); ++i)
          if (cur.idx[i] >= 0 && col->is_null(cur.idx[i])) throw_not_null(nd);
      } else if (nd.nullable) {
        const int16_t parent_def = int16_t(nd.def_level - 1);
        for (size_t i = 0; i < cur.idx.size(); ++i) {
          int32_t r = cur.idx[i];
          if (r >= 0 && (null_type || col->is_null(r))) {
            cur.def[i] = parent_def;
            cur.idx[i] = -1;
          }
        }
      }
    }
    switch (nd.kind) {
      case SchemaNode::Kind::kStruct:
        col = &col->child(size_t(step.child));
        break;
      case SchemaNode::Kind::kList:
      case SchemaNode::Kind::kMap: {
        const int32_t* off = col->offsets();
        Entries next;
        size_t reserve = cur.idx.size();
        next.def.reserve(reserve);
        next.idx.reserve(reserve);
        if (track_rep) next.rep.reserve(reserve);
        for (size_t i = 0; i < cur.idx.size(); ++i) {
          int32_t r = cur.idx[i];
          int16_t rep = track_rep ? cur.rep[i] : 0;
          if (r < 0) {
            next.def.push_back(cur.def[i]);
            next.idx.push_back(-1);
            if (track_rep) next.rep.push_back(rep);
            continue;
          }
          int32_t b = off[r], e = off[r + 1];
          if (b == e) {  // an empty list: defined up to the list itself
            next.def.push_back(nd.def_level);
            next.idx.push_back(-1);
            if (track_rep) next.rep.push_back(rep);
            continue;
          }
          for (int32_t j = b; j < e; ++j) {
            next.def.push_back(0);
            next.idx.push_back(j);
            if (track_rep) next.rep.push_back(j == b ? rep : nd.element_rep_level);
          }
        }
        cur = std::move(next);
        col = nd.kind == SchemaNode::Kind::kList ? &col->child(0)
                                                 : &col->child(0).child(size_t(step.child));
        break;
      }
      case SchemaNode::Kind::kPrimitive: {
        rows.reserve(cur.idx.size());
        for (size_t i = 0; i < cur.idx.size(); ++i) {
          if (cur.idx[i] < 0) continue;
          cur.def[i] = nd.def_level;
          rows.push_back(uint32_t(cur.idx[i]));
        }
        out.values = col;
        break;
      }
    }
  }

  out.num_entries = int64_t(cur.idx.size());
  out.num_values = int64_t(rows.size());
  if (out.max_rep > 0) out.rep_levels.append(cur.rep.data(), cur.rep.size() * 2);
  if (out.max_def > 0) {
    if (out.num_values == out.num_entries)
      out.all_defined = true;
    else
      out.def_levels.append(cur.def.data(), cur.def.size() * 2);
  }
  bool consecutive = true;
  for (size_t i = 1; i < rows.size() && consecutive; ++i) consecutive = rows[i] == rows[i - 1] + 1;
  if (consecutive) {
    out.contiguous = true;
    out.first_row = rows.empty() ? 0 : rows[0];
  } else {
    out.contiguous = false;
    out.rows.append(rows.data(), rows.size() * 4);
  }
  return out;
}

}  // namespace floe::parquet
