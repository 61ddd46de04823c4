// `floe file ...`: inspect and convert single files (Parquet, CSV, NDJSON).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>

#include "cli/batch_printer.h"
#include "cli/commands.h"
#include "formats/parquet/parquet_reader.h"

namespace floe::cli {

namespace {

struct CatOptions {
  std::string path;
  int64_t limit = 20;
  std::string columns;
  std::string format = "table";
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

void run_schema(const std::string& path) {
  auto reader = parquet::ParquetReader::open(path);
  fmt::print("{}", reader->schema().to_string());
}

void run_cat(const CatOptions& o) {
  auto reader = parquet::ParquetReader::open(o.path);
  std::vector<int> fields = reader->field_indices(split_list(o.columns));
  if (fields.empty())
    for (size_t i = 0; i < reader->schema().fields.size(); ++i) fields.push_back(int(i));
  columnar::Schema schema;
  for (int f : fields) schema.fields.push_back(reader->schema().fields[size_t(f)]);
  BatchPrinter printer(output_format_from_name(o.format), schema);
  int64_t left = o.limit;
  for (int rg = 0; rg < reader->num_row_groups() && left != 0; ++rg) {
    columnar::Batch b = reader->read_row_group(rg, fields);
    printer.print(b, 0, left);
    if (left > 0) left -= std::min(left, b.num_rows());
  }
  printer.finish();
}

}  // namespace

void register_file_commands(CLI::App& app) {
  auto* file = app.add_subcommand("file", "Inspect and convert Parquet, CSV and JSON files");
  file->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  auto* schema = file->add_subcommand("schema", "Print a Parquet file's schema");
  schema->add_option("FILE", *path, "Parquet file")->required();
  schema->callback([path] { run_schema(*path); });

  auto cat = std::make_shared<CatOptions>();
  auto* catc = file->add_subcommand("cat", "Print a Parquet file's rows");
  catc->add_option("FILE", cat->path, "Parquet file")->required();
  catc->add_option("--limit,-n", cat->limit, "Rows to print (-1 for all)")->capture_default_str();
  catc->add_option("--columns,-c", cat->columns, "Comma-separated columns to print");
  catc->add_option("--format,-f", cat->format, "table, csv or json")->capture_default_str();
  catc->callback([cat] { run_cat(*cat); });
}

}  // namespace floe::cli
