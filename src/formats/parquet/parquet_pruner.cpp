#include "formats/parquet/parquet_pruner.h"

#include <algorithm>

#include "formats/parquet/bloom_filter.h"
#include "formats/parquet/column_chunk_reader.h"

namespace floe::parquet {

using columnar::Column;
using columnar::TypeId;
using formats::CompareOp;

namespace {

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Min/max that can be trusted for ordering: the spec's min_value/max_value, or the
// deprecated min/max only where their signed order is the logical order.
bool stat_bounds(const LeafInfo& leaf, const Statistics& s, std::optional<Column>* min,
                 std::optional<Column>* max) {
  const std::string* lo = s.min_value ? &*s.min_value : nullptr;
  const std::string* hi = s.max_value ? &*s.max_value : nullptr;
  if (!lo && !hi) {
    Type t = *leaf.element->type;
    bool signed_order = (t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat ||
                         t == Type::kDouble) &&
                        leaf.type.id() != TypeId::kUInt32 && leaf.type.id() != TypeId::kUInt64 &&
                        leaf.type.id() != TypeId::kUInt8 && leaf.type.id() != TypeId::kUInt16;
    if (!signed_order) return false;
    lo = s.min ? &*s.min : nullptr;
    hi = s.max ? &*s.max : nullptr;
  }
  if (!lo || !hi) return false;
  try {
    *min = decode_statistics_value(leaf, as_bytes(*lo));
    *max = decode_statistics_value(leaf, as_bytes(*hi));
  } catch (const Error&) {
    return false;  // unreadable statistics prune nothing
  }
  return true;
}

// The plain encoding of literal `row` of `values` as the leaf stores it; false when floe
// does not know how the writer hashed it (decimals, INT96).
bool plain_literal(const LeafInfo& leaf, const Column& values, int64_t row, std::string* out) {
  Type t = *leaf.element->type;
  const columnar::DataType& lt = leaf.type;
  auto put = [&](auto v) { out->assign(reinterpret_cast<const char*>(&v), sizeof v); };
  if (lt.id() == TypeId::kDecimal || t == Type::kInt96 || t == Type::kBoolean) return false;
  switch (t) {
    case Type::kInt32:
      switch (lt.id()) {
        case TypeId::kInt8: put(int32_t(values.value<int8_t>(row))); return true;
        case TypeId::kInt16: put(int32_t(values.value<int16_t>(row))); return true;
        case TypeId::kUInt8: put(int32_t(values.value<uint8_t>(row))); return true;
        case TypeId::kUInt16: put(int32_t(values.value<uint16_t>(row))); return true;
        case TypeId::kInt32:
        case TypeId::kUInt32:
        case TypeId::kDate: put(values.value<int32_t>(row)); return true;
        default: return false;
      }
    case Type::kInt64:
      if (lt.byte_width() != 8) return false;
      put(values.value<int64_t>(row));
      return true;
    case Type::kFloat:
      if (lt.id() != TypeId::kFloat32) return false;
      put(values.value<float>(row));
      return true;
    case Type::kDouble: put(values.value<double>(row)); return true;
    case Type::kByteArray: *out = std::string(values.string_at(row)); return true;
    case Type::kFixedLenByteArray:
      if (lt.id() != TypeId::kFixedBinary && lt.id() != TypeId::kUuid) return false;
      *out = std::string(values.fixed_at(row));
      return true;
    default: return false;
  }
}

void intersect(std::vector<RowRange>& a, const std::vector<RowRange>& b) {
  std::vector<RowRange> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int64_t lo = std::max(a[i].begin, b[j].begin), hi = std::min(a[i].end, b[j].end);
    if (hi > lo) out.push_back({lo, hi});
    (a[i].end < b[j].end) ? ++i : ++j;
  }
  a = std::move(out);
}

}  // namespace

ParquetPruner::ParquetPruner(ParquetReader& reader, const formats::ScanPredicate& predicate)
    : reader_(reader) {
  const auto& fields = reader.parquet_schema().fields();
  for (const auto& term : predicate.terms) {
    int f = reader.schema().find(term.column);
    if (f < 0) continue;
    const SchemaNode& node = fields[size_t(f)];
    if (node.kind != SchemaNode::Kind::kPrimitive) continue;
    if (node.field.type.id() != term.values.type().id() && term.op != CompareOp::kIsNull &&
        term.op != CompareOp::kIsNotNull)
      continue;
    terms_.push_back({&term, node.leaf_index});
  }
}

bool ParquetPruner::bloom_excludes(const Term& t, const ColumnChunk& chunk) {
  const auto& p = *t.predicate;
  if ((p.op != CompareOp::kEq && p.op != CompareOp::kIn) || !chunk.meta_data ||
      !chunk.meta_data->bloom_filter_offset)
    return false;
  const LeafInfo& leaf = reader_.parquet_schema().leaves()[size_t(t.leaf)];
  std::vector<std::string> literals(size_t(p.values.size()));
  for (int64_t v = 0; v < p.values.size(); ++v)
    if (!plain_literal(leaf, p.values, v, &literals[size_t(v)])) return false;
  try {
    io::InputFile& file = reader_.file();
    uint64_t offset = uint64_t(*chunk.meta_data->bloom_filter_offset);
    FLOE_CORRUPT_IF(offset >= file.size(), "bloom filter offset {} past the end", offset);
    uint64_t avail = file.size() - offset;
    if (chunk.meta_data->bloom_filter_length && *chunk.meta_data->bloom_filter_length > 0)
      avail = std::min<uint64_t>(avail, uint64_t(*chunk.meta_data->bloom_filter_length));
    auto bytes = file.read_at(offset, avail);
    ByteReader cursor(bytes, "bloom filter");
    BloomFilterHeader h = read_bloom_filter_header(cursor);
    if (h.algorithm != BloomFilterAlgorithm::kSplitBlock || h.hash != BloomFilterHash::kXxHash ||
        h.compression != BloomFilterCompression::kUncompressed)
      return false;
    FLOE_CORRUPT_IF(h.num_bytes < 0, "bloom filter of {} bytes", h.num_bytes);
    BloomFilter filter = BloomFilter::from_bytes(cursor.bytes(size_t(h.num_bytes)));
    for (const auto& lit : literals)
      if (filter.find_hash(bloom_hash(std::string_view(lit)))) return false;
    return true;
  } catch (const Error&) {
    return false;  // a damaged filter prunes nothing; the data is read and checked
  }
}

bool ParquetPruner::row_group_may_match(int row_group, PruneReport* report) {
  const RowGroup& rg = reader_.metadata().row_groups[size_t(row_group)];
  if (report) {
    report->row_groups++;
    report->rows_total += rg.num_rows;
  }
  const auto& leaves = reader_.parquet_schema().leaves();
  for (const Term& t : terms_) {
    const ColumnChunk& chunk = rg.columns[size_t(t.leaf)];
    if (!chunk.meta_data || !chunk.meta_data->statistics) continue;
    const Statistics& s = *chunk.meta_data->statistics;
    std::optional<Column> min, max;
    bool bounds = stat_bounds(leaves[size_t(t.leaf)], s, &min, &max);
    bool has_nulls = !s.null_count || *s.null_count > 0;
    bool all_null = s.null_count && *s.null_count == rg.num_rows &&
                    leaves[size_t(t.leaf)].max_rep == 0;
    if (!formats::range_may_match(*t.predicate, bounds ? &*min : nullptr,
                                  bounds ? &*max : nullptr, has_nulls, all_null)) {
      if (report) report->row_groups_pruned_by_statistics++;
      return false;
    }
  }
  for (const Term& t : terms_) {
    if (bloom_excludes(t, rg.columns[size_t(t.leaf)])) {
      if (report) report->row_groups_pruned_by_bloom_filter++;
      return false;
    }
  }
  return true;
}

std::vector<RowRange> ParquetPruner::select_rows(int row_group, PruneReport* report) {
  const RowGroup& rg = reader_.metadata().row_groups[size_t(row_group)];
  std::vector<RowRange> rows{{0, rg.num_rows}};
  const auto& leaves = reader_.parquet_schema().leaves();
  for (const Term& t : terms_) {
    std::optional<ColumnIndex> ci;
    std::optional<OffsetIndex> oi;
    try {
      ci = reader_.column_index(row_group, t.leaf);
      oi = reader_.offset_index(row_group, t.leaf);
    } catch (const Error&) {
      continue;  // a damaged page index prunes nothing
    }
    if (!ci || !oi || ci->null_pages.size() != oi->page_locations.size()) continue;
    const LeafInfo& leaf = leaves[size_t(t.leaf)];
    std::vector<RowRange> keep;
    size_t pages = oi->page_locations.size();
    for (size_t k = 0; k < pages; ++k) {
      int64_t first = oi->page_locations[k].first_row_index;
      int64_t end = k + 1 < pages ? oi->page_locations[k + 1].first_row_index : rg.num_rows;
      bool all_null = ci->null_pages[k];
      bool has_nulls = !ci->null_counts || (*ci->null_counts)[k] > 0;
      std::optional<Column> min, max;
      bool bounds = false;
      if (!all_null) {
        try {
          min = decode_statistics_value(leaf, as_bytes(ci->min_values[k]));
          max = decode_statistics_value(leaf, as_bytes(ci->max_values[k]));
          bounds = true;
        } catch (const Error&) {
        }
      }
      bool may = formats::range_may_match(*t.predicate, bounds ? &*min : nullptr,
                                          bounds ? &*max : nullptr, has_nulls,
                                          all_null && leaf.max_rep == 0);
      if (report) {
        report->pages++;
        report->pages_pruned += !may;
      }
      if (!may) continue;
      if (!keep.empty() && keep.back().end == first)
        keep.back().end = end;
      else
        keep.push_back({first, end});
    }
    intersect(rows, keep);
  }
  if (report)
    for (const auto& r : rows) report->rows_kept += r.end - r.begin;
  return rows;
}

}  // namespace floe::parquet
