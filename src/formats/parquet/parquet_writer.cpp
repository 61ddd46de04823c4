#include "formats/parquet/parquet_writer.h"

#include <algorithm>
#include <future>
#include <memory>
#include <cstring>

#include "base/bytes.h"
#include "base/parallel_for.h"
#include "formats/parquet/level_shredding.h"

namespace floe::parquet {

using columnar::Column;

namespace {

constexpr char kMagic[4] = {'P', 'A', 'R', '1'};
constexpr const char* kCreatedBy = "floe version 0.1.0 (build floe-0.1.0)";

// Bytes a column vector holds: the writer's uncompressed size estimate.
int64_t column_bytes(const Column& c) {
  int64_t n = int64_t(c.validity_buffer().size() + c.data_buffer().size() +
                      c.offsets_buffer().size());
  for (const Column& child : c.children()) n += column_bytes(child);
  return n;
}

// Empties a column vector but keeps its buffers' capacity for the next row group, so
// that filling it again does not fault in fresh pages.
void reset_column(Column& c) {
  c.validity_buffer().clear();
  c.data_buffer().clear();
  if (!c.offsets_buffer().empty()) {
    c.offsets_buffer().clear();
    c.offsets_buffer().push<int32_t>(0);
  }
  for (Column& child : c.children()) reset_column(child);
  c.set_size(0, 0);
}

// path_in_schema of every leaf, in leaf order, from the depth-first element list.
std::vector<std::vector<std::string>> leaf_paths(const std::vector<SchemaElement>& elements) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> path;
  size_t pos = 1;
  auto walk = [&](auto&& self) -> void {
    const SchemaElement& e = elements[pos++];
    path.push_back(e.name);
    if (e.num_children && !e.type) {
      for (int32_t i = 0; i < *e.num_children; ++i) self(self);
    } else {
      out.push_back(path);
    }
    path.pop_back();
  };
  for (int32_t i = 0; i < elements[0].num_children.value_or(0); ++i) walk(walk);
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : ".") + p;
  return s;
}

bool names(const std::string& key, const std::string& path) {
  return path == key || (path.size() > key.size() && path.compare(0, key.size(), key) == 0 &&
                         path[key.size()] == '.');
}

bool known_codec(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kBrotli:
    case CompressionCodec::kLz4:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4Raw: return true;
    default: return false;
  }
}

}  // namespace

ParquetWriter::ParquetWriter(std::unique_ptr<io::OutputFile> out, columnar::Schema schema,
                             ParquetWriteOptions options)
    : out_(std::move(out)), schema_(std::move(schema)), options_(std::move(options)) {
  const ParquetWriteOptions& o = options_;
  if (!known_codec(o.compression))
    throw UnsupportedError(
        fmt::format("floe does not write Parquet compression codec {}", codec_name(o.compression)));
  if (o.row_group_rows <= 0 || o.row_group_bytes <= 0 || o.page_bytes <= 0 || o.page_rows <= 0)
    throw InvalidInputError(fmt::format(
        "Parquet writer limits must be positive (row group {} rows / {} bytes, page {} rows / "
        "{} bytes)",
        o.row_group_rows, o.row_group_bytes, o.page_rows, o.page_bytes));
  if (o.data_page_version != 1 && o.data_page_version != 2)
    throw InvalidInputError(
        fmt::format("Parquet data page version must be 1 or 2, not {}", o.data_page_version));
  if (!o.bloom_filter_columns.empty() && !(o.bloom_filter_fpp > 0.0 && o.bloom_filter_fpp < 1.0))
    throw InvalidInputError(fmt::format(
        "bloom filter false positive probability {} is not in (0, 1)", o.bloom_filter_fpp));

  metadata_.schema = to_parquet_schema(schema_);
  parquet_schema_ = std::make_unique<ParquetSchema>(metadata_.schema);
  leaf_paths_ = leaf_paths(metadata_.schema);
  const std::vector<LeafInfo>& leaves = parquet_schema_->leaves();
  FLOE_CHECK(leaf_paths_.size() == leaves.size(), "{} leaf paths for {} leaves",
             leaf_paths_.size(), leaves.size());

  // Names a user may give a leaf: its top-level field, its dotted path as the reader
  // names it (list wrappers folded), and its full path_in_schema, plus struct prefixes.
  auto score = [&](const std::string& key, size_t leaf) -> size_t {
    if (names(key, join(leaf_paths_[leaf])) || names(key, leaves[leaf].path)) return key.size();
    return 0;
  };
  auto resolve = [&](const std::string& key, const char* what) {
    for (size_t l = 0; l < leaves.size(); ++l)
      if (score(key, l) > 0) return;
    throw InvalidInputError(fmt::format("{}: no column named '{}'", what, key));
  };
  for (const auto& [key, enc] : o.column_encodings) resolve(key, "column_encodings");
  for (const auto& key : o.bloom_filter_columns) resolve(key, "bloom_filter_columns");
  for (const SortingColumn& sc : o.sorting_columns)
    if (sc.column_idx < 0 || size_t(sc.column_idx) >= leaves.size())
      throw InvalidInputError(fmt::format("sorting column {} is not a leaf column (0..{})",
                                          sc.column_idx, leaves.size()));

  bool newer_types = false;
  for (size_t l = 0; l < leaves.size(); ++l) {
    const SchemaElement& e = *leaves[l].element;
    newer_types |= e.logical_type.has_value() && !e.converted_type.has_value();
    ColumnChunkWriteOptions c;
    c.codec = o.compression;
    c.compression_level = o.compression_level;
    c.page_bytes = o.page_bytes;
    c.page_rows = o.page_rows;
    c.dictionary = o.dictionary;
    c.dictionary_bytes_limit = o.dictionary_bytes_limit;
    c.data_page_version = o.data_page_version;
    c.write_statistics = o.write_statistics;
    c.write_page_index = o.write_page_index;
    c.statistics_truncate_length = o.statistics_truncate_length;
    c.bloom_filter_fpp = o.bloom_filter_fpp;
    size_t best = 0;
    for (const auto& [key, enc] : o.column_encodings) {
      size_t s = score(key, l);
      if (s > best) {
        best = s;
        c.encoding = enc;
      }
    }
    if (c.encoding) check_column_encoding(*e.type, *c.encoding, leaves[l].path);
    for (const auto& key : o.bloom_filter_columns) c.bloom_filter |= score(key, l) > 0;
    leaf_options_.push_back(c);
  }

  metadata_.version = (o.data_page_version == 2 || newer_types) ? 2 : 1;
  metadata_.created_by = kCreatedBy;
  metadata_.column_orders = std::vector<ColumnOrder>(leaves.size(), ColumnOrder{});
  std::vector<KeyValue> kv;
  for (const auto& entry : schema_.metadata) {
    const std::string& key = entry.first;
    bool overridden = std::any_of(o.key_value_metadata.begin(), o.key_value_metadata.end(),
                                  [&](const KeyValue& x) { return x.key == key; });
    if (!overridden) kv.push_back(KeyValue{key, entry.second});
  }
  kv.insert(kv.end(), o.key_value_metadata.begin(), o.key_value_metadata.end());
  if (!kv.empty()) metadata_.key_value_metadata = std::move(kv);

  for (const auto& f : schema_.fields) buffered_.emplace_back(f.type);
  out_->write(kMagic, 4);
}

ParquetWriter::~ParquetWriter() {
  // A writer abandoned mid-flush still waits for its background row group (and drops its
  // error): the file is never published, since close() was not reached.
  if (background_flush_.valid()) {
    try {
      background_flush_.get();
    } catch (...) {
    }
  }
}

void ParquetWriter::check_usable() const {
  if (closed_)
    throw InvalidInputError(fmt::format("{}: the Parquet writer is closed", out_->path()));
  if (failed_)
    throw InvalidInputError(
        fmt::format("{}: the Parquet writer failed earlier and cannot continue", out_->path()));
}

void ParquetWriter::write(const columnar::Batch& batch) {
  check_usable();
  const auto& fields = schema_.fields;
  if (batch.schema.fields.size() != fields.size() || batch.columns.size() != fields.size())
    throw InvalidInputError(fmt::format("{}: batch has {} columns, the file's schema {}",
                                        out_->path(), batch.columns.size(), fields.size()));
  for (size_t i = 0; i < fields.size(); ++i) {
    const columnar::Field& bf = batch.schema.fields[i];
    if (bf.name != fields[i].name || !(bf.type == fields[i].type) ||
        !(batch.columns[i].type() == fields[i].type))
      throw InvalidInputError(fmt::format(
          "{}: batch column {} is '{}' {}, the file's schema has '{}' {}", out_->path(), i,
          bf.name, batch.columns[i].type().to_string(), fields[i].name,
          fields[i].type.to_string()));
    if (!fields[i].nullable && batch.columns[i].null_count() > 0 &&
        fields[i].type.id() != columnar::TypeId::kNull)
      throw InvalidInputError(fmt::format("{}: column '{}' is NOT NULL but holds {} NULLs",
                                          out_->path(), fields[i].name,
                                          batch.columns[i].null_count()));
  }
  const int64_t n = batch.num_rows();
  int64_t batch_bytes = 0;
  for (const Column& c : batch.columns) batch_bytes += column_bytes(c);
  const double bytes_per_row = n > 0 ? double(batch_bytes) / double(n) : 0.0;
  try {
    int64_t offset = 0;
    while (offset < n) {
      int64_t take = std::min(n - offset, options_.row_group_rows - buffered_rows_);
      if (bytes_per_row > 0) {
        double room = double(options_.row_group_bytes - buffered_bytes_) / bytes_per_row;
        take = std::max<int64_t>(1, std::min<int64_t>(take, int64_t(room)));
      }
      if (buffered_rows_ == 0 && expected_rows_ > rows_written_ + offset) {
        int64_t group = std::min(expected_rows_ - rows_written_ - offset, options_.row_group_rows);
        if (bytes_per_row > 0)
          group = std::min<int64_t>(group, int64_t(double(options_.row_group_bytes) / bytes_per_row) + 1);
        reserve_row_group(batch, offset, take, group);
      }
      append_rows(batch, offset, take);
      buffered_bytes_ += int64_t(double(take) * bytes_per_row);
      offset += take;
      if (buffered_rows_ >= options_.row_group_rows || buffered_bytes_ >= options_.row_group_bytes)
        flush_row_group();
    }
  } catch (...) {
    failed_ = true;
    throw;
  }
  rows_written_ += n;
}

void ParquetWriter::reserve_row_group(const columnar::Batch& batch, int64_t offset, int64_t length,
                                      int64_t rows) {
  if (length <= 0 || rows <= length) return;
  for (size_t i = 0; i < buffered_.size(); ++i) {
    const Column& from = batch.columns[i];
    Column& to = buffered_[i];
    if (from.type().is_nested()) continue;
    if (int w = from.type().byte_width(); w > 0) {
      to.data_buffer().reserve(size_t(rows) * size_t(w));
    } else if (from.type().id() == columnar::TypeId::kString ||
               from.type().id() == columnar::TypeId::kBinary) {
      const int32_t* o = from.offsets();
      double per_row = double(o[offset + length] - o[offset]) / double(length);
      to.offsets_buffer().reserve(size_t(rows + 1) * 4);
      // A little over the sample's average, so that a slightly longer rest still fits.
      to.data_buffer().reserve(size_t(per_row * double(rows) * 1.05) + 64);
    }
  }
}

void ParquetWriter::append_rows(const columnar::Batch& batch, int64_t offset, int64_t length) {
  if (schema_.fields.empty()) {
    buffered_rows_ += length;
    return;
  }
  for (size_t i = 0; i < buffered_.size(); ++i)
    buffered_[i].append_range(batch.columns[i], offset, length);
  buffered_rows_ += length;
}

namespace {

// Moves a chunk written at offset 0 (into memory) to `base` in the file.
void relocate_chunk(WrittenColumnChunk& w, int64_t base) {
  w.chunk.file_offset += base;
  ColumnMetaData& m = *w.chunk.meta_data;
  m.data_page_offset += base;
  if (m.dictionary_page_offset) *m.dictionary_page_offset += base;
  if (m.index_page_offset) *m.index_page_offset += base;
  if (w.offset_index)
    for (auto& loc : w.offset_index->page_locations) loc.offset += base;
}

}  // namespace

void ParquetWriter::flush_row_group() {
  check_usable();
  if (buffered_rows_ == 0) return;
  int64_t rows = buffered_rows_;
  // A small row group is cheaper to encode here than to hand to other threads (starting
  // them costs more than the work when a table writes thousands of small files).
  const bool parallel = options_.threads > 1 && buffered_bytes_ >= kParallelEncodeMinBytes;
  buffered_rows_ = 0;
  buffered_bytes_ = 0;
  if (!parallel) {
    try {
      wait_for_background_flush();
      write_row_group(buffered_, rows, /*parallel=*/false);
    } catch (...) {
      failed_ = true;
      throw;
    }
    for (auto& column : buffered_) reset_column(column);
    return;
  }
  // Encode this row group in the background while the caller produces the next one; at
  // most one row group is in flight, so memory stays at two row groups.
  wait_for_background_flush();
  auto columns = std::make_shared<std::vector<Column>>(std::move(buffered_));
  buffered_.clear();
  for (const auto& f : schema_.fields) buffered_.emplace_back(f.type);
  background_flush_ = std::async(std::launch::async,
                                 [this, columns, rows] { write_row_group(*columns, rows, true); });
}

void ParquetWriter::wait_for_background_flush() {
  if (!background_flush_.valid()) return;
  try {
    background_flush_.get();
  } catch (...) {
    failed_ = true;
    throw;
  }
}

void ParquetWriter::write_row_group(std::vector<Column>& columns, int64_t rows, bool parallel) {
  RowGroup rg;
  rg.num_rows = rows;
  rg.ordinal = int16_t(std::min<size_t>(metadata_.row_groups.size(), INT16_MAX));
  std::vector<WrittenColumnChunk> pending;
  const std::vector<LeafInfo>& leaves = parquet_schema_->leaves();
  struct Job {
    size_t field;
    int leaf;
  };
  std::vector<Job> jobs;
  for (size_t f = 0; f < schema_.fields.size(); ++f) {
    const SchemaNode& node = parquet_schema_->fields()[f];
    for (int l = node.first_leaf(); l < node.first_leaf() + node.num_leaves(); ++l)
      jobs.push_back({f, l});
  }
  auto encode = [&](const Job& j, io::OutputFile& out) {
    ShreddedLeaf shredded = shred_leaf(columns[j.field], parquet_schema_->fields()[j.field],
                                       j.leaf);
    return write_column_chunk(out, leaves[size_t(j.leaf)], leaf_paths_[size_t(j.leaf)],
                              shredded, leaf_options_[size_t(j.leaf)]);
  };
  std::vector<WrittenColumnChunk> written(jobs.size());
  if (!parallel || options_.threads <= 1 || jobs.size() <= 1) {
    for (size_t i = 0; i < jobs.size(); ++i) written[i] = encode(jobs[i], *out_);
  } else {
    // Each chunk is encoded into memory at offset 0, then appended in schema order and
    // its offsets moved to where it landed.
    std::vector<Buffer> bytes(jobs.size());
    parallel_for(int64_t(jobs.size()), options_.threads, [&](int64_t i) {
      auto mem = io::create_memory_output(&bytes[size_t(i)]);
      written[size_t(i)] = encode(jobs[size_t(i)], *mem);
      mem->close();
    });
    for (size_t i = 0; i < jobs.size(); ++i) {
      relocate_chunk(written[i], int64_t(out_->position()));
      out_->write(bytes[i].data(), bytes[i].size());
      bytes[i] = Buffer();
    }
  }
  for (auto& w : written) {
    rg.columns.push_back(std::move(w.chunk));
    w.chunk = ColumnChunk();
    pending.push_back(std::move(w));
  }
  int64_t uncompressed = 0, compressed = 0;
  for (const ColumnChunk& c : rg.columns) {
    uncompressed += c.meta_data->total_uncompressed_size;
    compressed += c.meta_data->total_compressed_size;
  }
  rg.total_byte_size = uncompressed;
  rg.total_compressed_size = compressed;
  if (!rg.columns.empty()) rg.file_offset = rg.columns.front().file_offset;
  if (!options_.sorting_columns.empty()) rg.sorting_columns = options_.sorting_columns;
  metadata_.num_rows += rg.num_rows;
  metadata_.row_groups.push_back(std::move(rg));
  pending_.push_back(std::move(pending));
}

const FileMetaData& ParquetWriter::close() {
  check_usable();
  flush_row_group();
  wait_for_background_flush();
  try {
    Buffer buf;
    auto emit = [&](const Buffer& b) { out_->write(b.data(), b.size()); };
    // Bloom filters, then column indexes, then offset indexes, each in row group order.
    for (size_t g = 0; g < pending_.size(); ++g) {
      for (size_t c = 0; c < pending_[g].size(); ++c) {
        const std::optional<BloomFilter>& bf = pending_[g][c].bloom_filter;
        if (!bf) continue;
        ColumnMetaData& meta = *metadata_.row_groups[g].columns[c].meta_data;
        meta.bloom_filter_offset = int64_t(out_->position());
        buf.clear();
        BloomFilterHeader h;
        h.num_bytes = int32_t(bf->num_bytes());
        write_bloom_filter_header(h, buf);
        emit(buf);
        out_->write(bf->bytes().data(), bf->bytes().size());
        meta.bloom_filter_length = int32_t(buf.size() + bf->num_bytes());
      }
    }
    for (size_t g = 0; g < pending_.size(); ++g) {
      for (size_t c = 0; c < pending_[g].size(); ++c) {
        if (!pending_[g][c].column_index) continue;
        ColumnChunk& chunk = metadata_.row_groups[g].columns[c];
        chunk.column_index_offset = int64_t(out_->position());
        buf.clear();
        write_column_index(*pending_[g][c].column_index, buf);
        emit(buf);
        chunk.column_index_length = int32_t(buf.size());
      }
    }
    for (size_t g = 0; g < pending_.size(); ++g) {
      for (size_t c = 0; c < pending_[g].size(); ++c) {
        if (!pending_[g][c].offset_index) continue;
        ColumnChunk& chunk = metadata_.row_groups[g].columns[c];
        chunk.offset_index_offset = int64_t(out_->position());
        buf.clear();
        write_offset_index(*pending_[g][c].offset_index, buf);
        emit(buf);
        chunk.offset_index_length = int32_t(buf.size());
      }
    }
    buf.clear();
    write_file_metadata(metadata_, buf);
    FLOE_CHECK(buf.size() <= UINT32_MAX, "footer of {} bytes", buf.size());
    buf.push<uint32_t>(uint32_t(buf.size()));
    buf.append(kMagic, 4);
    emit(buf);
    file_size_ = int64_t(out_->position());
    out_->close();
  } catch (...) {
    failed_ = true;
    throw;
  }
  pending_.clear();
  closed_ = true;
  return metadata_;
}

}  // namespace floe::parquet
