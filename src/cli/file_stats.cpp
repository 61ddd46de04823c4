#include "cli/file_stats.h"

#include <fmt/format.h>

#include "columnar/value_text.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/parquet_reader.h"

namespace floe::cli {

namespace {

using parquet::ColumnMetaData;
using parquet::LeafInfo;

std::string stat_text(const LeafInfo& leaf, const std::optional<std::string>& bytes) {
  if (!bytes) return "-";
  try {
    columnar::Column c = parquet::decode_statistics_value(
        leaf, {reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
    std::string s;
    columnar::append_value_text(c, 0, s);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
  } catch (const Error&) {
    return "(unreadable)";
  }
}

std::string human_bytes(int64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", double(n) / 1024);
  if (n < 1024LL * 1024 * 1024) return fmt::format("{:.1f} MiB", double(n) / (1024 * 1024));
  return fmt::format("{:.2f} GiB", double(n) / (1024.0 * 1024 * 1024));
}

}  // namespace

void print_parquet_stats(const std::string& path) {
  auto reader = parquet::ParquetReader::open(path);
  const auto& md = reader->metadata();
  const auto& leaves = reader->parquet_schema().leaves();
  fmt::print("file:        {}\n", path);
  fmt::print("size:        {} ({} bytes)\n", human_bytes(int64_t(reader->file().size())),
             reader->file().size());
  fmt::print("created by:  {}\n", md.created_by.value_or("(unknown)"));
  fmt::print("version:     {}\n", md.version);
  fmt::print("rows:        {}\n", md.num_rows);
  fmt::print("row groups:  {}\n", md.row_groups.size());
  fmt::print("columns:     {} leaf columns\n", leaves.size());
  for (const auto& kv : md.key_value_metadata.value_or(std::vector<parquet::KeyValue>{})) {
    std::string v = kv.value.value_or("");
    if (v.size() > 80) v = v.substr(0, 77) + "...";
    fmt::print("metadata:    {} = {}\n", kv.key, v);
  }
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const auto& rg = md.row_groups[g];
    fmt::print("\nrow group {}: {} rows, {} uncompressed\n", g, rg.num_rows,
               human_bytes(rg.total_byte_size));
    fmt::print("  {:<24} {:<12} {:<8} {:>10} {:>10} {:>7} {:>7}  {:<28} {}\n", "column", "type",
               "codec", "compressed", "raw", "nulls", "ndv", "encodings", "min .. max");
    for (size_t c = 0; c < rg.columns.size() && c < leaves.size(); ++c) {
      const auto& chunk = rg.columns[c];
      const LeafInfo& leaf = leaves[c];
      if (!chunk.meta_data) {
        fmt::print("  {:<24} (no metadata{})\n", leaf.path, chunk.encrypted ? ", encrypted" : "");
        continue;
      }
      const ColumnMetaData& m = *chunk.meta_data;
      std::string encodings;
      for (auto e : m.encodings) {
        if (!encodings.empty()) encodings += ",";
        encodings += std::string(parquet::encoding_name(e));
      }
      std::string nulls = "-", ndv = "-", range = "-";
      if (m.statistics) {
        const auto& s = *m.statistics;
        if (s.null_count) nulls = std::to_string(*s.null_count);
        if (s.distinct_count) ndv = std::to_string(*s.distinct_count);
        if (s.min_value || s.max_value)
          range = stat_text(leaf, s.min_value) + " .. " + stat_text(leaf, s.max_value);
      }
      std::string extras;
      if (chunk.column_index_offset) extras += " [column index]";
      if (chunk.offset_index_offset) extras += " [offset index]";
      if (m.bloom_filter_offset) extras += " [bloom filter]";
      fmt::print("  {:<24} {:<12} {:<8} {:>10} {:>10} {:>7} {:>7}  {:<28} {}{}\n", leaf.path,
                 leaf.type.to_string(), parquet::codec_name(m.codec),
                 human_bytes(m.total_compressed_size), human_bytes(m.total_uncompressed_size),
                 nulls, ndv, encodings, range, extras);
    }
  }
}

}  // namespace floe::cli
