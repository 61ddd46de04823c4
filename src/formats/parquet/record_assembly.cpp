#include "formats/parquet/record_assembly.h"

#include <cstring>

namespace floe::parquet {

using columnar::Column;

namespace {

struct Levels {
  const int16_t* def = nullptr;  // null: every entry defined at level def_all
  const int16_t* rep = nullptr;  // null: every entry at repetition level 0
  int64_t n = 0;
  int16_t def_all = 0;
  int16_t d(int64_t i) const { return def ? def[i] : def_all; }
  int16_t r(int64_t i) const { return rep ? rep[i] : 0; }
};

Levels levels_of(const LeafData& leaf) {
  Levels l;
  l.def = leaf.def_levels.empty() ? nullptr : leaf.def_levels.as<int16_t>();
  l.rep = leaf.rep_levels.empty() ? nullptr : leaf.rep_levels.as<int16_t>();
  l.n = leaf.num_entries;
  l.def_all = leaf.implicit_def;
  return l;
}

// Sets validity for `slots` values of `out` whose null flags are in `valid`.
void set_validity(Column& out, const std::vector<uint8_t>& valid, int64_t nulls) {
  if (nulls == 0) return;
  Buffer& v = out.validity_buffer();
  v.resize_zeroed(bitmap_bytes(int64_t(valid.size())));
  for (size_t i = 0; i < valid.size(); ++i)
    if (valid[i]) bit_set(v.data(), int64_t(i));
}

// A primitive: one slot per entry defined at least to slot_def.
Column assemble_primitive(const SchemaNode& node, LeafData& leaf, int16_t slot_def) {
  Levels lv = levels_of(leaf);
  Column& dense = leaf.values;
  if (lv.def == nullptr || (slot_def == 0 && dense.size() == lv.n && lv.rep == nullptr)) {
    // Every slot holds a value: the dense values are the column.
    return std::move(dense);
  }
  int64_t slots = 0;
  for (int64_t i = 0; i < lv.n; ++i) slots += lv.def[i] >= slot_def;
  Column out(node.field.type);
  int64_t nulls = slots - dense.size();
  FLOE_CORRUPT_IF(nulls < 0, "column has {} values for {} slots", dense.size(), slots);
  if (nulls == 0) return std::move(dense);
  int w = node.field.type.byte_width();
  out.validity_buffer().resize_zeroed(bitmap_bytes(slots));
  uint8_t* valid = out.validity_buffer().data();
  if (!node.field.type.is_variable_width()) {  // fixed width (possibly 0 bytes)
    Buffer& data = out.data_buffer();
    data.resize_zeroed(size_t(slots) * size_t(w));
    const uint8_t* src = dense.data_buffer().data();
    uint8_t* dst = data.data();
    int64_t s = 0, v = 0;
    for (int64_t i = 0; i < lv.n; ++i) {
      int16_t d = lv.def[i];
      if (d < slot_def) continue;
      if (d >= node.def_level) {
        if (w > 0) std::memcpy(dst + s * w, src + v * w, size_t(w));
        bit_set(valid, s);
        ++v;
      }
      ++s;
    }
  } else {
    // Strings and binaries: offsets repeat at nulls, bytes move as they are.
    const int32_t* doff = dense.offsets();
    Buffer& offs = out.offsets_buffer();
    offs.resize(size_t(slots + 1) * 4);
    auto* o = offs.as<int32_t>();
    o[0] = 0;
    int64_t s = 0, v = 0;
    for (int64_t i = 0; i < lv.n; ++i) {
      int16_t d = lv.def[i];
      if (d < slot_def) continue;
      if (d >= node.def_level) {
        bit_set(valid, s);
        ++v;
      }
      o[s + 1] = doff[v];
      ++s;
    }
    out.data_buffer() = std::move(dense.data_buffer());
  }
  out.set_size(slots, nulls);
  return out;
}

Column assemble(const SchemaNode& node, std::vector<LeafData>& leaves, int16_t slot_def,
                int16_t slot_rep);

Column assemble_struct(const SchemaNode& node, std::vector<LeafData>& leaves, int16_t slot_def,
                       int16_t slot_rep) {
  Levels lv = levels_of(leaves[size_t(node.first_leaf())]);
  std::vector<uint8_t> valid;
  int64_t nulls = 0;
  for (int64_t i = 0; i < lv.n; ++i) {
    if (lv.r(i) > slot_rep || lv.d(i) < slot_def) continue;
    bool v = lv.d(i) >= node.def_level;
    valid.push_back(v);
    nulls += !v;
  }
  Column out(node.field.type);
  for (size_t c = 0; c < node.children.size(); ++c) {
    out.children()[c] = assemble(node.children[c], leaves, slot_def, slot_rep);
    FLOE_CORRUPT_IF(out.children()[c].size() != int64_t(valid.size()),
                    "struct field '{}' has {} values, its struct {}",
                    node.children[c].field.name, out.children()[c].size(), valid.size());
  }
  set_validity(out, valid, nulls);
  out.set_size(int64_t(valid.size()), nulls);
  return out;
}

Column assemble_list(const SchemaNode& node, std::vector<LeafData>& leaves, int16_t slot_def,
                     int16_t slot_rep) {
  Levels lv = levels_of(leaves[size_t(node.first_leaf())]);
  std::vector<uint8_t> valid;
  std::vector<int32_t> offsets;
  int64_t nulls = 0;
  int64_t elements = 0;
  int16_t edef = node.element_def_level, erep = node.element_rep_level;
  for (int64_t i = 0; i < lv.n; ++i) {
    int16_t d = lv.d(i), r = lv.r(i);
    if (r <= slot_rep && d >= slot_def) {
      offsets.push_back(int32_t(elements));
      bool v = d >= node.def_level;
      valid.push_back(v);
      nulls += !v;
    }
    if (r <= erep && d >= edef) ++elements;
  }
  FLOE_CORRUPT_IF(elements > INT32_MAX, "more than 2^31 list elements in one row group");
  offsets.push_back(int32_t(elements));
  Column out(node.field.type);
  Buffer& offs = out.offsets_buffer();
  offs.clear();
  offs.append(offsets.data(), offsets.size() * 4);
  if (node.kind == SchemaNode::Kind::kList) {
    out.children()[0] = assemble(node.children[0], leaves, edef, erep);
    FLOE_CORRUPT_IF(out.children()[0].size() != elements,
                    "list '{}' has {} elements by its levels, its element column {}",
                    node.field.name, elements, out.children()[0].size());
  } else {
    Column& entries = out.children()[0];
    entries.children()[0] = assemble(node.children[0], leaves, edef, erep);
    entries.children()[1] = assemble(node.children[1], leaves, edef, erep);
    FLOE_CORRUPT_IF(entries.children()[0].size() != elements ||
                        entries.children()[1].size() != elements,
                    "map '{}' keys and values do not match its levels", node.field.name);
    FLOE_CORRUPT_IF(entries.children()[0].null_count() > 0, "map '{}' has a NULL key",
                    node.field.name);
    entries.set_size(elements, 0);
  }
  set_validity(out, valid, nulls);
  out.set_size(int64_t(valid.size()), nulls);
  return out;
}

Column assemble(const SchemaNode& node, std::vector<LeafData>& leaves, int16_t slot_def,
                int16_t slot_rep) {
  switch (node.kind) {
    case SchemaNode::Kind::kPrimitive:
      return assemble_primitive(node, leaves[size_t(node.leaf_index)], slot_def);
    case SchemaNode::Kind::kStruct: return assemble_struct(node, leaves, slot_def, slot_rep);
    case SchemaNode::Kind::kList:
    case SchemaNode::Kind::kMap: return assemble_list(node, leaves, slot_def, slot_rep);
  }
  return Column();
}

}  // namespace

Column assemble_field(const SchemaNode& node, std::vector<LeafData>& leaves) {
  return assemble(node, leaves, 0, 0);
}

Column assemble_top_level_leaf(const SchemaNode& node, LeafData& leaf) {
  FLOE_CHECK(node.kind == SchemaNode::Kind::kPrimitive && leaf.rep_levels.empty(),
             "column '{}' is not a flat leaf", node.field.name);
  return assemble_primitive(node, leaf, 0);
}

}  // namespace floe::parquet
