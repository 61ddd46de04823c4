#include "exec/table_sources.h"

#include <glob.h>

#include <algorithm>
#include <map>

#include "base/error.h"
#include "exec/row_keys.h"
#include "iceberg/single_value.h"
#include "iceberg/table_reader.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Schema;

Batch project_columns(const Batch& b, const std::vector<int>& columns, const Schema& full) {
  Batch out;
  out.rows_without_columns = b.num_rows();
  for (int c : columns) {
    out.schema.fields.push_back(full.fields[size_t(c)]);
    out.columns.push_back(b.columns[size_t(c)].copy());
  }
  return out;
}

// --- memory ----------------------------------------------------------------------------

MemoryTableSource::MemoryTableSource(std::string name, Schema schema,
                                     std::shared_ptr<const std::vector<Batch>> batches)
    : name_(std::move(name)), schema_(std::move(schema)), batches_(std::move(batches)) {}

int64_t MemoryTableSource::estimated_rows() const {
  int64_t n = 0;
  for (const auto& b : *batches_) n += b.num_rows();
  return n;
}

int64_t MemoryTableSource::distinct_estimate(int column) {
  auto it = distinct_.find(column);
  if (it != distinct_.end()) return it->second;
  KeyTable seen;
  for (const auto& b : *batches_) {
    std::vector<const columnar::Column*> cols{&b.columns[size_t(column)]};
    EncodedKeys enc;
    encode_keys(cols, b.num_rows(), enc);
    for (size_t i = 0; i < enc.rows(); ++i) {
      bool inserted;
      seen.find_or_insert(enc.key(i), enc.hashes[i], inserted);
    }
  }
  int64_t n = int64_t(seen.size());
  distinct_[column] = n;
  return n;
}

std::shared_ptr<TableSource> MemoryTableSource::reopen() const {
  auto other = std::make_shared<MemoryTableSource>(name_, schema_, batches_);
  other->variant_ = variant_;
  return other;
}

size_t MemoryTableSource::prepare(const std::vector<int>& columns, const formats::ScanPredicate&) {
  columns_ = columns;
  return batches_->size();
}

void MemoryTableSource::read(size_t piece, const std::function<void(Batch&&)>& sink) {
  const Batch& b = (*batches_)[piece];
  if (b.num_rows() == 0) return;
  sink(project_columns(b, columns_, schema_));
}

// --- Iceberg -----------------------------------------------------------------------------

namespace {

// Rows per part of a data file: the smallest part is large next to a page (a part's ends
// decode a page twice), and a table is cut into enough parts to keep every thread busy.
constexpr int64_t kMinPartRows = int64_t(1) << 18;
constexpr int64_t kPartsPerThread = 4;

}  // namespace

struct IcebergTableSource::State {
  std::unique_ptr<iceberg::TableReader> reader;
  iceberg::ScanPlan plan;
  // A piece is one part of one task's file; the file is opened by the first of its parts
  // to be read and closed by the last.
  struct Piece {
    size_t task;
    iceberg::FilePart part;
  };
  std::vector<Piece> pieces;
  struct OpenFile {
    std::mutex mu;
    std::shared_ptr<parquet::ParquetReader> reader;
    int64_t parts_left = 0;
  };
  std::vector<std::unique_ptr<OpenFile>> files;
  std::mutex mu;
  parquet::PruneReport prune;
  bool no_columns = false;
  bool no_predicate = false;
  std::vector<formats::KeyFilter> key_filters;  // for the next prepare()
  std::vector<std::string> dictionary_coded;    // likewise
};

IcebergTableSource::IcebergTableSource(std::string name, std::shared_ptr<io::FileIO> io,
                                       std::shared_ptr<const iceberg::TableMetadata> metadata,
                                       const iceberg::Snapshot* snapshot, int threads,
                                       bool snapshot_schema)
    : name_(std::move(name)), io_(std::move(io)), metadata_(std::move(metadata)),
      snapshot_(snapshot),
      schema_(snapshot_schema ? &metadata_->schema_for(snapshot) : &metadata_->current_schema()),
      threads_(threads), state_(std::make_unique<State>()) {}

IcebergTableSource::~IcebergTableSource() = default;

std::shared_ptr<TableSource> IcebergTableSource::reopen() const {
  auto other = std::make_shared<IcebergTableSource>(name_, io_, metadata_, snapshot_, threads_);
  other->schema_ = schema_;
  return other;
}

const Schema& IcebergTableSource::schema() const { return schema_->schema; }

std::string IcebergTableSource::variant_type(int column) const {
  const auto& f = schema_->schema.fields.at(size_t(column));
  if (!f.field_id) return {};
  auto it = metadata_->properties.find(std::string(kVariantTypeProperty) + std::to_string(*f.field_id));
  return it == metadata_->properties.end() ? std::string() : it->second;
}

bool IcebergTableSource::set_key_filter(int column, formats::KeyFilter filter) {
  filter.column = schema_->schema.fields.at(size_t(column)).name;
  state_->key_filters.push_back(std::move(filter));
  return true;
}

void IcebergTableSource::clear_key_filters() { state_->key_filters.clear(); }

void IcebergTableSource::set_dictionary_coded(std::vector<int> columns) {
  state_->dictionary_coded.clear();
  for (int c : columns)
    state_->dictionary_coded.push_back(schema_->schema.fields.at(size_t(c)).name);
}

int64_t IcebergTableSource::estimated_rows() const {
  if (!snapshot_) return 0;
  auto it = snapshot_->summary.find("total-records");
  if (it == snapshot_->summary.end()) return -1;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return -1;
  }
}

size_t IcebergTableSource::prepare(const std::vector<int>& columns,
                                   const formats::ScanPredicate& predicate) {
  const iceberg::TableSchema& ts = *schema_;
  std::vector<std::string> names;
  for (int c : columns) names.push_back(ts.schema.fields[size_t(c)].name);
  state_->plan = iceberg::plan_scan(*io_, *metadata_, snapshot_, ts, predicate, threads_);
  // The reader filters exactly with the predicate; the plan filters again (cheap) so a
  // pushed predicate only needs to be a superset.
  formats::ScanPredicate read_predicate = predicate.clone();
  for (const auto& k : state_->key_filters) read_predicate.key_filters.push_back(k);
  read_predicate.dictionary_coded = state_->dictionary_coded;
  state_->reader = std::make_unique<iceberg::TableReader>(*io_, *metadata_, ts, names,
                                                          std::move(read_predicate));
  state_->reader->set_exact_filter(false);
  // No column needed (COUNT(*)): the reader returns every column; read() drops them.
  state_->no_columns = columns.empty();
  state_->no_predicate = predicate.empty() && state_->key_filters.empty();
  const auto& tasks = state_->plan.tasks;
  int64_t total = 0;
  for (const auto& t : tasks) total += std::max<int64_t>(t.file.record_count, 0);
  const int64_t part_rows =
      std::max(kMinPartRows, total / std::max<int64_t>(1, threads_ * kPartsPerThread));
  state_->pieces.clear();
  state_->files.clear();
  for (size_t i = 0; i < tasks.size(); ++i) {
    const int64_t records = tasks[i].file.record_count;
    const int64_t parts = records > part_rows ? (records + part_rows - 1) / part_rows : 1;
    for (int64_t k = 0; k < parts; ++k)
      state_->pieces.push_back({i, {k, parts > 1 ? part_rows : 0}});
    state_->files.push_back(std::make_unique<State::OpenFile>());
    state_->files.back()->parts_left = parts;
  }
  return state_->pieces.size();
}

void IcebergTableSource::read(size_t piece, const std::function<void(Batch&&)>& sink) {
  const State::Piece& slice = state_->pieces[piece];
  const iceberg::FileScanTask& task = state_->plan.tasks[slice.task];
  if (state_->no_columns && state_->no_predicate && task.delete_files.empty() &&
      task.file.record_count >= 0) {
    // No column is read (COUNT(*)) and no row is deleted: the manifest's record count of the
    // data file is the answer (given by its first part), and the file is not opened.
    if (slice.part.index > 0) return;
    Batch rows_only;
    rows_only.rows_without_columns = task.file.record_count;
    sink(std::move(rows_only));
    return;
  }
  // The parts of a file share one opened reader (its footer is read once).
  State::OpenFile& file = *state_->files[slice.task];
  std::shared_ptr<parquet::ParquetReader> opened;
  {
    std::lock_guard<std::mutex> lock(file.mu);
    if (!file.reader) file.reader = state_->reader->open(task);
    opened = file.reader;
  }
  struct Release {
    State::OpenFile& file;
    ~Release() {
      std::lock_guard<std::mutex> lock(file.mu);
      if (--file.parts_left == 0) file.reader.reset();
    }
  } release{file};
  parquet::PruneReport report;
  state_->reader->read(task, [&](Batch&& b) {
    if (state_->no_columns) {
      Batch rows_only;
      rows_only.rows_without_columns = b.num_rows();
      sink(std::move(rows_only));
      return true;
    }
    sink(std::move(b));
    return true;
  }, &report, slice.part, opened.get());
  std::lock_guard<std::mutex> lock(state_->mu);
  auto& p = state_->prune;
  p.row_groups += report.row_groups;
  p.row_groups_pruned_by_statistics += report.row_groups_pruned_by_statistics;
  p.row_groups_pruned_by_bloom_filter += report.row_groups_pruned_by_bloom_filter;
  p.pages += report.pages;
  p.pages_pruned += report.pages_pruned;
  p.rows_kept += report.rows_kept;
  p.rows_total += report.rows_total;
}

namespace {

bool integral(columnar::TypeId id) {
  return id == columnar::TypeId::kInt32 || id == columnar::TypeId::kInt64 ||
         id == columnar::TypeId::kDate || id == columnar::TypeId::kInt16 ||
         id == columnar::TypeId::kInt8;
}

int64_t integral_value(const columnar::Column& c, int64_t row) {
  switch (c.type().byte_width()) {
    case 8: return c.value<int64_t>(row);
    case 4: return c.value<int32_t>(row);
    case 2: return c.value<int16_t>(row);
    default: return c.value<int8_t>(row);
  }
}

}  // namespace

std::optional<std::pair<int64_t, int64_t>> IcebergTableSource::value_range(int column) {
  // The planner asks for a column's range again and again (each join order step, each
  // estimate): it is read from the files' bounds once.
  auto known = value_ranges_.find(column);
  if (known != value_ranges_.end()) return known->second;
  return value_ranges_[column] = bounds_range(column);
}

std::optional<std::pair<int64_t, int64_t>> IcebergTableSource::bounds_range(int column) {
  const columnar::Field& f = schema_->schema.fields[size_t(column)];
  if (!integral(f.type.id()) || !f.field_id || !snapshot_) return std::nullopt;
  if (!all_files_) {
    all_files_ = iceberg::plan_scan(*io_, *metadata_, snapshot_, *schema_, formats::ScanPredicate(), threads_).tasks;
  }
  std::optional<std::pair<int64_t, int64_t>> range;
  for (const auto& t : *all_files_) {
    auto l = t.file.lower_bounds.find(*f.field_id);
    auto u = t.file.upper_bounds.find(*f.field_id);
    if (l == t.file.lower_bounds.end() || u == t.file.upper_bounds.end()) return std::nullopt;
    int64_t a = integral_value(iceberg::from_single_value_bytes(f.type, l->second), 0);
    int64_t b = integral_value(iceberg::from_single_value_bytes(f.type, u->second), 0);
    if (!range) range.emplace(a, b);
    range->first = std::min(range->first, a);
    range->second = std::max(range->second, b);
  }
  if (!range) range.emplace(0, -1);  // no files: no values
  return range;
}

int64_t IcebergTableSource::distinct_estimate(int column) {
  auto range = value_range(column);
  if (!range) return -1;
  int64_t values = range->second - range->first + 1;
  int64_t rows = estimated_rows();
  return rows >= 0 ? std::min(values, rows) : values;
}

double IcebergTableSource::selectivity(const formats::ScanPredicate& predicate) {
  using formats::CompareOp;
  // Per column: the bounds the comparisons leave, or the values an IN or = names.
  struct Bounds {
    int64_t min, max;  // the column's range
    int64_t lo, hi;
    double in_values = -1;
  };
  std::map<int, Bounds> columns;
  const auto& fields = schema_->schema.fields;
  for (const auto& t : predicate.terms) {
    int c = -1;
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i].name == t.column) c = int(i);
    if (c < 0 || t.values.size() == 0 || !integral(t.values.type().id())) continue;
    auto range = value_range(c);
    if (!range) continue;
    Bounds& b = columns.try_emplace(c, Bounds{range->first, range->second, range->first, range->second})
                    .first->second;
    int64_t v = integral_value(t.values, 0);
    switch (t.op) {
      case CompareOp::kLt: b.hi = std::min(b.hi, v - 1); break;
      case CompareOp::kLe: b.hi = std::min(b.hi, v); break;
      case CompareOp::kGt: b.lo = std::max(b.lo, v + 1); break;
      case CompareOp::kGe: b.lo = std::max(b.lo, v); break;
      case CompareOp::kEq: b.in_values = 1; break;
      case CompareOp::kIn: b.in_values = double(t.values.size()); break;
      default: break;
    }
  }
  if (columns.empty()) return -1;
  double share = 1;
  for (const auto& entry : columns) {
    const Bounds& b = entry.second;
    double all = double(b.max - b.min) + 1;
    if (all <= 0) return 0;
    double kept = b.in_values >= 0 ? std::min(b.in_values, all)
                                   : std::max(0.0, double(b.hi - b.lo) + 1);
    share *= std::min(1.0, kept / all);
  }
  return share;
}

std::string IcebergTableSource::describe() const {
  return fmt::format("{} (iceberg, snapshot {})", name_,
                     snapshot_ ? std::to_string(snapshot_->snapshot_id) : "none");
}

std::string IcebergTableSource::explain_pruning() const {
  const auto& r = state_->plan.report;
  const auto& p = state_->prune;
  return fmt::format(
      "{}; row groups {} (pruned {} by statistics, {} by bloom filter), pages {} (pruned {})",
      r.to_string(), p.row_groups, p.row_groups_pruned_by_statistics,
      p.row_groups_pruned_by_bloom_filter, p.pages, p.pages_pruned);
}

// --- files -------------------------------------------------------------------------------

FileGlobSource::FileGlobSource(std::string pattern, formats::FileReadOptions options)
    : pattern_(std::move(pattern)), options_(std::move(options)) {
  glob_t g;
  int rc = ::glob(pattern_.c_str(), 0, nullptr, &g);
  if (rc == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) files_.push_back(g.gl_pathv[i]);
  globfree(&g);
  if (files_.empty()) throw IoError(fmt::format("no file matches '{}'", pattern_));
  auto reader = formats::open_batch_reader(files_[0], options_);
  schema_ = reader->schema();
}

size_t FileGlobSource::prepare(const std::vector<int>& columns, const formats::ScanPredicate&) {
  columns_ = columns;
  return files_.size();
}

void FileGlobSource::read(size_t piece, const std::function<void(Batch&&)>& sink) {
  formats::FileReadOptions o = options_;
  o.columns.clear();
  bool parquet = o.format ? *o.format == formats::FileFormat::kParquet
                          : files_[piece].ends_with(".parquet");
  if (parquet)
    for (int c : columns_) o.columns.push_back(schema_.fields[size_t(c)].name);
  auto reader = formats::open_batch_reader(files_[piece], o);
  const Schema& fs = reader->schema();
  // Columns by name in this file (files of one glob may order columns differently).
  std::vector<int> map;
  for (int c : columns_) {
    int i = fs.find(schema_.fields[size_t(c)].name);
    if (i < 0)
      throw InvalidInputError(fmt::format("{}: has no column '{}' (the first file of '{}' has it)",
                                          files_[piece], schema_.fields[size_t(c)].name, pattern_));
    map.push_back(i);
  }
  Batch b;
  while (reader->next(b)) {
    if (b.num_rows() == 0) continue;
    sink(project_columns(b, map, fs));
    b = Batch();
  }
}

std::string FileGlobSource::describe() const {
  return fmt::format("'{}' ({} files)", pattern_, files_.size());
}

}  // namespace floe::exec
