// Parallel CSV parsing (CsvReadOptions::threads) must return exactly what a sequential read
// returns: the same rows in the same order and the same error reports, on files whose
// quoted fields hold line breaks that make the guessed range starts wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "columnar/value_text.h"
#include "formats/csv/csv_reader.h"

namespace floe::formats {
namespace {

using columnar::Batch;

class CsvParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("floe_csv_parallel_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
};

struct Result {
  std::vector<std::string> rows;  // each row's cells joined by '|'
  std::vector<std::string> errors;
  size_t batches = 0;
};

Result read(const std::string& path, CsvReadOptions opt) {
  Result res;
  opt.on_error = [&](const CsvError& e) {
    res.errors.push_back(fmt::format("{}|{}|{}|{}|{}|{}|{}", e.line, e.character, e.column_index,
                                     e.column_name, e.text, e.record, e.message));
  };
  CsvReader reader(path, opt);
  Batch b;
  while (reader.next(b)) {
    ++res.batches;
    EXPECT_GT(b.num_rows(), 0);
    EXPECT_LE(b.num_rows(), opt.batch_rows);
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string row;
      for (const auto& c : b.columns) {
        if (c.is_null(r))
          row += "NULL";
        else
          columnar::append_value_text(c, r, row);
        row += '|';
      }
      res.rows.push_back(std::move(row));
    }
  }
  EXPECT_EQ(reader.rows_read(), int64_t(res.rows.size()));
  return res;
}

// Rows of every shape the reader handles, with bad ones among them.
std::string mixed_file(int rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string text = "id,name,amount,day,note\n";
  for (int i = 0; i < rows; ++i) {
    int kind = int(rng() % 40);
    std::string id = std::to_string(i);
    switch (kind) {
      case 0: text += id + ",bad number,12x,2024-01-01,n\n"; break;
      case 1: text += id + ",ragged,1\n"; break;
      case 2: text += "\n"; break;
      case 3: text += id + ",bad date,1.5,2024-02-31,n\n"; break;
      case 4: text += id + ",\"bad\xFFutf8\",2,2024-01-02,n\n"; break;
      case 5: text += id + ",\"junk\"after,2,2024-01-02,n\n"; break;
      case 6: text += id + ",long," + std::to_string(i) + ",2024-01-03,\"" +
                      std::string(3000, 'L') + "\nstill long\"\n";
        break;
      case 7: text += id + ",crlf,7,2024-01-04,x\r\n"; break;
      default: {
        // A quoted note with line breaks, doubled quotes and delimiters in it.
        std::string note;
        int lines = int(rng() % 4);
        for (int l = 0; l <= lines; ++l) {
          if (l) note += '\n';
          note += fmt::format("line {} of {}, \"\"q\"\" ", l, i);
        }
        text += fmt::format("{},name é {},{}.25,2024-03-{:02},\"{}\"\n", i, i, i % 1000,
                            1 + i % 28, note);
      }
    }
  }
  return text;
}

CsvReadOptions typed_options() {
  CsvReadOptions opt;
  opt.sample_rows = 50;
  opt.batch_rows = 1000;
  opt.max_record_bytes = 2000;
  return opt;
}

void expect_same(const Result& seq, const Result& par, const std::string& what) {
  ASSERT_EQ(seq.rows.size(), par.rows.size()) << what;
  for (size_t i = 0; i < seq.rows.size(); ++i)
    ASSERT_EQ(seq.rows[i], par.rows[i]) << what << " row " << i;
  ASSERT_EQ(seq.errors.size(), par.errors.size()) << what;
  for (size_t i = 0; i < seq.errors.size(); ++i)
    ASSERT_EQ(seq.errors[i], par.errors[i]) << what << " error " << i;
}

TEST_F(CsvParallelTest, SameRowsAndErrorsAsSequential) {
  std::string p = write_file("mixed.csv", mixed_file(40000, 7));
  ASSERT_GT(std::filesystem::file_size(p), size_t(2) << 20);
  Result seq = read(p, typed_options());
  EXPECT_GT(seq.rows.size(), 30000u);
  EXPECT_GT(seq.errors.size(), 1000u);
  for (int threads : {2, 3, 4}) {
    for (int64_t range : {int64_t(64) << 10, int64_t(100003), int64_t(1) << 20}) {
      CsvReadOptions opt = typed_options();
      opt.threads = threads;
      opt.parallel_range_bytes = range;
      Result par = read(p, opt);
      expect_same(seq, par, fmt::format("threads {} range {}", threads, range));
      EXPECT_GT(par.batches, seq.batches) << "parallel parsing was not used";
    }
  }
}

TEST_F(CsvParallelTest, GuessesInsideQuotedFieldsAreCorrected) {
  // Mostly quoted text full of line breaks: nearly every guessed range start is inside a
  // quoted field, some of them where the text after the break looks like a record.
  std::string text = "k,body\n";
  for (int i = 0; i < 6000; ++i) {
    text += std::to_string(i) + ",\"";
    for (int l = 0; l < 20; ++l) text += fmt::format("{},\"\"{}\"\",x\n", i, l);
    text += "\"\n";
  }
  std::string p = write_file("quoted.csv", text);
  CsvReadOptions opt;
  opt.batch_rows = 500;
  Result seq = read(p, opt);
  ASSERT_EQ(seq.rows.size(), 6000u);
  EXPECT_TRUE(seq.errors.empty());
  opt.threads = 3;
  opt.parallel_range_bytes = 32 << 10;
  expect_same(seq, read(p, opt), "quoted");
}

TEST_F(CsvParallelTest, EscapedLineBreaksOutsideQuotes) {
  std::string text = "a,b\n";
  for (int i = 0; i < 50000; ++i)
    text += fmt::format("{},one\\\ntwo\\,{}{}\n", i, i, i % 97 == 0 ? ",extra" : "");
  std::string p = write_file("escaped.csv", text);
  CsvReadOptions opt;
  opt.escape_unenclosed = '\\';
  opt.batch_rows = 4096;
  Result seq = read(p, opt);
  EXPECT_EQ(seq.rows.size() + seq.errors.size(), 50000u);
  opt.threads = 2;
  opt.parallel_range_bytes = 50000;
  expect_same(seq, read(p, opt), "escaped");
}

TEST_F(CsvParallelTest, WithoutSinkTheFirstErrorThrowsTheSameMessage) {
  std::string text = "n\n";
  for (int i = 0; i < 300000; ++i) text += i == 250000 ? "oops\n" : std::to_string(i) + "\n";
  std::string p = write_file("one_bad.csv", text);
  auto first_error = [&](int threads) {
    CsvReadOptions opt;
    opt.threads = threads;
    opt.parallel_range_bytes = 64 << 10;
    opt.batch_rows = 1000;
    CsvReader reader(p, opt);
    Batch b;
    int64_t rows = 0;
    try {
      while (reader.next(b)) rows += b.num_rows();
    } catch (const Error& e) {
      EXPECT_LE(rows, 250000);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string seq = first_error(1);
  EXPECT_NE(seq.find("one_bad.csv:250002: column 'n' (1): cannot convert 'oops'"),
            std::string::npos)
      << seq;
  EXPECT_EQ(first_error(2), seq);
}

TEST_F(CsvParallelTest, SmallFilesAndUnterminatedQuoteAtTheEnd) {
  std::string text = "a,b\n";
  for (int i = 0; i < 100000; ++i) text += fmt::format("{},\"v{}\"\n", i, i);
  text += "x,\"never closed\nat all\n";
  std::string p = write_file("open.csv", text);
  CsvReadOptions opt;
  opt.batch_rows = 10000;
  Result seq = read(p, opt);
  ASSERT_EQ(seq.errors.size(), 1u);
  EXPECT_NE(seq.errors[0].find("unterminated"), std::string::npos);
  opt.threads = 2;
  opt.parallel_range_bytes = 100000;
  expect_same(seq, read(p, opt), "unterminated");
  // A file below two ranges is read sequentially.
  opt.parallel_range_bytes = 64 << 20;
  Result small = read(p, opt);
  expect_same(seq, small, "small");
  EXPECT_EQ(small.batches, seq.batches);
}

}  // namespace
}  // namespace floe::formats
