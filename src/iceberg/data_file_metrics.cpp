#include "iceberg/data_file_metrics.h"

#include <cstring>

#include "base/error.h"
#include "base/utf8.h"
#include "formats/parquet/parquet_schema.h"
#include "iceberg/bound_compare.h"

namespace floe::iceberg {

using columnar::TypeId;
using parquet::Type;

namespace {

uint32_t decode_utf8(std::string_view s, size_t pos, size_t len) {
  auto b = [&](size_t i) { return uint32_t(uint8_t(s[pos + i])); };
  switch (len) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

std::string minimal_be(__int128 v) {
  char buf[16];
  for (int i = 15; i >= 0; --i) {
    buf[i] = char(uint8_t(v & 0xFF));
    v >>= 8;
  }
  int start = 0;
  while (start < 15) {
    uint8_t c = uint8_t(buf[start]), next = uint8_t(buf[start + 1]);
    if ((c == 0x00 && !(next & 0x80)) || (c == 0xFF && (next & 0x80)))
      ++start;
    else
      break;
  }
  return std::string(buf + start, size_t(16 - start));
}

// A Parquet statistic (PLAIN bytes of the physical type) as an Iceberg single value of the
// leaf's floe type; nullopt when there is no sensible bound.
std::optional<std::string> to_iceberg_bound(const std::string& stat,
                                            const parquet::SchemaElement& e,
                                            const columnar::DataType& type) {
  if (!e.type) return std::nullopt;
  switch (*e.type) {
    case Type::kBoolean:
      if (stat.size() != 1 || type.id() != TypeId::kBoolean) return std::nullopt;
      return stat;
    case Type::kInt32: {
      if (stat.size() != 4) return std::nullopt;
      if (type.id() == TypeId::kDecimal) {
        int32_t v;
        std::memcpy(&v, stat.data(), 4);
        return minimal_be(v);
      }
      if (type.id() == TypeId::kInt32 || type.id() == TypeId::kDate) return stat;
      if (type.id() == TypeId::kInt8 || type.id() == TypeId::kInt16) return stat;
      return std::nullopt;
    }
    case Type::kInt64: {
      if (stat.size() != 8) return std::nullopt;
      if (type.id() == TypeId::kDecimal) {
        int64_t v;
        std::memcpy(&v, stat.data(), 8);
        return minimal_be(v);
      }
      if (type.id() == TypeId::kInt64 || type.id() == TypeId::kTime ||
          type.id() == TypeId::kTimestamp || type.id() == TypeId::kTimestampTz) {
        if ((type.id() != TypeId::kInt64) && type.unit() == columnar::TimeUnit::kMilli) {
          int64_t v;
          std::memcpy(&v, stat.data(), 8);
          v *= 1000;
          return std::string(reinterpret_cast<const char*>(&v), 8);
        }
        return stat;
      }
      return std::nullopt;
    }
    case Type::kFloat:
      if (stat.size() != 4 || type.id() != TypeId::kFloat32) return std::nullopt;
      return stat;
    case Type::kDouble:
      if (stat.size() != 8 || type.id() != TypeId::kFloat64) return std::nullopt;
      return stat;
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      if (type.id() == TypeId::kDecimal) {
        if (stat.empty() || stat.size() > 16) return std::nullopt;
        __int128 v = (static_cast<signed char>(stat[0]) < 0) ? -1 : 0;
        for (unsigned char c : stat) v = (v << 8) | c;
        return minimal_be(v);
      }
      if (type.id() == TypeId::kString || type.id() == TypeId::kBinary ||
          type.id() == TypeId::kFixedBinary || type.id() == TypeId::kUuid)
        return stat;
      return std::nullopt;
    default: return std::nullopt;  // INT96 has no Iceberg bound
  }
}

}  // namespace

std::string truncate_lower_bound(std::string_view value, size_t length, bool is_string) {
  if (length == 0) return std::string(value);
  size_t n = is_string ? utf8_prefix_bytes(value, length) : std::min(length, value.size());
  return std::string(value.substr(0, n));
}

std::optional<std::string> truncate_upper_bound(std::string_view value, size_t length,
                                                bool is_string) {
  if (length == 0) return std::string(value);
  if (!is_string) {
    if (value.size() <= length) return std::string(value);
    std::string out(value.substr(0, length));
    for (int i = int(out.size()) - 1; i >= 0; --i) {
      if (uint8_t(out[size_t(i)]) != 0xFF) {
        out[size_t(i)] = char(uint8_t(out[size_t(i)]) + 1);
        out.resize(size_t(i) + 1);
        return out;
      }
    }
    return std::nullopt;
  }
  size_t n = utf8_prefix_bytes(value, length);
  if (n >= value.size()) return std::string(value);
  // Increment the last code point that can be incremented (Java's truncateStringMax).
  std::vector<std::pair<size_t, size_t>> cps;  // (offset, length)
  for (size_t pos = 0; pos < n;) {
    size_t len = std::min(utf8_sequence_length(uint8_t(value[pos])), n - pos);
    cps.emplace_back(pos, len);
    pos += len;
  }
  for (int i = int(cps.size()) - 1; i >= 0; --i) {
    auto [pos, len] = cps[size_t(i)];
    uint32_t cp = decode_utf8(value, pos, len) + 1;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;  // skip surrogates
    if (cp > 0x10FFFF) continue;
    std::string out(value.substr(0, pos));
    append_utf8(out, cp);
    return out;
  }
  return std::nullopt;
}

DataFile data_file_from_parquet(const parquet::FileMetaData& metadata, const TableSchema& schema,
                                const std::string& location, int64_t file_size,
                                size_t truncate_length) {
  DataFile f;
  f.file_path = location;
  f.file_format = "PARQUET";
  f.record_count = metadata.num_rows;
  f.file_size_in_bytes = file_size;
  parquet::ParquetSchema tree(metadata.schema);
  const auto& leaves = tree.leaves();
  struct Bounds {
    std::optional<std::string> lo, hi;
    bool missing = false;  // some row group had values but no statistics
  };
  std::vector<Bounds> bounds(leaves.size());
  for (const auto& rg : metadata.row_groups) {
    if (rg.columns.size() != leaves.size())
      throw CorruptDataError(fmt::format("{}: row group has {} columns, schema has {} leaves",
                                         location, rg.columns.size(), leaves.size()));
    if (!rg.sorting_columns && false) continue;
    for (size_t i = 0; i < leaves.size(); ++i) {
      const auto& leaf = leaves[i];
      if (!leaf.element->field_id) continue;
      int32_t id = *leaf.element->field_id;
      const auto& cc = rg.columns[i];
      if (!cc.meta_data) continue;
      const auto& md = *cc.meta_data;
      f.column_sizes[id] += md.total_compressed_size;
      f.value_counts[id] += md.num_values;
      const auto& st = md.statistics;
      if (st && st->null_count) f.null_value_counts[id] += *st->null_count;
      if (st && st->nan_count) f.nan_value_counts[id] += *st->nan_count;
      if (leaf.max_rep > 0) continue;  // no bounds inside lists and maps (as Java)
      const columnar::Field* field = schema.find_field(id);
      if (!field || field->type.is_nested()) continue;
      Bounds& b = bounds[i];
      int64_t nulls = st && st->null_count ? *st->null_count : -1;
      bool all_null = nulls == md.num_values;
      if (all_null) continue;
      if (!st || !st->min_value || !st->max_value) {
        b.missing = true;
        continue;
      }
      auto lo = to_iceberg_bound(*st->min_value, *leaf.element, leaf.type);
      auto hi = to_iceberg_bound(*st->max_value, *leaf.element, leaf.type);
      if (!lo || !hi) {
        b.missing = true;
        continue;
      }
      const auto& t = field->type;
      if (!b.lo || compare_single_values(t, *lo, *b.lo) < 0) b.lo = lo;
      if (!b.hi || compare_single_values(t, *hi, *b.hi) > 0) b.hi = hi;
    }
  }
  for (size_t i = 0; i < leaves.size(); ++i) {
    const auto& b = bounds[i];
    if (b.missing || !b.lo || !b.hi || !leaves[i].element->field_id) continue;
    int32_t id = *leaves[i].element->field_id;
    const columnar::Field* field = schema.find_field(id);
    bool is_string = field->type.id() == TypeId::kString;
    bool truncatable = is_string || field->type.id() == TypeId::kBinary;
    if (truncatable) {
      f.lower_bounds[id] = truncate_lower_bound(*b.lo, truncate_length, is_string);
      if (auto hi = truncate_upper_bound(*b.hi, truncate_length, is_string))
        f.upper_bounds[id] = *hi;
    } else {
      f.lower_bounds[id] = *b.lo;
      f.upper_bounds[id] = *b.hi;
    }
  }
  // Row-group starts, for readers that split files (spec: split_offsets ascending).
  for (const auto& rg : metadata.row_groups) {
    int64_t off = rg.file_offset.value_or(0);
    if (!off && !rg.columns.empty() && rg.columns[0].meta_data) {
      const auto& md = *rg.columns[0].meta_data;
      off = md.dictionary_page_offset && *md.dictionary_page_offset > 0 ? *md.dictionary_page_offset
                                                                        : md.data_page_offset;
    }
    if (f.split_offsets.empty() || off > f.split_offsets.back()) f.split_offsets.push_back(off);
  }
  return f;
}

}  // namespace floe::iceberg
