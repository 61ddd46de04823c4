// libFuzzer target: arbitrary bytes as a CSV file and as an NDJSON file (sniffing, type
// inference, quoting, decompression by magic bytes). Only floe::Error may come out.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = scratch_path();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  floe::columnar::Batch batch;
  try {
    floe::formats::CsvReadOptions o;
    o.batch_rows = 7;
    floe::formats::CsvReader reader(path, o);
    while (reader.next(batch)) {
    }
  } catch (const floe::Error&) {
  }
  try {
    floe::formats::NdjsonReadOptions o;
    o.batch_rows = 7;
    floe::formats::NdjsonReader reader(path, o);
    while (reader.next(batch)) {
    }
  } catch (const floe::Error&) {
  }
  return 0;
}
