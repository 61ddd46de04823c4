// Windowed scans (ParquetScan::scan_row_group_windows over ColumnPageCursor) against the
// whole-row-group read, and the typed predicate evaluation against a row-by-row reference.
#include "formats/parquet/parquet_scan.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "columnar/value_compare.h"
#include "columnar/value_text.h"
#include "formats/parquet/parquet_writer.h"
#include "io/file.h"

namespace floe::parquet {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TypeId;

Schema test_schema() {
  Schema s;
  s.fields.emplace_back("id", DataType(TypeId::kInt64), false);
  s.fields.emplace_back("k", DataType(TypeId::kInt32), true);
  s.fields.emplace_back("mode", DataType(TypeId::kString), true);
  s.fields.emplace_back("price", DataType::decimal(12, 2), true);
  s.fields.emplace_back("day", DataType(TypeId::kDate), true);
  s.fields.emplace_back("x", DataType(TypeId::kFloat64), true);
  s.fields.emplace_back("note", DataType(TypeId::kString), true);
  s.fields.emplace_back("flag", DataType(TypeId::kString), false);  // dictionary pages, no NULLs
  return s;
}

// Rows with NULLs in every nullable column, few distinct values (dictionary pages) in
// `k` and `mode`, many in the others.
Batch test_rows(int64_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  Schema s = test_schema();
  Batch b;
  b.schema = s;
  for (const auto& f : s.fields) b.columns.emplace_back(f.type);
  const char* modes[] = {"AIR", "AIR REG", "MAIL", "RAIL", "SHIP", "TRUCK", "FOB"};
  auto null = [&] { return rng() % 9 == 0; };
  for (int64_t r = 0; r < rows; ++r) {
    b.columns[0].append<int64_t>(r);
    if (null()) b.columns[1].append_null(); else b.columns[1].append<int32_t>(int32_t(rng() % 50));
    if (null()) b.columns[2].append_null(); else b.columns[2].append_string(modes[rng() % 7]);
    if (null()) b.columns[3].append_null(); else b.columns[3].append<__int128>(__int128(rng() % 100000));
    if (null()) b.columns[4].append_null(); else b.columns[4].append<int32_t>(int32_t(8000 + rng() % 3000));
    if (null()) b.columns[5].append_null(); else b.columns[5].append<double>(double(rng() % 1000) / 7.0);
    if (null()) b.columns[6].append_null();
    else b.columns[6].append_string(std::string(rng() % 40, char('a' + rng() % 26)));
    b.columns[7].append_string(modes[rng() % 3]);
  }
  b.rows_without_columns = rows;
  return b;
}

Buffer write_file(const Batch& rows, int data_page_version) {
  Buffer sink;
  ParquetWriteOptions o;
  o.row_group_rows = 1500;
  o.page_rows = 97;  // pages of the columns do not line up with windows or each other
  o.data_page_version = data_page_version;
  ParquetWriter w(io::create_memory_output(&sink), rows.schema, o);
  w.write(rows);
  w.close();
  return sink;
}

std::string cell(const Column& c, int64_t r) {
  std::string s;
  columnar::append_value_text(c, r, s);
  return s;
}

// Cell `i` of `got` is cell `r` of `want` (NULL or the same text).
void expect_same_cell(const Column& got, int64_t i, const Column& want, int64_t r) {
  ASSERT_EQ(got.is_null(i), want.is_null(r)) << "row " << r;
  if (!got.is_null(i)) ASSERT_EQ(cell(got, i), cell(want, r)) << "row " << r;
}

void expect_batches_equal(const std::vector<Batch>& got, const Batch& want, const std::string& what) {
  int64_t row = 0;
  for (const Batch& b : got) {
    ASSERT_EQ(b.columns.size(), want.columns.size()) << what;
    for (int64_t r = 0; r < b.num_rows(); ++r, ++row) {
      ASSERT_LT(row, want.num_rows()) << what;
      for (size_t c = 0; c < want.columns.size(); ++c) {
        ASSERT_EQ(b.columns[c].is_null(r), want.columns[c].is_null(row)) << what << " row " << row;
        if (!b.columns[c].is_null(r))
          ASSERT_EQ(cell(b.columns[c], r), cell(want.columns[c], row)) << what << " row " << row;
      }
    }
  }
  EXPECT_EQ(row, want.num_rows()) << what;
}

TEST(ParquetScanWindows, SameRowsAsTheWholeRowGroupRead) {
  Batch rows = test_rows(4000, 7);
  const char* predicates[] = {
      "",
      "k = 7",
      "k IN (1, 2, 3) AND mode = 'AIR'",
      "mode IN ('AIR', 'AIR REG') AND price >= 50 AND price < 600",
      "day > '1993-01-01' AND x <= 50",
      "note IS NULL",
      "k IS NOT NULL AND mode != 'SHIP'",
      "id >= 1400 AND id < 1600",  // one window of one row group, across a group boundary
      "id < 0",
      "flag = 'MAIL' AND k < 20",
  };
  for (int version : {1, 2}) {
    Buffer file = write_file(rows, version);
    for (const char* text : predicates) {
      ParquetReader reader(io::open_memory_input(file.span()));
      formats::ScanPredicate pred = formats::parse_scan_predicate(text, reader.schema());
      // Output: every column but `k` (so a predicate column is also predicate-only).
      std::vector<int> fields{0, 2, 3, 4, 5, 6, 7};
      ParquetScan whole(reader, fields, pred.clone());
      Batch want;
      want.schema = whole.schema();
      for (const auto& f : want.schema.fields) want.columns.emplace_back(f.type);
      for (int g = 0; g < whole.num_row_groups(); ++g) {
        Batch b = whole.scan_row_group(g, nullptr);
        for (size_t c = 0; c < b.columns.size(); ++c) want.columns[c].append_column(b.columns[c]);
        want.rows_without_columns += b.num_rows();
      }
      for (int64_t window : {1, 13, 64, 500, 5000}) {
        ParquetScan scan(reader, fields, pred.clone());
        std::vector<Batch> got;
        PruneReport report;
        for (int g = 0; g < scan.num_row_groups(); ++g) {
          // Half the groups in two parts, as threads read them.
          std::vector<RowRange> parts{{0, 1 << 30}};
          if (g % 2) parts = {{0, 700}, {700, 1 << 30}};
          for (const RowRange& part : parts)
            ASSERT_TRUE(scan.scan_row_group_windows(g, &report, &part, window, [&](Batch&& b) {
              EXPECT_LE(b.num_rows(), window);
              EXPECT_GT(b.num_rows(), 0);
              got.push_back(std::move(b));
              return true;
            }));
        }
        expect_batches_equal(got, want,
                             fmt::format("v{} '{}' windows of {}", version, text, window));
      }
    }
  }
}

// A key filter (what a hash join hands the scan of its probe side) drops the rows it rules
// out, alone or after comparisons, in every window size; a retired one drops nothing.
TEST(ParquetScanWindows, KeyFilters) {
  Batch rows = test_rows(4000, 9);
  Buffer file = write_file(rows, 1);
  ParquetReader reader(io::open_memory_input(file.span()));
  auto retired = std::make_shared<std::atomic<bool>>(false);
  formats::KeyFilter f;
  f.column = "k";
  f.retired = retired;
  f.may_match = [](const Column& v, std::vector<uint8_t>& keep) {
    for (int64_t i = 0; i < v.size(); ++i) keep[size_t(i)] = v.is_valid(i) && v.value<int32_t>(i) % 3 == 0;
  };
  for (const char* text : {"", "mode = 'AIR'", "flag IN ('MAIL', 'RAIL') AND id > 100"}) {
    for (bool retire : {false, true}) {
      retired->store(retire);
      formats::ScanPredicate pred = formats::parse_scan_predicate(text, reader.schema());
      pred.key_filters.push_back(f);
      formats::ScanPredicate terms_only = formats::parse_scan_predicate(text, reader.schema());
      columnar::SelectionVector want = formats::evaluate_predicate(terms_only, rows);
      if (!retire) {
        std::vector<uint32_t> kept;
        for (uint32_t r : want)
          if (rows.columns[1].is_valid(r) && rows.columns[1].value<int32_t>(r) % 3 == 0) kept.push_back(r);
        want = kept;
      }
      for (int64_t window : {7, 1000, 5000}) {
        ParquetScan scan(reader, {0}, pred.clone());
        std::vector<int64_t> ids;
        for (int g = 0; g < scan.num_row_groups(); ++g)
          scan.scan_row_group_windows(g, nullptr, nullptr, window, [&](Batch&& b) {
            for (int64_t r = 0; r < b.num_rows(); ++r) ids.push_back(b.columns[0].value<int64_t>(r));
            return true;
          });
        std::vector<int64_t> want_ids(want.begin(), want.end());
        EXPECT_EQ(ids, want_ids) << "'" << text << "' retired " << retire << " window " << window;
      }
    }
  }
}

TEST(ParquetScanWindows, SinkStopsTheScan) {
  Buffer file = write_file(test_rows(1500, 3), 1);
  ParquetReader reader(io::open_memory_input(file.span()));
  ParquetScan scan(reader, {0}, {});
  int calls = 0;
  EXPECT_FALSE(scan.scan_row_group_windows(0, nullptr, nullptr, 100, [&](Batch&&) {
    return ++calls < 3;
  }));
  EXPECT_EQ(calls, 3);
}

TEST(ColumnPageCursor, SpansInAnyOrderMatchTheColumn) {
  Batch rows = test_rows(1500, 11);
  Buffer file = write_file(rows, 1);
  ParquetReader reader(io::open_memory_input(file.span()));
  std::mt19937 rng(5);
  for (int f = 0; f < int(rows.columns.size()); ++f) {
    auto cursor = reader.page_cursor(0, f);
    ASSERT_NE(cursor, nullptr);
    for (int k = 0; k < 60; ++k) {
      int64_t b = rng() % 1500, e = std::min<int64_t>(1500, b + rng() % 300);
      Column out(rows.schema.fields[size_t(f)].type);
      cursor->append_rows(b, e, out);
      ASSERT_EQ(out.size(), e - b);
      for (int64_t r = b; r < e; ++r) expect_same_cell(out, r - b, rows.columns[size_t(f)], r);
    }
  }
}

TEST(ColumnPageCursor, TakeRowsAcrossPages) {
  Batch rows = test_rows(1500, 12);
  Buffer file = write_file(rows, 2);
  ParquetReader reader(io::open_memory_input(file.span()));
  std::mt19937 rng(8);
  for (int f = 0; f < int(rows.columns.size()); ++f) {
    auto cursor = reader.page_cursor(0, f);
    ASSERT_NE(cursor, nullptr);
    for (int k = 0; k < 40; ++k) {
      // A base, then ascending rows after it: within one page (short spans) or across several.
      int64_t base = rng() % 1400, span = k % 2 ? 50 : 1500 - base;
      std::vector<uint32_t> pick;
      for (int64_t r = 0; r < span && base + r < 1500; ++r)
        if (rng() % 3 == 0) pick.push_back(uint32_t(r));
      Column out = cursor->take_rows(base, pick);
      ASSERT_EQ(out.size(), int64_t(pick.size()));
      for (size_t i = 0; i < pick.size(); ++i)
        expect_same_cell(out, int64_t(i), rows.columns[size_t(f)], base + pick[i]);
    }
  }
}

TEST(ColumnPageCursor, NoCursorWithoutAnOffsetIndex) {
  Buffer sink;
  ParquetWriteOptions o;
  o.write_page_index = false;
  Batch rows = test_rows(100, 1);
  ParquetWriter w(io::create_memory_output(&sink), rows.schema, o);
  w.write(rows);
  w.close();
  ParquetReader reader(io::open_memory_input(sink.span()));
  EXPECT_EQ(reader.page_cursor(0, 0), nullptr);
  // The windowed scan falls back to one batch of the whole group.
  ParquetScan scan(reader, {0, 2}, formats::parse_scan_predicate("k = 3", reader.schema()));
  int batches = 0;
  int64_t n = 0;
  scan.scan_row_group_windows(0, nullptr, nullptr, 10, [&](Batch&& b) {
    ++batches;
    n += b.num_rows();
    return true;
  });
  int64_t want = 0;
  for (int64_t r = 0; r < 100; ++r)
    want += rows.columns[1].is_valid(r) && rows.columns[1].value<int32_t>(r) == 3;
  EXPECT_EQ(n, want);
  EXPECT_LE(batches, 1);
}

// The typed evaluation against the definition: a row passes when no term's column is NULL
// (IS [NOT] NULL aside) and compare_values says every comparison holds.
TEST(EvaluatePredicate, MatchesRowByRowComparison) {
  Batch rows = test_rows(3000, 21);
  const char* predicates[] = {
      "k = 3", "k != 3", "k < 10", "k <= 10", "k > 40", "k >= 40", "k IN (1, 5, 9)",
      "mode = 'MAIL'", "mode != 'MAIL'", "mode < 'MAIL'", "mode >= 'RAIL'",
      "mode IN ('FOB', 'TRUCK', 'NONE')", "price > 500", "price IN (1.00, 2.50, 100.00)",
      "day <= '1994-06-01'", "x > 100", "x = 0", "note IS NULL", "note IS NOT NULL",
      "id >= 10 AND k < 25 AND mode IN ('AIR', 'SHIP') AND note IS NOT NULL",
  };
  for (const char* text : predicates) {
    formats::ScanPredicate p = formats::parse_scan_predicate(text, rows.schema);
    columnar::SelectionVector got = formats::evaluate_predicate(p, rows);
    columnar::SelectionVector want;
    for (int64_t r = 0; r < rows.num_rows(); ++r) {
      bool ok = true;
      for (const auto& t : p.terms) {
        const Column& c = rows.columns[size_t(rows.schema.find(t.column))];
        if (t.op == formats::CompareOp::kIsNull) { ok = ok && c.is_null(r); continue; }
        if (t.op == formats::CompareOp::kIsNotNull) { ok = ok && !c.is_null(r); continue; }
        if (c.is_null(r)) { ok = false; continue; }
        bool any = false;
        for (int64_t v = 0; v < t.values.size(); ++v) {
          int cmp = columnar::compare_values(c, r, t.values, v);
          switch (t.op) {
            case formats::CompareOp::kEq:
            case formats::CompareOp::kIn: any = any || cmp == 0; break;
            case formats::CompareOp::kNe: any = cmp != 0; break;
            case formats::CompareOp::kLt: any = cmp < 0; break;
            case formats::CompareOp::kLe: any = cmp <= 0; break;
            case formats::CompareOp::kGt: any = cmp > 0; break;
            case formats::CompareOp::kGe: any = cmp >= 0; break;
            default: break;
          }
        }
        ok = ok && any;
      }
      if (ok) want.push_back(uint32_t(r));
    }
    EXPECT_EQ(got, want) << text;
    // Every comparison but the two rare ones selects some rows, so a wrong empty result shows.
    std::string t(text);
    if (t != "x = 0" && t.rfind("price IN", 0) != 0) EXPECT_FALSE(want.empty()) << text;
  }
}

}  // namespace
}  // namespace floe::parquet
