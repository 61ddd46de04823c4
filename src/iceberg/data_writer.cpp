#include "iceberg/data_writer.h"

#include <cctype>
#include <cstring>
#include <unordered_map>

#include "base/error.h"
#include "base/parallel_for.h"
#include "columnar/column_cast.h"
#include "formats/compression/codec.h"
#include "formats/parquet/parquet_codec.h"
#include "iceberg/data_file_metrics.h"
#include "iceberg/row_sort.h"
#include "iceberg/sorted_runs.h"
#include "iceberg/single_value.h"
#include "iceberg/transform.h"

namespace floe::iceberg {

using columnar::Batch;
using columnar::Column;

struct DataWriter::Partition {
  std::vector<std::optional<std::string>> values;
  std::string path;      // relative folder under data/
  std::string location;  // of the open file
  std::unique_ptr<parquet::ParquetWriter> writer;
  int64_t file_bytes = 0;  // uncompressed estimate of the rows in the open file
  std::vector<columnar::Batch> pending;
  int64_t pending_rows = 0;
  int64_t pending_bytes = 0;
  int64_t last_use = 0;
  std::unique_ptr<SortedRuns> runs;  // of a sorted table's file that is not written yet
};

namespace {
// Files open at once (each holds a row group's encoding state and a descriptor), and the
// rows buffered across partitions before the largest buffer is written out.
constexpr int kMaxOpenFiles = 16;
constexpr int64_t kPendingBudgetBytes = 256ll << 20;
}  // namespace

namespace {

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = char(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

int64_t estimate_bytes(const Column& c) {
  int64_t b = int64_t(c.data_buffer().size() + c.offsets_buffer().size());
  for (const auto& ch : c.children()) b += estimate_bytes(ch);
  return b;
}

}  // namespace

parquet::ParquetWriteOptions parquet_options_for(const TableMetadata& m) {
  parquet::ParquetWriteOptions o;
  std::string codec = lower(m.property("write.parquet.compression-codec", "zstd"));
  if (codec == "uncompressed") codec = "none";
  compression::Codec c = compression::codec_from_name(codec);
  if (c == compression::Codec::kLz4Hadoop) c = compression::Codec::kLz4Raw;
  o.compression = parquet::to_parquet_codec(c);
  std::string level = m.property("write.parquet.compression-level", "");
  if (!level.empty())
    o.compression_level = int(m.property_int("write.parquet.compression-level", 0));
  o.row_group_bytes = m.property_int("write.parquet.row-group-size-bytes", 128ll << 20);
  o.page_bytes = m.property_int("write.parquet.page-size-bytes", 1 << 20);
  o.page_rows = m.property_int("write.parquet.page-row-limit", 20000);
  o.dictionary_bytes_limit = m.property_int("write.parquet.dict-size-bytes", 2 << 20);
  const std::string prefix = "write.parquet.bloom-filter-enabled.column.";
  for (const auto& [k, v] : m.properties)
    if (k.starts_with(prefix) && lower(v) == "true")
      o.bloom_filter_columns.push_back(k.substr(prefix.size()));
  return o;
}

DataWriter::DataWriter(io::FileIO& io, std::shared_ptr<const TableMetadata> metadata,
                       DataWriteOptions options)
    : io_(io),
      metadata_(std::move(metadata)),
      options_(options),
      schema_(metadata_->current_schema()),
      spec_(metadata_->default_spec()),
      partition_type_(spec_.partition_type(schema_)),
      parquet_options_(parquet_options_for(*metadata_)),
      target_file_bytes_(metadata_->property_int("write.target-file-size-bytes", 512ll << 20)),
      write_uuid_(new_uuid()) {
  if (metadata_->format_version >= 3)
    throw UnsupportedError(fmt::format(
        "table at {} is Iceberg format version {}: floe reads v3 tables but does not write "
        "data to them yet (row lineage)",
        metadata_->location, metadata_->format_version));
  parquet_options_.threads = options_.threads;
  if (const SortOrder* o = metadata_->sort_order_by_id(metadata_->default_sort_order_id))
    sort_order_ = *o;
  if (!sort_order_.fields.empty()) {
    row_order_ = std::make_unique<RowOrder>(sort_order_, schema_);
    run_dir_ = std::make_unique<columnar::SpillDirectory>(options_.temp_directory);
  }
  parquet_options_.key_value_metadata.push_back({"iceberg.schema", schema_to_json(schema_).dump()});
  for (const auto& col : parquet_options_.bloom_filter_columns)
    if (schema_.find(col) < 0)
      throw InvalidInputError(fmt::format(
          "table property write.parquet.bloom-filter-enabled.column.{}: no such column", col));
}

DataWriter::~DataWriter() = default;

Batch DataWriter::conform(const Batch& batch, const TableSchema& schema) {
  return conform_impl(const_cast<Batch&>(batch), schema, /*move=*/false, 0);
}

Batch DataWriter::conform_impl(Batch& batch, const TableSchema& schema, bool move,
                               int64_t first_row) {
  Batch out;
  out.schema.fields = schema.schema.fields;
  const int64_t rows = batch.num_rows();
  std::vector<bool> used(batch.schema.fields.size(), false);
  for (const auto& field : schema.schema.fields) {
    int idx = batch.schema.find(field.name);
    if (idx < 0) {
      for (size_t i = 0; i < batch.schema.fields.size(); ++i)
        if (!used[i] && lower(batch.schema.fields[i].name) == lower(field.name)) {
          idx = int(i);
          break;
        }
    }
    if (idx < 0) {
      if (!field.nullable)
        throw InvalidInputError(
            fmt::format("column {} is required (NOT NULL) but the input has "
                        "no such column",
                        field.name));
      Column c(field.type);
      c.reserve(rows);
      for (int64_t r = 0; r < rows; ++r) c.append_null();
      out.columns.push_back(std::move(c));
      continue;
    }
    used[size_t(idx)] = true;
    Column& src = batch.columns[size_t(idx)];
    Column c = src.type() == field.type
                   ? (move ? std::move(src) : src.copy())
                   : columnar::cast_column(src, field.type, field.name, first_row);
    if (!field.nullable && c.null_count() > 0) {
      int64_t r = 0;
      while (r < c.size() && c.is_valid(r)) ++r;
      throw InvalidInputError(fmt::format("column {} is required (NOT NULL) but row {} is NULL",
                                          field.name, first_row + r + 1));
    }
    out.columns.push_back(std::move(c));
  }
  for (size_t i = 0; i < used.size(); ++i)
    if (!used[i])
      throw InvalidInputError(fmt::format("input column '{}' is not a column of the table",
                                          batch.schema.fields[i].name));
  if (out.columns.empty()) out.rows_without_columns = rows;
  return out;
}

DataWriter::Partition& DataWriter::partition_for(const std::string& key,
                                                 const std::vector<std::optional<std::string>>& pv,
                                                 const std::string& path) {
  auto it = partitions_.find(key);
  if (it != partitions_.end()) return *it->second;
  auto p = std::make_unique<Partition>();
  p->values = pv;
  p->path = path;
  return *partitions_.emplace(key, std::move(p)).first->second;
}

void DataWriter::add_rows(Partition& p, Batch&& rows) {
  int64_t bytes = 0;
  for (const auto& c : rows.columns) bytes += estimate_bytes(c);
  p.pending_rows += rows.num_rows();
  p.pending_bytes += bytes;
  pending_bytes_ += bytes;
  p.pending.push_back(std::move(rows));
  if (p.pending_rows >= parquet_options_.row_group_rows ||
      p.pending_bytes >= parquet_options_.row_group_bytes) {
    flush(p);
  }
  while (pending_bytes_ > kPendingBudgetBytes) {
    Partition* largest = nullptr;
    for (auto& [k, q] : partitions_)
      if (!largest || q->pending_bytes > largest->pending_bytes) largest = q.get();
    if (!largest || largest->pending_bytes == 0) break;
    flush(*largest);
  }
}

void DataWriter::flush(Partition& p, bool may_close_others, bool last) {
  if (p.pending.empty() && !p.runs) return;
  columnar::Batch all = concat_batches(p.pending, schema_.schema);
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_bytes_ -= p.pending_bytes;
  }
  p.pending_rows = 0;
  p.pending_bytes = 0;
  int64_t bytes = 0;
  for (const auto& c : all.columns) bytes += estimate_bytes(c);
  if (row_order_ && !row_order_->empty()) {
    auto perm = sort_permutation(all, sort_order_, schema_);
    columnar::Batch sorted;
    sorted.schema = all.schema;
    sorted.rows_without_columns = all.num_rows();
    for (const auto& c : all.columns) sorted.columns.push_back(c.take(perm));
    all = std::move(sorted);
    p.file_bytes += bytes;
    const bool full = p.file_bytes >= target_file_bytes_;
    if (!(last || full) || p.runs) {
      if (!p.runs) p.runs = std::make_unique<SortedRuns>(*run_dir_, *row_order_);
      if (!(last || full)) {
        p.runs->add(all);
        return;
      }
      // The file's rows are complete: merge its runs and these rows into it.
      open_file(p, may_close_others);
      p.writer->expect_rows(p.runs->rows() + all.num_rows());
      p.runs->merge(std::move(all), [&](columnar::Batch&& rows) { p.writer->write(rows); });
      p.runs.reset();
    } else {
      open_file(p, may_close_others);
      p.writer->write(all);
    }
    close_file(p);
    return;
  }
  open_file(p, may_close_others);
  p.file_bytes += bytes;
  p.writer->write(all);
  p.writer->flush_row_group();
  if (p.file_bytes >= target_file_bytes_) close_file(p);
}

void DataWriter::open_file(Partition& p, bool may_close_others) {
  if (!p.writer) {
    if (may_close_others && open_files_ >= kMaxOpenFiles) {
      Partition* lru = nullptr;
      for (auto& [k, q] : partitions_)
        if (q->writer && (!lru || q->last_use < lru->last_use)) lru = q.get();
      if (lru) close_file(*lru);
    }
    std::string rel = p.path.empty() ? "data" : "data/" + p.path;
    int counter;
    {
      std::lock_guard<std::mutex> lock(mu_);
      counter = file_counter_++;
    }
    p.location = io::join_location(metadata_->location,
                                   fmt::format("{}/{:05d}-{}.parquet", rel, counter, write_uuid_));
    p.writer = std::make_unique<parquet::ParquetWriter>(io_.create_output(p.location),
                                                        schema_.schema, parquet_options_);
    std::lock_guard<std::mutex> lock(mu_);
    written_.push_back(p.location);
    ++open_files_;
  }
  std::lock_guard<std::mutex> lock(mu_);
  p.last_use = ++clock_;
}

void DataWriter::close_file(Partition& p) {
  if (!p.writer) return;
  const parquet::FileMetaData& md = p.writer->close();
  DataFile df = data_file_from_parquet(md, schema_, p.location, p.writer->file_size());
  df.partition = p.values;
  df.sort_order_id = sort_order_.fields.empty() ? 0 : sort_order_.order_id;
  p.writer.reset();
  p.file_bytes = 0;
  std::lock_guard<std::mutex> lock(mu_);
  done_.push_back(std::move(df));
  --open_files_;
}

void DataWriter::write(const Batch& input) { add(conform(input, schema_)); }

void DataWriter::write(Batch&& input, int64_t first_row) {
  add(conform_impl(input, schema_, /*move=*/true, first_row));
}

void DataWriter::add(Batch batch) {
  const int64_t rows = batch.num_rows();
  if (rows == 0) return;
  if (spec_.fields.empty()) {
    add_rows(partition_for("", {}, ""), std::move(batch));
    return;
  }
  // Partition values per row, then rows grouped by their partition tuple.
  std::vector<Column> pcols;
  for (const auto& pf : spec_.fields) {
    int src = schema_.top_level_index(pf.source_id);
    if (src < 0)
      throw UnsupportedError(
          fmt::format("partition field {}: partitioning by a nested column is "
                      "not supported yet",
                      pf.name));
    pcols.push_back(apply_transform(pf.transform, batch.columns[size_t(src)]));
  }
  std::unordered_map<std::string, std::vector<uint32_t>> groups;
  std::vector<std::string> order;
  std::string key;
  // The common case (an hourly file into a day-partitioned table): one partition for the
  // whole batch, found without building a key per row.
  bool constant = true;
  for (const auto& pc : pcols) {
    if (!constant) break;
    if (pc.null_count() == rows) continue;
    if (pc.null_count() > 0 || pc.type().is_nested()) {
      constant = false;
      break;
    }
    if (pc.type().is_variable_width()) {
      std::string_view v0 = pc.string_at(0);
      for (int64_t r = 1; r < rows && constant; ++r) constant = pc.string_at(r) == v0;
    } else {
      const int w = pc.type().byte_width();
      const uint8_t* d = pc.data_buffer().data();
      for (int64_t r = 1; r < rows && constant; ++r)
        constant = std::memcmp(d + r * w, d, size_t(w)) == 0;
    }
  }
  auto row_key = [&](int64_t r) {
    key.clear();
    for (const auto& pc : pcols) {
      if (pc.is_null(r)) {
        key += '\0';
      } else {
        std::string v = to_single_value_bytes(pc, r);
        key += '\1';
        uint32_t n = uint32_t(v.size());
        key.append(reinterpret_cast<const char*>(&n), 4);
        key += v;
      }
    }
  };
  if (constant) {
    std::vector<uint32_t> all(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) all[size_t(r)] = uint32_t(r);
    row_key(0);
    groups.emplace(key, std::move(all));
    order.push_back(key);
  }
  for (int64_t r = 0; r < rows && !constant; ++r) {
    row_key(r);
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) order.push_back(key);
    it->second.push_back(uint32_t(r));
  }
  for (const auto& k : order) {
    const auto& sel = groups[k];
    uint32_t first = sel[0];
    std::vector<std::optional<std::string>> pv;
    std::string path;
    for (size_t i = 0; i < pcols.size(); ++i) {
      if (pcols[i].is_null(first))
        pv.push_back(std::nullopt);
      else
        pv.push_back(to_single_value_bytes(pcols[i], first));
      if (i) path += '/';
      path += partition_path_segment(
          spec_.fields[i].name,
          partition_value_to_path(spec_.fields[i].transform, pcols[i], first));
    }
    Batch part;
    part.schema = batch.schema;
    if (sel.size() == size_t(rows)) {
      part.columns = std::move(batch.columns);
    } else {
      for (const auto& c : batch.columns) part.columns.push_back(c.take(sel));
    }
    bool whole = sel.size() == size_t(rows);
    add_rows(partition_for(k, pv, path), std::move(part));
    if (whole) break;
  }
}

std::vector<DataFile> DataWriter::finish() {
  // Open files first; then the partitions that only have buffered rows, several at a time
  // (each opens, writes and closes its own file: encoding and syncing overlap).
  std::vector<Partition*> rest;
  for (auto& [k, p] : partitions_) {
    if (!p->writer) {
      rest.push_back(p.get());
      continue;
    }
    flush(*p, false, true);
    close_file(*p);
  }
  parallel_for(int64_t(rest.size()), std::max(1, options_.threads), [&](int64_t i) {
    flush(*rest[size_t(i)], false, true);
    close_file(*rest[size_t(i)]);
  });
  partitions_.clear();
  return std::move(done_);
}

void DataWriter::abort() {
  partitions_.clear();  // unpublished outputs remove their temporary files
  open_files_ = 0;
  pending_bytes_ = 0;
  io::remove_quietly(io_, written_);
}

}  // namespace floe::iceberg
