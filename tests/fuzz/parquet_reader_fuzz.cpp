// libFuzzer target: arbitrary bytes as a Parquet file. Every row group of every column is
// read, whole and page by page (the page cursor a windowed scan uses); floe::Error is the
// only acceptable failure (no crash, hang or sanitizer report).
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "formats/parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    floe::parquet::ParquetReader reader(floe::io::open_memory_input({data, size}, "fuzz.parquet"));
    reader.set_chunk_memory_limit(int64_t(256) << 20);  // the fuzzer's RSS limit is 2 GiB
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
      try {
        reader.read_row_group(rg);
      } catch (const floe::Error&) {
      }
      const int64_t rows = reader.metadata().row_groups[size_t(rg)].num_rows;
      for (int f = 0; f < int(reader.schema().fields.size()); ++f) {
        try {
          auto cursor = reader.page_cursor(rg, f);
          if (!cursor) continue;
          std::vector<uint32_t> every_third;
          for (int64_t w = 0; w < rows; w += 4096) {
            floe::columnar::Column out(reader.schema().fields[size_t(f)].type);
            const int64_t end = std::min(rows, w + 4096);
            cursor->append_rows(w, end, out);
            every_third.clear();
            for (int64_t r = w; r < end; r += 3) every_third.push_back(uint32_t(r - w));
            cursor->take_rows(w, every_third);
          }
        } catch (const floe::Error&) {
        }
      }
    }
  } catch (const floe::Error&) {
  }
  return 0;
}
