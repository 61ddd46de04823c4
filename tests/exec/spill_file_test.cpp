// Spill files: every column type comes back exactly as written (values, NULLs, empty
// strings, nested children), batch by batch; partitions split by hash bits; the per-query
// folder disappears with its owner; a folder that cannot be made is a clear IoError.
#include "exec/spill_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "columnar/value_text.h"

namespace floe::exec {
namespace {

namespace fs = std::filesystem;
using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

std::string text_of(const Column& c, int64_t row) {
  if (c.is_null(row)) return "NULL";
  std::string s;
  columnar::append_value_text(c, row, s);
  return s;
}

void expect_same(const Column& a, const Column& b) {
  ASSERT_EQ(a.type(), b.type());
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.null_count(), b.null_count());
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(text_of(a, i), text_of(b, i)) << "row " << i;
  ASSERT_EQ(a.num_children(), b.num_children());
  for (size_t i = 0; i < a.num_children(); ++i) expect_same(a.child(i), b.child(i));
}

// Three rows of every type floe has: a value, NULL, and an edge value (empty, NaN, min).
Batch every_type() {
  Batch b;
  auto add = [&](std::string name, Column c) {
    b.schema.fields.emplace_back(std::move(name), c.type());
    b.columns.push_back(std::move(c));
  };
  auto fixed = [&](std::string name, DataType t, auto v, auto edge) {
    Column c(t);
    c.append(v);
    c.append_null();
    c.append(edge);
    add(std::move(name), std::move(c));
  };
  fixed("b", DataType(TypeId::kBoolean), uint8_t(1), uint8_t(0));
  fixed("i8", DataType(TypeId::kInt8), int8_t(-3), int8_t(-128));
  fixed("i16", DataType(TypeId::kInt16), int16_t(300), int16_t(-32768));
  fixed("i32", DataType(TypeId::kInt32), int32_t(70000), int32_t(0));
  fixed("i64", DataType(TypeId::kInt64), int64_t(1) << 40, int64_t(-1));
  fixed("u8", DataType(TypeId::kUInt8), uint8_t(200), uint8_t(0));
  fixed("u16", DataType(TypeId::kUInt16), uint16_t(60000), uint16_t(1));
  fixed("u32", DataType(TypeId::kUInt32), uint32_t(4000000000u), uint32_t(2));
  fixed("u64", DataType(TypeId::kUInt64), uint64_t(1) << 63, uint64_t(3));
  fixed("f32", DataType(TypeId::kFloat32), 1.5f, -0.0f);
  fixed("f64", DataType(TypeId::kFloat64), 2.25, std::nan(""));
  fixed("dec", DataType::decimal(20, 3), __int128(123456789012345), __int128(-5));
  fixed("date", DataType(TypeId::kDate), int32_t(19000), int32_t(-1));
  fixed("time", DataType::time(), int64_t(3600000000), int64_t(0));
  fixed("ts", DataType::timestamp(), int64_t(1700000000000000), int64_t(-1));
  fixed("tstz", DataType::timestamp_tz(), int64_t(1700000000000000), int64_t(0));
  auto strings = [&](std::string name, DataType t) {
    Column c(t);
    c.append_string("floe");
    c.append_null();
    c.append_string("");
    add(std::move(name), std::move(c));
  };
  strings("s", DataType(TypeId::kString));
  strings("bin", DataType(TypeId::kBinary));
  strings("variant", DataType(TypeId::kString));  // VARIANT values travel as JSON text
  {
    Column c(DataType::fixed_binary(3));
    c.append_fixed("abc");
    c.append_null();
    c.append_fixed(std::string_view("\0\0\0", 3));
    add("fixed", std::move(c));
  }
  {
    Column c{DataType(TypeId::kUuid)};
    c.append_fixed(std::string(16, '\x11'));
    c.append_null();
    c.append_fixed(std::string(16, '\0'));
    add("uuid", std::move(c));
  }
  {
    Column c(DataType::struct_of(
        {Field("a", DataType(TypeId::kInt64)), Field("t", DataType(TypeId::kString))}));
    c.child(0).append<int64_t>(1);
    c.child(1).append_string("x");
    c.append_struct_valid();
    c.append_null();
    c.child(0).append_null();
    c.child(1).append_string("");
    c.append_struct_valid();
    add("st", std::move(c));
  }
  {
    Column c(DataType::list_of(Field("element", DataType(TypeId::kInt32))));
    c.child(0).append<int32_t>(1);
    c.child(0).append_null();
    c.append_list_end();
    c.append_null();
    c.append_list_end();  // empty list
    add("list", std::move(c));
  }
  {
    Column c(DataType::map_of(Field("key", DataType(TypeId::kString), false),
                              Field("value", DataType(TypeId::kFloat64))));
    Column& entries = c.child(0);
    entries.child(0).append_string("k");
    entries.child(1).append<double>(0.5);
    entries.append_struct_valid();
    c.append_list_end();
    c.append_null();
    c.append_list_end();
    add("map", std::move(c));
  }
  b.rows_without_columns = 3;
  return b;
}

TEST(SpillFile, EveryTypeRoundTrips) {
  SpillDirectory dir;
  SpillFile file(dir);
  Batch b = every_type();
  file.append(b);
  file.append(b);
  EXPECT_EQ(file.rows(), 6);
  EXPECT_EQ(file.batches(), 2);
  EXPECT_GT(file.bytes(), 0);
  EXPECT_EQ(dir.rows_written.load(), 6);
  EXPECT_EQ(dir.bytes_written.load(), file.bytes());
  SpillFile::Reader reader(file);
  Batch back;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(reader.next(back));
    ASSERT_EQ(back.num_rows(), 3);
    ASSERT_EQ(back.columns.size(), b.columns.size());
    EXPECT_EQ(back.schema.fields[4].name, "i64");
    for (size_t c = 0; c < b.columns.size(); ++c) {
      SCOPED_TRACE(b.schema.fields[c].name);
      expect_same(b.columns[c], back.columns[c]);
    }
  }
  EXPECT_FALSE(reader.next(back));
}

TEST(SpillFile, SlicesAndEmptyFiles) {
  SpillDirectory dir;
  SpillFile empty(dir);
  {
    SpillFile::Reader reader(empty);
    Batch b;
    EXPECT_FALSE(reader.next(b));
  }
  // A slice of a column keeps its own offsets and validity.
  Batch b = every_type();
  Batch tail;
  tail.schema = b.schema;
  for (const auto& c : b.columns) tail.columns.push_back(c.slice(1, 2));
  SpillFile file(dir);
  file.append(tail);
  SpillFile::Reader reader(file);
  Batch back;
  ASSERT_TRUE(reader.next(back));
  for (size_t c = 0; c < b.columns.size(); ++c) expect_same(tail.columns[c], back.columns[c]);
}

TEST(SpillFile, FolderIsRemovedWithItsOwner) {
  fs::path folder;
  {
    SpillDirectory dir;
    SpillFile file(dir);
    file.append(every_type());
    file.finish_writing();
    folder = file.path().parent_path();
    EXPECT_TRUE(fs::exists(file.path()));
    EXPECT_EQ(folder.parent_path(), fs::temp_directory_path());
  }
  EXPECT_FALSE(fs::exists(folder));
}

TEST(SpillFile, UnusableFolderIsAClearError) {
  // A parent that is a regular file: no folder can be made inside it.
  fs::path blocker = fs::temp_directory_path() / fmt::format("floe-spill-test-{}", ::getpid());
  std::ofstream(blocker) << "not a folder";
  {
    SpillDirectory dir(blocker / "inner");
    SpillFile file(dir);
    try {
      file.append(every_type());
      FAIL() << "expected IoError";
    } catch (const IoError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find("spilling to " + (blocker / "inner").string()), std::string::npos) << m;
      EXPECT_NE(m.find("temp_directory"), std::string::npos) << m;
    }
  }
  fs::remove(blocker);
}

TEST(SpillPartitions, SplitByHighHashBits) {
  SpillDirectory dir;
  SpillPartitions parts(dir, 0);
  Batch b;
  b.schema.fields.emplace_back("x", DataType(TypeId::kInt64));
  b.columns.emplace_back(DataType(TypeId::kInt64));
  std::vector<uint64_t> hashes;
  for (int64_t i = 0; i < 64; ++i) {
    b.columns[0].append<int64_t>(i);
    hashes.push_back(uint64_t(i % 4) << 60);  // partitions 0..3 at level 0
  }
  parts.append_by_hash(b, hashes);
  EXPECT_EQ(parts.rows(), 64);
  for (int p = 0; p < SpillPartitions::kCount; ++p) {
    SpillFile* f = parts.file(p);
    if (p >= 4) {
      EXPECT_EQ(f, nullptr);
      continue;
    }
    ASSERT_NE(f, nullptr);
    SpillFile::Reader reader(*f);
    Batch back;
    ASSERT_TRUE(reader.next(back));
    ASSERT_EQ(back.num_rows(), 16);
    for (int64_t i = 0; i < 16; ++i) EXPECT_EQ(back.columns[0].value<int64_t>(i) % 4, p);
  }
  // The next level reads the next four bits.
  EXPECT_EQ(SpillPartitions::partition_of(uint64_t(5) << 56, 1), 5);
  EXPECT_EQ(SpillPartitions::partition_of(uint64_t(5) << 56, 0), 0);
}

}  // namespace
}  // namespace floe::exec
