// `floe file ...`: inspect and convert single files (Parquet, CSV, NDJSON).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "base/civil_time.h"
#include "base/parallel_for.h"
#include "cli/batch_printer.h"
#include "cli/commands.h"
#include "cli/file_stats.h"
#include "formats/batch_file.h"
#include "formats/compression/codec.h"
#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_scan.h"
#include "formats/scan_predicate.h"
#include "io/file_io.h"

namespace floe::cli {

namespace {

struct CatOptions {
  std::string path;
  int64_t limit = 20;
  std::string columns;
  std::string format = "table";
  std::string filter;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool is_parquet(const std::string& path) {
  return formats::detect_file_format(path) == formats::FileFormat::kParquet;
}

void run_schema(const std::string& path) {
  if (is_parquet(path)) {
    fmt::print("{}", parquet::ParquetReader::open(path)->schema().to_string());
    return;
  }
  fmt::print("{}", formats::open_batch_reader(path)->schema().to_string());  // as inferred
}

// CSV and NDJSON: read in batches, then project and filter each.
void cat_text_file(const CatOptions& o) {
  auto reader = formats::open_batch_reader(o.path);
  const columnar::Schema& in = reader->schema();
  std::vector<int> fields;
  for (const auto& name : split_list(o.columns)) {
    int i = in.find(name);
    if (i < 0) throw InvalidInputError(fmt::format("{}: no column named '{}'", o.path, name));
    fields.push_back(i);
  }
  if (fields.empty())
    for (size_t i = 0; i < in.fields.size(); ++i) fields.push_back(int(i));
  formats::ScanPredicate predicate = formats::parse_scan_predicate(o.filter, in);
  columnar::Schema out_schema;
  for (int f : fields) out_schema.fields.push_back(in.fields[size_t(f)]);
  BatchPrinter printer(output_format_from_name(o.format), out_schema);
  int64_t left = o.limit;
  columnar::Batch b;
  while (left != 0 && reader->next(b)) {
    columnar::SelectionVector sel = formats::evaluate_predicate(predicate, b);
    columnar::Batch out;
    out.schema = out_schema;
    for (int f : fields) out.columns.push_back(b.columns[size_t(f)].take(sel));
    out.rows_without_columns = int64_t(sel.size());
    printer.print(out, 0, left);
    if (left > 0) left -= std::min(left, out.num_rows());
  }
  printer.finish();
}

void run_cat(const CatOptions& o) {
  if (!is_parquet(o.path)) {
    cat_text_file(o);
    return;
  }
  auto reader = parquet::ParquetReader::open(o.path);
  std::vector<int> fields = reader->field_indices(split_list(o.columns));
  parquet::ParquetScan scan(*reader, fields,
                            formats::parse_scan_predicate(o.filter, reader->schema()));
  BatchPrinter printer(output_format_from_name(o.format), scan.schema());
  int64_t left = o.limit;
  for (int rg = 0; rg < scan.num_row_groups() && left != 0; ++rg) {
    columnar::Batch b = scan.scan_row_group(rg, nullptr);
    printer.print(b, 0, left);
    if (left > 0) left -= std::min(left, b.num_rows());
  }
  printer.finish();
}

struct ScanOptions {
  std::string path;
  std::string columns;
  std::string filter;
  int threads = 0;
};

// Reads every value of the chosen columns (row groups in parallel) and reports what it
// read: a full decode, so it doubles as a file check and as the scan benchmark.
void run_scan(const ScanOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  auto reader = parquet::ParquetReader::open(o.path);
  std::vector<int> fields = reader->field_indices(split_list(o.columns));
  if (fields.empty())
    for (size_t i = 0; i < reader->schema().fields.size(); ++i) fields.push_back(int(i));
  int threads = o.threads > 0 ? o.threads : default_thread_count();
  std::atomic<int64_t> rows{0}, values_bytes{0};
  auto count = [&](const columnar::Batch& b, bool add_rows) {
    if (add_rows) rows += b.num_rows();
    int64_t bytes = 0;
    for (const auto& c : b.columns) bytes += int64_t(c.data_buffer().size());
    values_bytes += bytes;
  };
  parquet::PruneReport total;
  if (o.filter.empty()) {
    // One task per column chunk: uses every core even on a file of one row group.
    int64_t nf = int64_t(fields.size());
    parallel_for(reader->num_row_groups() * nf, threads, [&](int64_t task) {
      int rg = int(task / nf);
      columnar::Batch b = reader->read_row_group(rg, {fields[size_t(task % nf)]});
      count(b, task % nf == 0);
    });
  } else {
    parquet::ParquetScan scan(*reader, fields,
                              formats::parse_scan_predicate(o.filter, reader->schema()));
    std::mutex report_mutex;
    parallel_for(reader->num_row_groups(), threads, [&](int64_t rg) {
      parquet::PruneReport report;
      columnar::Batch b = scan.scan_row_group(int(rg), &report);
      count(b, true);
      std::lock_guard<std::mutex> lock(report_mutex);
      total.row_groups += report.row_groups;
      total.row_groups_pruned_by_statistics += report.row_groups_pruned_by_statistics;
      total.row_groups_pruned_by_bloom_filter += report.row_groups_pruned_by_bloom_filter;
      total.pages += report.pages;
      total.pages_pruned += report.pages_pruned;
      total.rows_kept += report.rows_kept;
      total.rows_total += report.rows_total;
    });
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("{} rows, {} row groups, {:.1f} MB of values decoded in {:.3f} s ({} threads)\n",
             rows.load(), reader->num_row_groups(), double(values_bytes.load()) / 1e6, secs,
             threads);
  if (!o.filter.empty())
    fmt::print("pruning: {} of {} row groups skipped by statistics, {} by bloom filters; "
               "{} of {} pages skipped by the page index; {} of {} rows read\n",
               total.row_groups_pruned_by_statistics, total.row_groups,
               total.row_groups_pruned_by_bloom_filter, total.pages_pruned, total.pages,
               total.rows_kept, total.rows_total);
}

struct ConvertOptions {
  std::string in, out;
  int threads = 0;
  std::string from, to;
  std::string compression = "zstd";
  int compression_level = 0;
  int64_t row_group_size = 1 << 20;
  int64_t page_size = 1 << 20;
  int data_page_version = 1;
  std::string bloom_filter_columns;
  bool no_dictionary = false;
  std::string delimiter;
  bool no_header = false;
  std::string null_text;
  bool has_null_text = false;
};

// pyarrow's and DuckDB's "lz4" means LZ4_RAW (the Hadoop framing is deprecated).
parquet::CompressionCodec parquet_codec(const std::string& name) {
  compression::Codec c = compression::codec_from_name(name);
  if (c == compression::Codec::kLz4Hadoop) c = compression::Codec::kLz4Raw;
  return parquet::to_parquet_codec(c);
}

void run_convert(const ConvertOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  formats::FileReadOptions ro;
  if (!o.from.empty()) ro.format = formats::file_format_from_name(o.from);
  if (!o.delimiter.empty()) {
    std::string d = o.delimiter == "\\t" || o.delimiter == "tab" ? "\t" : o.delimiter;
    if (d.size() != 1)
      throw InvalidInputError(fmt::format("--delimiter '{}' must be one character", d));
    ro.csv.delimiter = d[0];
  }
  if (o.no_header) ro.csv.header = false;
  if (o.has_null_text) ro.csv.null_if = {o.null_text};
  const int threads = o.threads > 0 ? o.threads : default_thread_count();
  ro.csv.threads = threads;  // a large uncompressed local CSV is parsed in parallel ranges
  formats::FileWriteOptions wo;
  if (!o.to.empty()) wo.format = formats::file_format_from_name(o.to);
  wo.parquet.compression = parquet_codec(o.compression);
  wo.parquet.threads = threads;
  wo.parquet.compression_level = o.compression_level;
  if (o.row_group_size <= 0 || o.page_size <= 0)
    throw InvalidInputError("--row-group-size and --page-size must be positive");
  wo.parquet.row_group_rows = o.row_group_size;
  wo.parquet.page_bytes = o.page_size;
  if (o.data_page_version != 1 && o.data_page_version != 2)
    throw InvalidInputError("--data-page-version must be 1 or 2");
  wo.parquet.data_page_version = o.data_page_version;
  wo.parquet.dictionary = !o.no_dictionary;
  wo.parquet.bloom_filter_columns = split_list(o.bloom_filter_columns);
  if (!o.delimiter.empty()) wo.csv.delimiter = ro.csv.delimiter.value_or(',');
  auto reader = formats::open_batch_reader(o.in, ro);
  auto writer = formats::create_batch_writer(o.out, reader->schema(), wo);
  columnar::Batch batch;
  int64_t rows = 0;
  while (reader->next(batch)) {
    writer->write(batch);
    rows += batch.num_rows();
  }
  writer->close();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  uint64_t bytes = 0;
  if (io::location_scheme(o.out) == "file") {
    std::error_code ec;
    bytes = std::filesystem::file_size(io::local_path(o.out), ec);
    if (ec) bytes = 0;
  } else {
    bytes = io::file_io_for(o.out)->open_input(o.out)->size();
  }
  fmt::print("{} rows -> {} ({} bytes) in {:.3f} s\n", rows, o.out, bytes, secs);
}

// One line per file under a local folder or an s3:// prefix: size, modified time, location.
void run_list(const std::string& prefix) {
  auto files = io::file_io_for(prefix)->list(prefix);
  std::sort(files.begin(), files.end(),
            [](const io::FileInfo& a, const io::FileInfo& b) { return a.location < b.location; });
  for (const auto& f : files)
    fmt::print("{}\t{}\t{}\n", f.size, format_timestamp(f.modified_ms, 1000), f.location);
}

}  // namespace

void register_file_commands(CLI::App& app) {
  auto* file = app.add_subcommand("file", "Inspect and convert Parquet, CSV and JSON files");
  file->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  auto* schema = file->add_subcommand("schema", "Print a file's schema (CSV/NDJSON: as inferred)");
  schema->add_option("FILE", *path, "Parquet, CSV or NDJSON file")->required();
  schema->callback([path] { run_schema(*path); });

  auto conv = std::make_shared<ConvertOptions>();
  auto* convc = file->add_subcommand(
      "convert", "Convert between Parquet, CSV and NDJSON (formats from the extensions)");
  convc->add_option("IN", conv->in, "Input file (.parquet, .csv, .tsv, .json, .ndjson; "
                                    ".gz/.zst compressed text is read too)")
      ->required();
  convc->add_option("OUT", conv->out, "Output file")->required();
  convc->add_option("--from", conv->from, "Input format when the extension does not say");
  convc->add_option("--to", conv->to, "Output format when the extension does not say");
  convc->add_option("--compression", conv->compression,
                    "Parquet codec: zstd, snappy, gzip, brotli, lz4_raw, none")
      ->capture_default_str();
  convc->add_option("--threads,-t", conv->threads,
                    "Threads parsing CSV and encoding Parquet column chunks "
                    "(default: all cores)");
  convc->add_option("--compression-level", conv->compression_level, "Codec level (0: default)");
  convc->add_option("--row-group-size", conv->row_group_size, "Rows per Parquet row group")
      ->capture_default_str();
  convc->add_option("--page-size", conv->page_size, "Target bytes per Parquet data page")
      ->capture_default_str();
  convc->add_option("--data-page-version", conv->data_page_version, "1 or 2")
      ->capture_default_str();
  convc->add_option("--bloom-filter", conv->bloom_filter_columns,
                    "Comma-separated columns to give bloom filters");
  convc->add_flag("--no-dictionary", conv->no_dictionary, "Never dictionary-encode");
  convc->add_option("--delimiter", conv->delimiter, "CSV delimiter (default: sniffed / ',')");
  convc->add_flag("--no-header", conv->no_header, "The input CSV has no header row");
  convc->add_option("--null", conv->null_text, "CSV text that means NULL (default: empty)")
      ->each([conv](const std::string&) { conv->has_null_text = true; });
  convc->callback([conv] { run_convert(*conv); });

  auto list_prefix = std::make_shared<std::string>();
  auto* list = file->add_subcommand("ls", "List the files under a folder or s3:// prefix "
                                          "(size, modified time, location)");
  list->add_option("PREFIX", *list_prefix, "Folder, or s3://bucket/prefix")->required();
  list->callback([list_prefix] { run_list(*list_prefix); });

  auto stats_path = std::make_shared<std::string>();
  auto* stats = file->add_subcommand("stats", "Print a Parquet file's row groups, column chunks "
                                              "and statistics");
  stats->add_option("FILE", *stats_path, "Parquet file")->required();
  stats->callback([stats_path] { print_parquet_stats(*stats_path); });

  auto scan = std::make_shared<ScanOptions>();
  auto* scanc = file->add_subcommand("scan", "Read and check every value of a Parquet file "
                                             "(reports rows and time)");
  scanc->add_option("FILE", scan->path, "Parquet file")->required();
  scanc->add_option("--columns,-c", scan->columns, "Comma-separated columns (default all)");
  scanc->add_option("--threads,-t", scan->threads, "Threads (default: all cores)");
  scanc->add_option("--filter", scan->filter,
                    "Keep rows where e.g. \"a = 1 AND b >= '2024-01-01'\" (prunes by "
                    "statistics, page index and bloom filters)");
  scanc->callback([scan] { run_scan(*scan); });

  auto cat = std::make_shared<CatOptions>();
  auto* catc = file->add_subcommand("cat", "Print a file's rows");
  catc->add_option("FILE", cat->path, "Parquet, CSV or NDJSON file")->required();
  catc->add_option("--limit,-n", cat->limit, "Rows to print (-1 for all)")->capture_default_str();
  catc->add_option("--columns,-c", cat->columns, "Comma-separated columns to print");
  catc->add_option("--format,-f", cat->format, "table, csv or json")->capture_default_str();
  catc->add_option("--filter", cat->filter,
                   "Keep rows where e.g. \"a = 1 AND b IN ('x','y') AND c IS NOT NULL\"");
  catc->callback([cat] { run_cat(*cat); });
}

}  // namespace floe::cli
