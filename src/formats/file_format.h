// FileFormat: which reader/writer a file path calls for (Parquet, CSV, NDJSON), chosen
// from an explicit name or the file's extension. Layer: formats.
#pragma once

#include <string>
#include <string_view>

namespace floe::formats {

enum class FileFormat { kParquet, kCsv, kNdjson };

// "parquet", "csv", "tsv" (CSV), "json"/"ndjson"/"jsonl"; throws InvalidInputError otherwise.
FileFormat file_format_from_name(std::string_view name);
// From the path's extension, ignoring a trailing compression suffix (.gz, .zst).
// Throws InvalidInputError naming the path when the extension says nothing.
FileFormat file_format_from_path(std::string_view path);
std::string_view file_format_name(FileFormat f);
// For files being read: the extension when it names a format, else the content (Parquet's
// PAR1/PARE magic); throws InvalidInputError naming the path when neither tells.
FileFormat detect_file_format(const std::string& path);

}  // namespace floe::formats
