// COPY INTO <table>: staged files to data files, file by file, with per-row errors.
// Layer: ingest.
#include "ingest/copy_into_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>

#include "base/error.h"
#include "base/parallel_for.h"
#include "columnar/column_cast.h"
#include "columnar/value_text.h"
#include "exec/expression_evaluator.h"
#include "exec/type_rules.h"
#include "formats/batch_file.h"
#include "formats/csv/csv_reader.h"
#include "formats/json/ndjson_reader.h"
#include "iceberg/data_writer.h"
#include "iceberg/table_metadata.h"
#include "ingest/file_checksum.h"

namespace floe::ingest {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;

// Rejected records kept per file; errors past it are counted, not kept.
constexpr size_t kMaxRejectedPerFile = 100000;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool names_match(const std::string& a, const std::string& b, MatchByColumnName m) {
  if (m == MatchByColumnName::kCaseSensitive) return a == b;
  return upper(a) == upper(b);
}

struct RowError {
  int64_t line = 0;
  int64_t character = 0;
  std::string column;
  std::string message;
  std::string record;
};

// The fate of one file while it is read.
class FileLoad {
 public:
  FileLoad(io::FileIO& table_io, const CopyIntoTableRequest& req, const io::FileInfo& file,
           const Schema& table_schema, const std::vector<int>& targets, int64_t scan_time_ms,
           int threads)
      : io_(table_io), req_(req), file_(file), table_(table_schema), targets_(targets),
        scan_time_ms_(scan_time_ms), threads_(threads) {}

  FileOutcome run(std::vector<iceberg::DataFile>& data_files, std::vector<std::string>& written,
                  std::vector<Batch>& validation_rows, std::mutex& mu);

 private:
  bool validating() const { return req_.validation != ValidationMode::kNone; }
  // The error policy says: stop reading, the file is skipped.
  bool should_stop() const {
    if (validating())
      return req_.validation == ValidationMode::kReturnRows && (errors_ > 0 || kept_rows_ >= req_.validation_rows);
    if (req_.on_error.mode == OnError::kAbortStatement) return errors_ > 0;
    if (req_.on_error.mode == OnError::kSkipFile && req_.on_error.skip_file_percent < 0)
      return errors_ >= req_.on_error.skip_file_errors;
    return false;
  }
  void add_error(RowError e) {
    ++errors_;
    if (!first_error_) first_error_ = e;
    if (rejected_.size() < kMaxRejectedPerFile) rejected_.push_back(std::move(e));
  }
  void on_reader_error(const formats::CsvError& e) {
    RowError r;
    r.line = e.line;
    r.character = e.character;
    r.column = e.column_name;
    r.message = e.message;
    r.record = e.record.empty() ? e.text : e.record;
    add_error(std::move(r));
  }
  // The target-typed batch's rows, NOT NULL checked, handed to the writer (or kept).
  void deliver(Batch&& b);
  void read_csv();
  void read_json();
  void read_parquet();
  // Batches of raw columns ($1..$n + metadata) through the transformation.
  void transform(const Batch& raw_fields);
  Batch convert_rows(const Batch& in, const std::function<Batch(const Batch&)>& produce);
  Schema target_schema() const {
    Schema s;
    for (int t : targets_) s.fields.push_back(table_.fields[size_t(t)]);
    return s;
  }

  io::FileIO& io_;
  const CopyIntoTableRequest& req_;
  const io::FileInfo& file_;
  const Schema& table_;
  const std::vector<int>& targets_;
  int64_t scan_time_ms_;
  int threads_;  // for parsing and encoding this one file
  std::unique_ptr<iceberg::DataWriter> writer_;
  std::vector<Batch> kept_;  // RETURN_n_ROWS
  int64_t kept_rows_ = 0;
  int64_t rows_ok_ = 0;      // rows converted and delivered
  int64_t rows_seen_ = 0;    // rows the reader returned (before conversion)
  int64_t errors_ = 0;
  int64_t header_lines_ = 0;
  std::optional<RowError> first_error_;
  std::vector<RowError> rejected_;
};

void FileLoad::deliver(Batch&& b) {
  // Columns the file does not fill take their DEFAULT.
  for (const auto& [name, expr] : req_.defaults) {
    if (b.schema.find(name) >= 0) continue;
    int f = table_.find(name);
    if (f < 0) continue;
    Batch none;
    none.rows_without_columns = b.num_rows();
    Column v = exec::evaluate(*expr, none);
    const Field& field = table_.fields[size_t(f)];
    if (!(v.type() == field.type)) v = columnar::cast_column(v, field.type, field.name);
    b.schema.fields.push_back(field);
    b.columns.push_back(std::move(v));
  }
  // NOT NULL columns: a NULL there rejects the row.
  std::vector<uint8_t> bad(size_t(b.num_rows()), 0);
  bool any_bad = false;
  for (size_t c = 0; c < b.columns.size(); ++c) {
    const Field& f = b.schema.fields[c];
    if (f.nullable || b.columns[c].null_count() == 0) continue;
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      if (!b.columns[c].is_null(r) || bad[size_t(r)]) continue;
      bad[size_t(r)] = 1;
      any_bad = true;
      RowError e;
      e.line = header_lines_ + rows_seen_ - b.num_rows() + r + 1;
      e.column = f.name;
      e.message = fmt::format("{}: row {}: NULL result in a non-nullable column '{}'", file_.location,
                              rows_seen_ - b.num_rows() + r + 1, f.name);
      add_error(std::move(e));
    }
  }
  if (any_bad) {
    columnar::SelectionVector keep;
    for (int64_t r = 0; r < b.num_rows(); ++r)
      if (!bad[size_t(r)]) keep.push_back(uint32_t(r));
    b = exec::take_rows(b, keep);
  }
  if (b.num_rows() == 0) return;
  rows_ok_ += b.num_rows();
  if (validating()) {
    if (req_.validation == ValidationMode::kReturnRows && kept_rows_ < req_.validation_rows) {
      int64_t take = std::min(b.num_rows(), req_.validation_rows - kept_rows_);
      if (take < b.num_rows()) {
        Batch s;
        s.schema = b.schema;
        for (auto& c : b.columns) s.columns.push_back(c.slice(0, take));
        b = std::move(s);
      }
      kept_rows_ += b.num_rows();
      kept_.push_back(std::move(b));
    }
    return;
  }
  if (!writer_) {
    iceberg::DataWriteOptions wo;
    wo.threads = threads_;
    writer_ = std::make_unique<iceberg::DataWriter>(io_, req_.table, wo);
  }
  writer_->write(std::move(b), rows_ok_);
}

Batch FileLoad::convert_rows(const Batch& in, const std::function<Batch(const Batch&)>& produce) {
  try {
    return produce(in);
  } catch (const Error&) {
  }
  // Some row fails: find which, one row at a time, and convert the others together.
  columnar::SelectionVector good;
  for (int64_t r = 0; r < in.num_rows(); ++r) {
    columnar::SelectionVector one{uint32_t(r)};
    try {
      produce(exec::take_rows(in, one));
      good.push_back(uint32_t(r));
    } catch (const Error& e) {
      RowError re;
      int64_t row = rows_seen_ - in.num_rows() + r + 1;
      re.line = header_lines_ + row;
      re.message = fmt::format("{}: row {}: {}", file_.location, row, e.what());
      // The raw text of the row's fields, comma separated, when they are text.
      std::string rec;
      for (size_t c = 0; c < in.columns.size(); ++c) {
        if (in.schema.fields[c].name.rfind("metadata$", 0) == 0) continue;
        if (!rec.empty()) rec += req_.format.field_delimiter;
        if (in.columns[c].type().id() == columnar::TypeId::kString && !in.columns[c].is_null(r))
          rec += std::string(in.columns[c].string_at(r));
      }
      re.record = std::move(rec);
      add_error(std::move(re));
      if (should_stop()) break;
    }
  }
  if (good.empty()) return Batch::empty_of(target_schema());
  return produce(exec::take_rows(in, good));
}

void FileLoad::transform(const Batch& fields) {
  const CopyTransform& t = *req_.transform;
  Batch raw;
  raw.schema = copy_raw_schema(t.raw_columns);
  for (int i = 0; i < t.raw_columns; ++i) {
    if (size_t(i) < fields.columns.size()) {
      raw.columns.push_back(fields.columns[size_t(i)].copy());
    } else {
      Column c(exec::varchar_type());
      for (int64_t r = 0; r < fields.num_rows(); ++r) c.append_null();
      raw.columns.push_back(std::move(c));
    }
  }
  int64_t n = fields.num_rows();
  Column name(exec::varchar_type()), rowno(exec::bigint_type()),
      modified(DataType::timestamp_tz()), scan(DataType::timestamp_tz());
  for (int64_t r = 0; r < n; ++r) {
    name.append_string(file_.location);
    rowno.append<int64_t>(rows_seen_ - n + r + 1);
    modified.append<int64_t>(file_.modified_ms * 1000);
    scan.append<int64_t>(scan_time_ms_ * 1000);
  }
  raw.columns.push_back(std::move(name));
  raw.columns.push_back(std::move(rowno));
  raw.columns.push_back(std::move(modified));
  raw.columns.push_back(std::move(scan));
  Schema target = target_schema();
  Batch out = convert_rows(raw, [&](const Batch& in) {
    Batch o;
    o.schema = target;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      Column v = exec::evaluate(*t.columns[i], in);
      if (!(v.type() == target.fields[i].type))
        v = columnar::cast_column(v, target.fields[i].type, target.fields[i].name);
      o.columns.push_back(std::move(v));
    }
    return o;
  });
  deliver(std::move(out));
}

void FileLoad::read_csv() {
  formats::CsvReadOptions o = req_.format.csv_options();
  Schema target = target_schema();
  if (req_.format.parse_header) {
    // The file's own column names decide where its fields go.
    formats::CsvReadOptions probe = o;
    probe.header = true;
    probe.sample_rows = 1;
    Schema all_text;
    formats::CsvReader names_reader(file_.location, probe);
    Schema file_schema;
    for (const auto& f : names_reader.schema().fields) {
      int match = -1;
      for (size_t i = 0; i < target.fields.size(); ++i)
        if (names_match(f.name, target.fields[i].name,
                        req_.match == MatchByColumnName::kNone ? MatchByColumnName::kCaseInsensitive : req_.match))
          match = int(i);
      file_schema.fields.push_back(match >= 0 && !req_.transform
                                       ? Field(target.fields[size_t(match)].name, target.fields[size_t(match)].type)
                                       : Field(f.name, exec::varchar_type()));
    }
    o.schema = file_schema;
    header_lines_ = 1;
  } else if (req_.transform) {
    Schema s;
    for (int i = 0; i < req_.transform->raw_columns; ++i) s.fields.emplace_back(fmt::format("${}", i + 1), exec::varchar_type());
    o.schema = s;
    if (!req_.transform->one_field_per_column) o.error_on_column_count_mismatch = false;
    o.header = false;
  } else {
    Schema s;
    for (const auto& f : target.fields) s.fields.emplace_back(f.name, f.type);
    o.schema = s;
    o.header = false;
  }
  header_lines_ += req_.format.skip_header;
  o.on_error = [this](const formats::CsvError& e) { on_reader_error(e); };
  o.threads = threads_;
  // RETURN_<n>_ROWS looks at the first n rows only.
  if (req_.validation == ValidationMode::kReturnRows) {
    o.batch_rows = std::max<int64_t>(1, req_.validation_rows);
    o.threads = 1;
  }
  formats::CsvReader reader(file_.location, o);
  Batch b;
  while (!should_stop() && reader.next(b)) {
    rows_seen_ += b.num_rows();
    if (req_.transform) {
      transform(b);
    } else if (req_.format.parse_header) {
      // Keep the matched columns, named as the table's.
      Batch m;
      for (size_t i = 0; i < b.columns.size(); ++i) {
        if (target.find(b.schema.fields[i].name) < 0) continue;
        int t = target.find(b.schema.fields[i].name);
        m.schema.fields.push_back(target.fields[size_t(t)]);
        m.columns.push_back(std::move(b.columns[i]));
      }
      m.rows_without_columns = b.num_rows();
      deliver(std::move(m));
    } else {
      Batch typed;
      typed.schema = target;
      typed.columns = std::move(b.columns);
      deliver(std::move(typed));
    }
  }
}

void FileLoad::read_json() {
  if (!req_.transform)
    throw InternalError("COPY from JSON reads documents through a transformation ($1)");
  formats::NdjsonReadOptions o;
  o.documents_as_text = true;
  o.strip_outer_array = req_.format.strip_outer_array;
  o.allow_duplicate_keys = req_.format.allow_duplicate;
  o.compression = req_.format.compression;
  o.encoding = req_.format.encoding == "UTF8" ? "UTF-8" : req_.format.encoding;
  o.on_error = [this](const formats::RecordError& e) { on_reader_error(e); };
  formats::NdjsonReader reader(file_.location, o);
  Batch b;
  while (!should_stop() && reader.next(b)) {
    rows_seen_ += b.num_rows();
    transform(b);
  }
}

void FileLoad::read_parquet() {
  formats::FileReadOptions o;
  o.format = formats::FileFormat::kParquet;
  auto reader = formats::open_batch_reader(file_.location, o);
  Schema target = target_schema();
  const Schema& fs = reader->schema();
  if (req_.transform) {
    // Each row is an object, $1 (Snowflake's rule): {"column": value, ...} as JSON text.
    Batch b;
    std::string text;
    while (!should_stop() && reader->next(b)) {
      rows_seen_ += b.num_rows();
      Batch docs;
      docs.schema.fields.emplace_back("$1", exec::varchar_type());
      docs.columns.emplace_back(exec::varchar_type());
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        text = "{";
        for (size_t c = 0; c < b.columns.size(); ++c) {
          if (c) text += ',';
          text += '"';
          for (char ch : fs.fields[c].name) {
            if (ch == '"' || ch == '\\') text += '\\';
            text += ch;
          }
          text += "\":";
          if (b.columns[c].is_null(r)) text += "null";
          else columnar::append_value_json(b.columns[c], r, text);
        }
        text += '}';
        docs.columns[0].append_string(text);
      }
      transform(docs);
    }
    return;
  }
  if (req_.match == MatchByColumnName::kNone)
    throw InternalError("COPY from Parquet without MATCH_BY_COLUMN_NAME reads rows through a transformation ($1)");
  std::vector<std::pair<int, int>> pairs;  // file column, target column
  for (size_t t = 0; t < target.fields.size(); ++t)
    for (size_t f = 0; f < fs.fields.size(); ++f)
      if (names_match(fs.fields[f].name, target.fields[t].name, req_.match)) {
        pairs.emplace_back(int(f), int(t));
        break;
      }
  Batch b;
  while (!should_stop() && reader->next(b)) {
    rows_seen_ += b.num_rows();
    Batch out = convert_rows(b, [&](const Batch& in) {
      Batch m;
      for (auto [f, t] : pairs) {
        const Field& tf = target.fields[size_t(t)];
        m.schema.fields.push_back(tf);
        const Column& c = in.columns[size_t(f)];
        m.columns.push_back(c.type() == tf.type ? c.copy() : columnar::cast_column(c, tf.type, tf.name));
      }
      m.rows_without_columns = in.num_rows();
      return m;
    });
    deliver(std::move(out));
  }
}

FileOutcome FileLoad::run(std::vector<iceberg::DataFile>& data_files, std::vector<std::string>& written,
                          std::vector<Batch>& validation_rows, std::mutex& mu) {
  FileOutcome out;
  auto& e = out.entry;
  e.load_id = req_.load_id;
  e.table_uuid = req_.table->table_uuid;
  e.table_name = req_.table_name;
  e.file = file_.location;
  e.file_size = int64_t(file_.size);
  e.file_modified_ms = file_.modified_ms;
  e.pipe = req_.pipe;
  e.checksum = file_checksum(file_.location);
  bool structural_failure = false;
  try {
    switch (req_.format.type) {
      case FileType::kCsv: read_csv(); break;
      case FileType::kParquet: read_parquet(); break;
      case FileType::kJson: read_json(); break;
    }
  } catch (const UnsupportedError&) {
    if (writer_) writer_->abort();
    throw;
  } catch (const Error& err) {
    // The file cannot be read on (unreadable, corrupt, cut short): an error of the file.
    if (writer_) writer_->abort();
    writer_.reset();
    if (req_.on_error.mode == OnError::kAbortStatement && !validating()) throw;
    RowError r;
    r.message = err.what();
    add_error(std::move(r));
    structural_failure = true;
  }
  int64_t parsed = rows_ok_ + errors_;
  bool skip = structural_failure;
  if (!validating()) {
    if (errors_ > 0 && req_.on_error.mode == OnError::kAbortStatement) {
      if (writer_) writer_->abort();
      throw InvalidInputError(first_error_->message);
    }
    if (req_.on_error.mode == OnError::kSkipFile) {
      if (req_.on_error.skip_file_percent >= 0)
        skip |= parsed > 0 && errors_ * 100.0 >= req_.on_error.skip_file_percent * double(parsed) && errors_ > 0;
      else
        skip |= errors_ >= req_.on_error.skip_file_errors;
    }
  } else if (req_.validation == ValidationMode::kReturnRows && errors_ > 0) {
    throw InvalidInputError(first_error_->message);
  }
  if (skip && writer_) {
    writer_->abort();
    writer_.reset();
  }
  e.rows_parsed = parsed;
  e.errors_seen = errors_;
  e.rows_loaded = skip ? 0 : rows_ok_;
  switch (req_.on_error.mode) {
    case OnError::kAbortStatement: e.error_limit = 1; break;
    case OnError::kContinue: e.error_limit = parsed; break;
    case OnError::kSkipFile:
      e.error_limit = req_.on_error.skip_file_percent >= 0
                          ? int64_t(std::ceil(req_.on_error.skip_file_percent * double(parsed) / 100.0))
                          : req_.on_error.skip_file_errors;
      break;
  }
  if (skip || (errors_ > 0 && rows_ok_ == 0)) e.status = "LOAD_FAILED";
  else if (errors_ > 0) e.status = "PARTIALLY_LOADED";
  else e.status = "LOADED";
  if (first_error_) {
    e.first_error = first_error_->message;
    e.first_error_line = first_error_->line;
    e.first_error_character = first_error_->character;
    e.first_error_column = first_error_->column;
  }
  e.load_time_ms = iceberg::now_ms();
  for (auto& r : rejected_) {
    catalog::RejectedRecord rr;
    rr.load_id = req_.load_id;
    rr.table_uuid = e.table_uuid;
    rr.file = file_.location;
    rr.line = r.line;
    rr.character = r.character;
    rr.column = r.column;
    rr.error = r.message;
    rr.record = r.record;
    out.rejected.push_back(std::move(rr));
  }
  std::vector<iceberg::DataFile> files;
  if (writer_) {
    try {
      files = writer_->finish();
    } catch (...) {
      writer_->abort();
      throw;
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  if (writer_) written.insert(written.end(), writer_->written_locations().begin(), writer_->written_locations().end());
  for (auto& f : files) data_files.push_back(std::move(f));
  for (auto& b : kept_) validation_rows.push_back(std::move(b));
  return out;
}

}  // namespace

ErrorPolicy ErrorPolicy::parse(const std::string& text) {
  std::string t = upper(text);
  ErrorPolicy p;
  if (t == "ABORT_STATEMENT") return p;
  if (t == "CONTINUE") {
    p.mode = OnError::kContinue;
    return p;
  }
  if (t == "SKIP_FILE") {
    p.mode = OnError::kSkipFile;
    return p;
  }
  if (t.rfind("SKIP_FILE_", 0) == 0) {
    std::string n = t.substr(10);
    bool percent = !n.empty() && n.back() == '%';
    if (percent) n.pop_back();
    char* end = nullptr;
    double v = std::strtod(n.c_str(), &end);
    if (!n.empty() && end && *end == '\0' && v > 0 && (percent || v == std::floor(v))) {
      p.mode = OnError::kSkipFile;
      if (percent) p.skip_file_percent = v;
      // A count past int64_t's range is one no file reaches.
      else p.skip_file_errors = v >= 9.2e18 ? std::numeric_limits<int64_t>::max() : int64_t(v);
      return p;
    }
  }
  throw InvalidInputError(fmt::format(
      "ON_ERROR = {} is not valid (CONTINUE, SKIP_FILE, SKIP_FILE_<n>, 'SKIP_FILE_<n>%' or ABORT_STATEMENT)", text));
}

Schema copy_raw_schema(int raw_columns) {
  Schema s;
  for (int i = 0; i < raw_columns; ++i) s.fields.emplace_back(fmt::format("${}", i + 1), exec::varchar_type());
  s.fields.emplace_back("metadata$filename", exec::varchar_type());
  s.fields.emplace_back("metadata$file_row_number", exec::bigint_type());
  s.fields.emplace_back("metadata$file_last_modified", DataType::timestamp_tz());
  s.fields.emplace_back("metadata$start_scan_time", DataType::timestamp_tz());
  return s;
}

CopyIntoTableResult copy_into_table(io::FileIO& table_io, const CopyIntoTableRequest& req) {
  CopyIntoTableResult result;
  const Schema& table_schema = req.table->current_schema().schema;
  std::vector<int> targets;
  if (req.columns.empty()) {
    for (size_t i = 0; i < table_schema.fields.size(); ++i) targets.push_back(int(i));
  } else {
    for (const auto& c : req.columns) {
      int f = -1;
      for (size_t i = 0; i < table_schema.fields.size(); ++i)
        if (upper(table_schema.fields[i].name) == upper(c)) f = int(i);
      if (f < 0) throw InvalidInputError(fmt::format("table {} has no column '{}'", req.table_name, c));
      targets.push_back(f);
    }
    auto has_default = [&](const std::string& name) {
      for (const auto& d : req.defaults)
        if (d.first == name) return true;
      return false;
    };
    for (size_t i = 0; i < table_schema.fields.size(); ++i)
      if (!table_schema.fields[i].nullable && std::find(targets.begin(), targets.end(), int(i)) == targets.end() &&
          !has_default(table_schema.fields[i].name))
        throw InvalidInputError(fmt::format("column '{}' of {} is NOT NULL and gets no value from the COPY",
                                            table_schema.fields[i].name, req.table_name));
  }
  if (req.transform && req.transform->columns.size() != targets.size())
    throw InvalidInputError(fmt::format("the COPY's SELECT gives {} columns for {} target columns",
                                        req.transform->columns.size(), targets.size()));

  // Files to load: new ones (or all with FORCE), up to SIZE_LIMIT.
  std::vector<const io::FileInfo*> to_load;
  std::vector<std::string> sums(req.files.size());
  int64_t bytes = 0;
  for (const auto& f : req.files) {
    if (req.size_limit >= 0 && bytes > req.size_limit && !to_load.empty()) break;
    if (!req.force && !req.loaded.empty()) {
      std::string sum = file_checksum(f.location);
      if (req.loaded.count({f.location, sum})) {
        ++result.files_skipped_as_loaded;
        continue;
      }
    }
    to_load.push_back(&f);
    bytes += int64_t(f.size);
  }
  int64_t scan_time = iceberg::now_ms();
  std::vector<FileOutcome> outcomes(to_load.size());
  std::mutex mu;
  try {
    // Files in parallel; a single file uses the threads to parse and encode.
    int threads = std::max(1, req.threads);
    int per_file = to_load.size() == 1 ? threads : 1;
    parallel_for(int64_t(to_load.size()), threads, [&](int64_t i) {
      FileLoad load(table_io, req, *to_load[size_t(i)], table_schema, targets, scan_time, per_file);
      outcomes[size_t(i)] = load.run(result.data_files, result.written, result.validation_batches, mu);
    });
  } catch (...) {
    io::remove_quietly(table_io, result.written);
    throw;
  }
  for (auto& o : outcomes) {
    result.rows_loaded += o.entry.rows_loaded;
    result.files.push_back(std::move(o));
  }
  if (req.validation == ValidationMode::kReturnRows) {
    Schema s;
    for (int t : targets) s.fields.push_back(table_schema.fields[size_t(t)]);
    result.validation_schema = s;
  }
  return result;
}

}  // namespace floe::ingest
