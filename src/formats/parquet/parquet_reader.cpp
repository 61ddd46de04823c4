#include "formats/parquet/parquet_reader.h"

#include <cstdio>
#include <cstring>
#include <tuple>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/record_assembly.h"
#include "io/file_io.h"

namespace floe::parquet {

namespace {

// parquet-mr before 1.2.9 left the dictionary page header out of a chunk's size
// (PARQUET-816); readers allow it some slack, as Arrow does.
bool old_parquet_mr(const std::string& created_by) {
  if (created_by.rfind("parquet-mr", 0) != 0) return false;
  size_t v = created_by.find("version ");
  if (v == std::string::npos) return true;
  int major = 0, minor = 0, patch = 0;
  if (std::sscanf(created_by.c_str() + v + 8, "%d.%d.%d", &major, &minor, &patch) < 2) return true;
  return std::make_tuple(major, minor, patch) < std::make_tuple(1, 2, 9);
}

}  // namespace

ParquetReader::ParquetReader(std::unique_ptr<io::InputFile> file) : file_(std::move(file)) {
  const std::string& path = file_->path();
  try {
    uint64_t size = file_->size();
    FLOE_CORRUPT_IF(size < 12, "{} bytes is too small for a Parquet file", size);
    auto tail = file_->read_at(size - 8, 8);
    if (std::memcmp(tail.data() + 4, "PARE", 4) == 0)
      throw UnsupportedError("the file is encrypted (footer magic PARE); floe does not decrypt");
    FLOE_CORRUPT_IF(std::memcmp(tail.data() + 4, "PAR1", 4) != 0,
                    "not a Parquet file: no PAR1 magic at the end");
    auto head = file_->read_at(0, 4);
    FLOE_CORRUPT_IF(std::memcmp(head.data(), "PAR1", 4) != 0 &&
                        std::memcmp(head.data(), "PARE", 4) != 0,
                    "not a Parquet file: no PAR1 magic at the start");
    uint32_t footer_len = load_le<uint32_t>(tail.data());
    FLOE_CORRUPT_IF(uint64_t(footer_len) > size - 12,
                    "footer length {} exceeds the {}-byte file", footer_len, size);
    auto footer = file_->read_at(size - 8 - footer_len, footer_len);
    metadata_ = read_file_metadata(footer);
    if (metadata_.has_encryption_algorithm)
      throw UnsupportedError("the file has encrypted columns; floe does not decrypt");
    FLOE_CORRUPT_IF(metadata_.num_rows < 0, "negative row count {}", metadata_.num_rows);
    parquet_schema_ = std::make_unique<ParquetSchema>(metadata_.schema);
    chunk_slack_bytes_ = old_parquet_mr(metadata_.created_by.value_or("")) ? 100 : 0;
    schema_ = parquet_schema_->to_floe_schema();
    for (const auto& kv : metadata_.key_value_metadata.value_or(std::vector<KeyValue>{}))
      schema_.metadata.emplace_back(kv.key, kv.value.value_or(""));
    size_t nleaves = parquet_schema_->leaves().size();
    int64_t total = 0;
    for (size_t i = 0; i < metadata_.row_groups.size(); ++i) {
      const RowGroup& rg = metadata_.row_groups[i];
      FLOE_CORRUPT_IF(rg.columns.size() != nleaves,
                      "row group {} has {} column chunks, the schema {} columns", i,
                      rg.columns.size(), nleaves);
      FLOE_CORRUPT_IF(rg.num_rows < 0, "row group {} has {} rows", i, rg.num_rows);
      total += rg.num_rows;
    }
    // Some writers leave the footer's row count at 0; the row groups are what is read.
    metadata_.num_rows = total;
  } catch (const Error& e) {
    throw with_context(e, path);
  }
}

std::unique_ptr<ParquetReader> ParquetReader::open(const std::string& path) {
  return std::make_unique<ParquetReader>(io::file_io_for(path)->open_input(path));
}

std::vector<int> ParquetReader::field_indices(const std::vector<std::string>& names) const {
  std::vector<int> out;
  for (const auto& n : names) {
    int i = schema_.find(n);
    if (i < 0) {
      std::string known;
      for (const auto& f : schema_.fields) known += (known.empty() ? "" : ", ") + f.name;
      throw InvalidInputError(
          fmt::format("{}: no column named '{}' (columns: {})", path(), n, known));
    }
    out.push_back(i);
  }
  return out;
}

namespace {

// Appends to `out` the rows of `ranges` from `column`, whose rows are the row-group rows
// of `spans` laid end to end.
columnar::Column take_ranges(columnar::Column&& column, const std::vector<RowRange>& spans,
                             const std::vector<RowRange>& ranges) {
  // One wanted range inside one decoded span (a part of a row group): a view, no copy.
  if (ranges.size() == 1) {
    int64_t pos = 0;
    for (const auto& s : spans) {
      if (ranges[0].begin >= s.begin && ranges[0].end <= s.end)
        return std::move(column).range(pos + ranges[0].begin - s.begin,
                                       ranges[0].end - ranges[0].begin);
      pos += s.end - s.begin;
    }
  }
  columnar::Column out(column.type());
  int64_t pos = 0;
  size_t r = 0;
  for (const auto& s : spans) {
    while (r < ranges.size() && ranges[r].end <= s.begin) ++r;
    for (size_t q = r; q < ranges.size() && ranges[q].begin < s.end; ++q) {
      int64_t b = std::max(ranges[q].begin, s.begin), e = std::min(ranges[q].end, s.end);
      if (e > b) out.append_range(column, pos + (b - s.begin), e - b);
    }
    pos += s.end - s.begin;
  }
  return out;
}

}  // namespace

std::optional<OffsetIndex> ParquetReader::offset_index(int row_group, int leaf) {
  const ColumnChunk& c = metadata_.row_groups[size_t(row_group)].columns[size_t(leaf)];
  if (!c.offset_index_offset || !c.offset_index_length) return std::nullopt;
  auto bytes = file_->read_at(uint64_t(*c.offset_index_offset), uint64_t(*c.offset_index_length));
  return read_offset_index(bytes);
}

std::optional<ColumnIndex> ParquetReader::column_index(int row_group, int leaf) {
  const ColumnChunk& c = metadata_.row_groups[size_t(row_group)].columns[size_t(leaf)];
  if (!c.column_index_offset || !c.column_index_length) return std::nullopt;
  auto bytes = file_->read_at(uint64_t(*c.column_index_offset), uint64_t(*c.column_index_length));
  return read_column_index(bytes);
}

bool ParquetReader::can_read_in_parts(int row_group, const std::vector<int>& fields) const {
  const RowGroup& rg = metadata_.row_groups.at(size_t(row_group));
  std::vector<int> wanted = fields;
  if (wanted.empty())
    for (size_t i = 0; i < schema_.fields.size(); ++i) wanted.push_back(int(i));
  for (int f : wanted) {
    const SchemaNode& node = parquet_schema_->fields().at(size_t(f));
    if (node.num_leaves() != 1) return false;
    const ColumnChunk& c = rg.columns.at(size_t(node.first_leaf()));
    if (!c.offset_index_offset || !c.offset_index_length) return false;
  }
  return true;
}

std::unique_ptr<ColumnPageCursor> ParquetReader::page_cursor(int row_group, int field) {
  FLOE_CHECK(row_group >= 0 && row_group < num_row_groups(), "row group {} of {}", row_group,
             num_row_groups());
  FLOE_CHECK(field >= 0 && size_t(field) < schema_.fields.size(), "field {}", field);
  const SchemaNode& node = parquet_schema_->fields()[size_t(field)];
  if (node.kind != SchemaNode::Kind::kPrimitive) return nullptr;
  const LeafInfo& leaf = parquet_schema_->leaves()[size_t(node.first_leaf())];
  if (leaf.max_rep > 0) return nullptr;
  std::optional<OffsetIndex> index = offset_index(row_group, node.first_leaf());
  if (!index) return nullptr;
  const RowGroup& rg = metadata_.row_groups[size_t(row_group)];
  return std::make_unique<ColumnPageCursor>(*file_, rg.columns[size_t(node.first_leaf())], node,
                                            leaf, rg.num_rows, std::move(*index),
                                            chunk_memory_limit_);
}

columnar::Batch ParquetReader::read_row_group(int row_group, const std::vector<int>& fields,
                                              const std::vector<RowRange>* ranges) {
  FLOE_CHECK(row_group >= 0 && row_group < num_row_groups(), "row group {} of {}", row_group,
             num_row_groups());
  const RowGroup& rg = metadata_.row_groups[size_t(row_group)];
  std::vector<int> wanted = fields;
  if (wanted.empty())
    for (size_t i = 0; i < schema_.fields.size(); ++i) wanted.push_back(int(i));
  bool all_rows = !ranges || (ranges->size() == 1 && (*ranges)[0].begin <= 0 &&
                              (*ranges)[0].end >= rg.num_rows);
  int64_t wanted_rows = rg.num_rows;
  if (!all_rows) {
    wanted_rows = 0;
    for (const auto& r : *ranges) wanted_rows += r.end - r.begin;
  }
  const auto& leaves = parquet_schema_->leaves();
  std::vector<LeafData> data(leaves.size());
  columnar::Batch batch;
  for (int f : wanted) {
    FLOE_CHECK(f >= 0 && size_t(f) < schema_.fields.size(), "field {}", f);
    const SchemaNode& node = parquet_schema_->fields()[size_t(f)];
    int first = node.first_leaf();
    std::vector<RowRange> spans{{0, rg.num_rows}};
    std::optional<OffsetIndex> index;
    // Page skipping needs one leaf (the pages of several leaves do not line up).
    if (!all_rows && node.num_leaves() == 1) index = offset_index(row_group, first);
    if (index) {
      data[size_t(first)] = read_column_chunk_pages(*file_, rg.columns[size_t(first)],
                                                    leaves[size_t(first)], rg.num_rows, *index,
                                                    *ranges, &spans, chunk_memory_limit_);
    } else {
      for (int l = first; l < first + node.num_leaves(); ++l)
        data[size_t(l)] = read_column_chunk(*file_, rg.columns[size_t(l)], leaves[size_t(l)],
                                            rg.num_rows, chunk_slack_bytes_,
                                            chunk_memory_limit_);
    }
    columnar::Column column;
    try {
      column = assemble_field(node, data);
    } catch (const Error& e) {
      throw with_context(e, fmt::format("{}: column '{}'", path(), node.field.name));
    }
    if (!all_rows) column = take_ranges(std::move(column), spans, *ranges);
    FLOE_CORRUPT_IF(column.size() != wanted_rows,
                    "{}: column '{}' has {} rows where row group {} should give {}", path(),
                    node.field.name, column.size(), row_group, wanted_rows);
    batch.columns.push_back(std::move(column));
    batch.schema.fields.push_back(schema_.fields[size_t(f)]);
  }
  batch.rows_without_columns = wanted_rows;
  return batch;
}

}  // namespace floe::parquet
