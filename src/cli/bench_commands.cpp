// `floe bench ...`: benchmark data generators. Layer: cli; the generators live in
// src/bench, the writers in src/formats.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "base/civil_time.h"
#include "base/error.h"
#include "bench/clickstream_generator.h"
#include "cli/commands.h"
#include "formats/csv/csv_writer.h"
#include "formats/json/ndjson_writer.h"

namespace floe::cli {

namespace {

enum class HourFileFormat { kCsv, kJson };

struct ClickstreamArgs {
  int64_t rows = 1'000'000;
  int days = 10;
  uint64_t seed = 42;
  std::string start_date = "2024-01-01";
  std::string out;
  std::string format = "csv";
};

// Writes one hour's batch as DIR/clicks.<ext>; returns the file's path. One case per
// output format.
std::string write_hour(const columnar::Batch& batch, const std::filesystem::path& dir,
                       HourFileFormat format) {
  switch (format) {
    case HourFileFormat::kCsv: {
      std::string path = (dir / "clicks.csv").string();
      formats::CsvWriter writer(path, batch.schema);
      writer.write(batch);
      writer.close();
      return path;
    }
    case HourFileFormat::kJson: {
      std::string path = (dir / "clicks.json").string();
      formats::NdjsonWriter writer(path, batch.schema);
      writer.write(batch);
      writer.close();
      return path;
    }
  }
  throw InternalError("unhandled hour file format");
}

HourFileFormat hour_file_format(const std::string& name) {
  if (name == "csv") return HourFileFormat::kCsv;
  if (name == "json" || name == "ndjson") return HourFileFormat::kJson;
  throw InvalidInputError(fmt::format("--format '{}': expected csv or json", name));
}

// DIR/YYYY/MM/DD/HH: the layout a delivery stream (e.g. Firehose) lands files in.
std::filesystem::path hour_dir(const std::filesystem::path& root, int32_t day, int hour) {
  CivilDate d = civil_from_days(day);
  return root / fmt::format("{:04}", d.year) / fmt::format("{:02}", d.month) /
         fmt::format("{:02}", d.day) / fmt::format("{:02}", hour);
}

void run_clickstream(const ClickstreamArgs& a) {
  HourFileFormat format = hour_file_format(a.format);
  auto t0 = std::chrono::steady_clock::now();
  bench::ClickstreamGenerator gen(a.seed, a.rows, a.days, a.start_date);
  columnar::Batch batch;
  int day = 0, hour = 0;
  int64_t files = 0, rows = 0;
  while (gen.next_hour(batch, &day, &hour)) {
    if (batch.num_rows() == 0) continue;  // a stream delivers no file for an empty hour
    std::filesystem::path dir = hour_dir(a.out, gen.start_day() + day, hour);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw IoError(fmt::format("{}: cannot create directory: {}", dir.string(), ec.message()));
    write_hour(batch, dir, format);
    ++files;
    rows += batch.num_rows();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("clickstream: wrote {} files, {} rows to {} in {:.2f} s ({:.0f} rows/s)\n", files,
             rows, a.out, secs, secs > 0 ? double(rows) / secs : 0.0);
}

}  // namespace

void register_bench_commands(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmark data generators");
  bench->require_subcommand(1);
  auto* gen = bench->add_subcommand("gen", "Generate a benchmark data set");
  gen->require_subcommand(1);

  auto args = std::make_shared<ClickstreamArgs>();
  auto* click = gen->add_subcommand(
      "clickstream", "Web-analytics clicks (docs/BENCHMARKS.md), one file per hour as "
                     "OUT/YYYY/MM/DD/HH/clicks.csv");
  click->add_option("--rows", args->rows, "Total rows")->capture_default_str()->check(CLI::NonNegativeNumber);
  click->add_option("--days", args->days, "Days the rows spread over")->capture_default_str()->check(CLI::PositiveNumber);
  click->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  click->add_option("--start-date", args->start_date, "First day (YYYY-MM-DD)")->capture_default_str();
  click->add_option("--out", args->out, "Output directory")->required();
  click->add_option("--format", args->format, "csv or json")->capture_default_str()->check(CLI::IsMember({"csv", "json"}));
  click->callback([args] { run_clickstream(*args); });
}

}  // namespace floe::cli
