#include "io/file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "base/error.h"

namespace floe::io {

TEST(LocalFile, WritesAtomicallyAndReadsBack) {
  auto dir = std::filesystem::temp_directory_path() / "floe_io_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "a.bin").string();
  std::filesystem::remove(path);
  {
    auto out = create_local_output(path);
    std::string big(5 << 20, 'x');
    out->write("hello", 5);
    out->write(big.data(), big.size());
    EXPECT_FALSE(std::filesystem::exists(path));  // not visible before close
    out->close();
  }
  auto in = open_local_input(path);
  EXPECT_EQ(in->size(), 5u + (5u << 20));
  auto s = in->read_at(0, 5);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.data()), 5), "hello");
  EXPECT_THROW(in->read_at(in->size() - 1, 2), CorruptDataError);
}

TEST(LocalFile, AbandonedWriterLeavesNothing) {
  auto dir = std::filesystem::temp_directory_path() / "floe_io_test2";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto out = create_local_output((dir / "b.bin").string());
    out->write("x", 1);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

TEST(LocalFile, MissingFileIsIoError) {
  try {
    open_local_input("/nonexistent/floe/file.parquet");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/floe/file.parquet"), std::string::npos);
  }
}

}  // namespace floe::io
