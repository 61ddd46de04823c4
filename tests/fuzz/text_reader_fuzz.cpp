// libFuzzer target: arbitrary bytes as a CSV file and as an NDJSON file (sniffing, type
// inference, quoting, decompression by magic bytes), read with options taken from the
// first byte: the Snowflake file format options (escapes outside quotes, no quoting,
// blank lines as rows, UTF-8 repair, Latin-1 and UTF-16 input, tiny record limits,
// documents as text, duplicate keys) and an error sink that checks each report.
// Only floe::Error may come out.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "formats/csv/csv_reader.h"
#include "formats/json/ndjson_reader.h"

namespace {

std::string scratch_path() {
  static std::string path = (std::filesystem::temp_directory_path() /
                             ("floe_text_fuzz_" + std::to_string(::getpid())))
                                .string();
  return path;
}

// A report must describe a place in the file: a broken one is a bug.
void check_report(const floe::formats::RecordError& e) {
  if (e.line < 1 || e.character < 0 || e.column_index < 0 || e.message.empty() ||
      e.record.size() > floe::formats::kMaxRejectedRecordBytes ||
      (e.column_index == 0 && !e.column_name.empty()))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first byte picks the options; the rest is the file.
  const uint8_t knobs = size > 0 ? data[0] : 0;
  if (size > 0) {
    ++data;
    --size;
  }
  std::string path = scratch_path();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  floe::columnar::Batch batch;
  for (bool with_sink : {false, true}) {
    try {
      floe::formats::CsvReadOptions o;
      o.batch_rows = 7;
      if (knobs & 1) o.escape_unenclosed = '\\';
      if (knobs & 2) o.quoting = false;
      if (knobs & 4) o.skip_blank_lines = false;
      if (knobs & 8) o.replace_invalid_utf8 = true;
      if (knobs & 16) o.validate_utf8 = false;
      if (knobs & 32) o.max_record_bytes = 1 + knobs % 61;
      if (knobs & 64) o.encoding = knobs & 128 ? "UTF-16" : "ISO-8859-1";
      if (knobs & 128) o.error_on_column_count_mismatch = false;
      if (with_sink) o.on_error = check_report;
      floe::formats::CsvReader reader(path, o);
      while (reader.next(batch)) {
      }
    } catch (const floe::Error&) {
    }
    try {
      floe::formats::NdjsonReadOptions o;
      o.batch_rows = 7;
      if (knobs & 1) o.documents_as_text = true;
      if (knobs & 2) o.strip_outer_array = false;
      if (knobs & 4) o.allow_duplicate_keys = false;
      if (knobs & 32) o.max_record_bytes = 1 + knobs % 61;
      if (knobs & 64) o.encoding = "ISO-8859-1";
      if (with_sink) o.on_error = check_report;
      floe::formats::NdjsonReader reader(path, o);
      while (reader.next(batch)) {
      }
    } catch (const floe::Error&) {
    }
  }
  return 0;
}
