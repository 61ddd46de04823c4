// Every input a fuzzer once crashed floe with (tests/fuzz/regressions/) is read again:
// each must now either read or fail with a floe::Error, under the sanitizers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "base/error.h"
#include "formats/parquet/parquet_reader.h"

namespace floe {

TEST(FuzzRegression, ParquetReaderInputsFailCleanly) {
  std::filesystem::path dir =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "fuzz/regressions/parquet_reader";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    ++files;
    try {
      parquet::ParquetReader reader(io::open_memory_input(bytes, entry.path().string()));
      for (int rg = 0; rg < reader.num_row_groups(); ++rg) reader.read_row_group(rg);
    } catch (const Error&) {
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace floe
