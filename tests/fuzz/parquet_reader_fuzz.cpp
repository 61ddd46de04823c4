// libFuzzer target: arbitrary bytes as a Parquet file. Every row group of every column is
// read; floe::Error is the only acceptable failure (no crash, hang or sanitizer report).
#include <cstddef>
#include <cstdint>

#include "formats/parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    floe::parquet::ParquetReader reader(floe::io::open_memory_input({data, size}, "fuzz.parquet"));
    reader.set_chunk_memory_limit(int64_t(256) << 20);  // the fuzzer's RSS limit is 2 GiB
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) reader.read_row_group(rg);
  } catch (const floe::Error&) {
  }
  return 0;
}
