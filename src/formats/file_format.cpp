#include "formats/file_format.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/error.h"
#include "io/file_io.h"

namespace floe::formats {

static std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
  return r;
}

FileFormat file_format_from_name(std::string_view name) {
  std::string n = lower(name);
  if (n == "parquet") return FileFormat::kParquet;
  if (n == "csv" || n == "tsv" || n == "txt") return FileFormat::kCsv;
  if (n == "json" || n == "ndjson" || n == "jsonl") return FileFormat::kNdjson;
  throw InvalidInputError(
      fmt::format("unknown file format '{}': expected parquet, csv or json", name));
}

FileFormat file_format_from_path(std::string_view path) {
  std::string p = lower(path);
  for (std::string_view suffix : {".gz", ".gzip", ".zst", ".zstd"})
    if (p.size() > suffix.size() && p.ends_with(suffix)) p.resize(p.size() - suffix.size());
  size_t dot = p.rfind('.');
  size_t slash = p.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    throw InvalidInputError(fmt::format(
        "{}: cannot tell the file format from the name; say it with --format", path));
  try {
    return file_format_from_name(p.substr(dot + 1));
  } catch (const Error&) {
    throw InvalidInputError(fmt::format(
        "{}: cannot tell the file format from the extension; say it with --format", path));
  }
}

FileFormat detect_file_format(const std::string& path) {
  try {
    return file_format_from_path(path);
  } catch (const InvalidInputError&) {
    char magic[4] = {};
    size_t n = 0;
    if (io::location_scheme(path) == "file") {
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (f) {
        n = std::fread(magic, 1, 4, f);
        std::fclose(f);
      }
    } else {
      auto in = io::file_io_for(path)->open_input(path);
      if (in->size() >= 4) {
        in->read_into(0, 4, magic);
        n = 4;
      }
    }
    if (n == 4 && (std::memcmp(magic, "PAR1", 4) == 0 || std::memcmp(magic, "PARE", 4) == 0))
      return FileFormat::kParquet;
    throw;
  }
}

std::string_view file_format_name(FileFormat f) {
  switch (f) {
    case FileFormat::kParquet: return "parquet";
    case FileFormat::kCsv: return "csv";
    case FileFormat::kNdjson: return "json";
  }
  return "?";
}

}  // namespace floe::formats
