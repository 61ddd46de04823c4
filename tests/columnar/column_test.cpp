#include "columnar/column.h"

#include <gtest/gtest.h>

#include "columnar/arrow_c_data.h"
#include "columnar/value_text.h"

namespace floe::columnar {

static std::string text(const Column& c, int64_t row) {
  std::string s;
  if (c.is_null(row)) return "NULL";
  append_value_text(c, row, s);
  return s;
}

TEST(Column, AppendsFixedStringsAndNulls) {
  Column ints{DataType(TypeId::kInt64)};
  ints.append<int64_t>(1);
  ints.append_null();
  ints.append<int64_t>(-3);
  EXPECT_EQ(ints.size(), 3);
  EXPECT_EQ(ints.null_count(), 1);
  EXPECT_EQ(text(ints, 0), "1");
  EXPECT_EQ(text(ints, 1), "NULL");
  EXPECT_EQ(text(ints, 2), "-3");

  Column s{DataType(TypeId::kString)};
  s.append_string("");
  s.append_null();
  s.append_string("héllo");
  EXPECT_EQ(s.string_at(0), "");
  EXPECT_TRUE(s.is_null(1));
  EXPECT_EQ(s.string_at(2), "héllo");
}

TEST(Column, SliceTakeAndAppendRange) {
  Column s{DataType(TypeId::kString)};
  for (int i = 0; i < 100; ++i) {
    if (i % 7 == 0)
      s.append_null();
    else
      s.append_string(std::to_string(i));
  }
  Column sl = s.slice(10, 20);
  EXPECT_EQ(sl.size(), 20);
  EXPECT_EQ(sl.string_at(0), "10");
  EXPECT_TRUE(sl.is_null(4));  // 14
  std::vector<uint32_t> rows = {99, 0, 50};
  Column t = s.take(rows);
  EXPECT_EQ(text(t, 0), "99");
  EXPECT_EQ(text(t, 1), "NULL");
  EXPECT_EQ(text(t, 2), "50");
}

TEST(Column, TakeOfEveryWidthKeepsValuesNullsAndOffsets) {
  Column s{DataType(TypeId::kString)}, d(DataType::decimal(20, 2)), h{DataType(TypeId::kInt16)};
  for (int i = 0; i < 50; ++i) {
    if (i % 5 == 0) {
      s.append_null();
      d.append_null();
      h.append_null();
      continue;
    }
    s.append_string(i % 3 == 0 ? std::string() : std::string(size_t(i), 'a' + char(i % 26)));
    d.append<__int128>(__int128(i) * 1000000000000LL);
    h.append<int16_t>(int16_t(-i));
  }
  std::vector<uint32_t> rows = {49, 3, 0, 7, 7, 10};
  Column ts = s.take(rows), td = d.take(rows), th = h.take(rows);
  ASSERT_EQ(ts.size(), 6);
  EXPECT_EQ(ts.string_at(0), std::string(49, 'a' + char(49 % 26)));
  EXPECT_EQ(ts.string_at(1), "");
  EXPECT_TRUE(ts.is_null(2) && td.is_null(2) && th.is_null(2) && ts.is_null(5));
  EXPECT_EQ(ts.string_at(3), ts.string_at(4));
  EXPECT_EQ(ts.null_count(), 2);
  EXPECT_EQ(td.value<__int128>(3), __int128(7) * 1000000000000LL);
  EXPECT_EQ(th.value<int16_t>(0), -49);
  // A taken column keeps growing correctly.
  ts.append_string("tail");
  EXPECT_EQ(ts.string_at(6), "tail");
  EXPECT_EQ(ts.string_at(3), std::string(7, 'a' + char(7)));
  Column none = s.take(std::vector<uint32_t>{});
  EXPECT_EQ(none.size(), 0);
  none.append_string("x");
  EXPECT_EQ(none.string_at(0), "x");
}

TEST(Column, NestedListsAndStructs) {
  DataType list = DataType::list_of(Field("element", DataType(TypeId::kInt32)));
  Column c(list);
  c.child(0).append<int32_t>(1);
  c.child(0).append<int32_t>(2);
  c.append_list_end();
  c.append_null();
  c.append_list_end();  // empty list
  EXPECT_EQ(c.size(), 3);
  EXPECT_EQ(text(c, 0), "[1,2]");
  EXPECT_EQ(text(c, 1), "NULL");
  EXPECT_EQ(text(c, 2), "[]");

  DataType st = DataType::struct_of({Field("a", DataType(TypeId::kInt32)),
                                     Field("b", DataType(TypeId::kString))});
  Column s(st);
  s.child(0).append<int32_t>(7);
  s.child(1).append_string("x\"y");
  s.append_struct_valid();
  s.append_null();
  EXPECT_EQ(text(s, 0), "{\"a\":7,\"b\":\"x\\\"y\"}");
  EXPECT_TRUE(s.is_null(1));
  EXPECT_EQ(st.to_string(), "STRUCT(a INTEGER, b VARCHAR)");
}

TEST(Column, DecimalText) {
  EXPECT_EQ(decimal_to_string(12345, 2), "123.45");
  EXPECT_EQ(decimal_to_string(-5, 3), "-0.005");
  EXPECT_EQ(decimal_to_string(0, 0), "0");
  __int128 big = 1;
  for (int i = 0; i < 38; ++i) big *= 10;
  EXPECT_EQ(decimal_to_string(big - 1, 0), std::string(38, '9'));
}

TEST(ArrowCData, ExportImportRoundTrip) {
  Batch b;
  b.schema.fields = {Field("i", DataType(TypeId::kInt32)), Field("s", DataType(TypeId::kString)),
                     Field("b", DataType(TypeId::kBoolean)),
                     Field("l", DataType::list_of(Field("item", DataType(TypeId::kInt64)))),
                     Field("ts", DataType::timestamp_tz())};
  for (const auto& f : b.schema.fields) b.columns.emplace_back(f.type);
  for (int r = 0; r < 50; ++r) {
    r % 5 ? b.columns[0].append<int32_t>(r) : b.columns[0].append_null();
    r % 3 ? b.columns[1].append_string(std::string(r % 4, 'x')) : b.columns[1].append_null();
    b.columns[2].append_bool(r % 2);
    for (int k = 0; k < r % 3; ++k) b.columns[3].child(0).append<int64_t>(k * r);
    r % 4 ? b.columns[3].append_list_end() : b.columns[3].append_null();
    b.columns[4].append<int64_t>(int64_t(r) * 1000000);
  }
  std::vector<std::string> expected;
  for (int r = 0; r < 50; ++r) {
    std::string row;
    for (auto& c : b.columns) row += text(c, r) + "|";
    expected.push_back(row);
  }
  ArrowArray arr;
  ArrowSchema sch;
  export_batch(std::move(b), &arr, &sch);
  EXPECT_STREQ(sch.format, "+s");
  EXPECT_STREQ(sch.children[4]->format, "tsu:UTC");
  Batch back = import_batch(&arr, &sch);
  arr.release(&arr);
  sch.release(&sch);
  ASSERT_EQ(back.num_rows(), 50);
  for (int r = 0; r < 50; ++r) {
    std::string row;
    for (auto& c : back.columns) row += text(c, r) + "|";
    EXPECT_EQ(row, expected[r]);
  }
}

}  // namespace floe::columnar

namespace floe::columnar {

TEST(Column, SplitMakesViewsOfFlatColumns) {
  Column ints{DataType(TypeId::kInt64)};
  Column s{DataType(TypeId::kString)};
  for (int i = 0; i < 37; ++i) {
    if (i % 5 == 0) {
      ints.append_null();
      s.append_null();
    } else {
      ints.append<int64_t>(i * 10);
      s.append_string(std::string(size_t(i % 4), char('a' + i % 26)));
    }
  }
  const uint8_t* int_data = ints.values<uint8_t>();
  std::vector<Column> ip = std::move(ints).split(16);
  std::vector<Column> sp = std::move(s).split(16);
  ASSERT_EQ(ip.size(), 3u);
  ASSERT_EQ(sp.size(), 3u);
  EXPECT_EQ(ints.size(), 0);
  EXPECT_EQ(ip[2].size(), 5);
  EXPECT_EQ(ip[1].values<uint8_t>(), int_data + 16 * 8);  // a view: no copy
  EXPECT_TRUE(ip[1].data_buffer().is_view());
  int64_t nulls = 0;
  for (int i = 0; i < 37; ++i) {
    const Column& a = ip[size_t(i / 16)];
    const Column& b = sp[size_t(i / 16)];
    int r = i % 16;
    if (i % 5 == 0) {
      EXPECT_TRUE(a.is_null(r)) << i;
      EXPECT_TRUE(b.is_null(r)) << i;
      continue;
    }
    EXPECT_EQ(a.value<int64_t>(r), i * 10) << i;
    EXPECT_EQ(b.string_at(r), std::string(size_t(i % 4), char('a' + i % 26))) << i;
  }
  for (const auto& c : ip) nulls += c.null_count();
  EXPECT_EQ(nulls, 8);
  EXPECT_EQ(sp[0].offsets()[0], 0);  // each piece's offsets start at 0
  EXPECT_EQ(sp[1].offsets()[0], 0);
}

TEST(Column, AViewGrowsIntoItsOwnMemoryWithoutTouchingItsNeighbours) {
  Column ints{DataType(TypeId::kInt32)};
  for (int i = 0; i < 32; ++i) ints.append<int32_t>(i);
  std::vector<Column> p = std::move(ints).split(16);
  p[0].mutable_values<int32_t>()[3] = -3;  // writes in place, within its own range
  p[0].append<int32_t>(99);                // grows: copies first
  EXPECT_FALSE(p[0].data_buffer().is_view());
  EXPECT_EQ(p[0].size(), 17);
  EXPECT_EQ(p[0].value<int32_t>(3), -3);
  EXPECT_EQ(p[0].value<int32_t>(16), 99);
  EXPECT_EQ(p[1].value<int32_t>(0), 16);  // the neighbour is untouched
  p.erase(p.begin());                      // the shared buffer lives on in the other view
  EXPECT_EQ(p[0].value<int32_t>(15), 31);
}

TEST(Column, SplitCopiesNestedColumnsAndChecksThePieceSize) {
  Column lists(DataType::list_of(Field("element", DataType(TypeId::kInt32))));
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < i % 3; ++j) lists.child(0).append<int32_t>(i * 10 + j);
    lists.append_list_end();
  }
  std::vector<Column> lp = std::move(lists).split(8);
  ASSERT_EQ(lp.size(), 2u);
  EXPECT_EQ(text(lp[0], 7), "[70]");
  EXPECT_EQ(text(lp[1], 0), "[80,81]");
  EXPECT_EQ(text(lp[1], 1), "[]");

  Column ints{DataType(TypeId::kInt16)};
  for (int i = 0; i < 10; ++i) ints.append<int16_t>(int16_t(i));
  EXPECT_THROW(std::move(ints).split(5), Error);
}

TEST(Column, RangeViewsRowsAtAnyOffset) {
  Column ints{DataType(TypeId::kInt32)};
  Column s{DataType(TypeId::kString)};
  for (int i = 0; i < 40; ++i) {
    if (i % 3 == 0) {
      ints.append_null();
      s.append_null();
    } else {
      ints.append<int32_t>(i);
      s.append_string(std::string(size_t(i % 5), 'x'));
    }
  }
  const uint8_t* int_data = ints.values<uint8_t>();
  Column a = std::move(ints).range(5, 30);  // not a multiple of 8: validity is copied
  Column b = std::move(s).range(5, 30);
  EXPECT_EQ(ints.size(), 0);
  ASSERT_EQ(a.size(), 30);
  ASSERT_EQ(b.size(), 30);
  EXPECT_EQ(a.values<uint8_t>(), int_data + 5 * 4);  // the values are a view
  EXPECT_EQ(b.offsets()[0], 0);
  int64_t nulls = 0;
  for (int r = 0; r < 30; ++r) {
    int i = r + 5;
    nulls += i % 3 == 0;
    EXPECT_EQ(a.is_null(r), i % 3 == 0) << i;
    EXPECT_EQ(b.is_null(r), i % 3 == 0) << i;
    if (i % 3 == 0) continue;
    EXPECT_EQ(a.value<int32_t>(r), i) << i;
    EXPECT_EQ(b.string_at(r), std::string(size_t(i % 5), 'x')) << i;
  }
  EXPECT_EQ(a.null_count(), nulls);
  Column none{DataType(TypeId::kInt64)};
  for (int i = 0; i < 10; ++i) none.append<int64_t>(i);
  Column c = std::move(none).range(3, 4);
  EXPECT_EQ(c.null_count(), 0);
  EXPECT_EQ(c.value<int64_t>(3), 6);
  EXPECT_THROW(std::move(c).range(2, 3), Error);
}

TEST(Column, DictionaryCodesKeepTheirDictionaryThroughTakeSliceSplitAndCopy) {
  auto dictionary = std::make_shared<Column>(DataType(TypeId::kString));
  for (const char* v : {"desktop", "mobile", "tablet"}) dictionary->append_string(v);
  const std::vector<uint32_t> codes = {2, 0, 1, 1, 0, 2, 2, 0, 1, 0};
  Buffer buf;
  buf.append(codes.data(), codes.size() * sizeof(uint32_t));
  Column c = Column::dictionary_coded(dictionary, std::move(buf), int64_t(codes.size()));
  ASSERT_EQ(c.dictionary(), dictionary.get());
  EXPECT_EQ(c.type().id(), TypeId::kUInt32);
  EXPECT_EQ(c.size(), 10);
  auto text = [](const Column& values) {
    std::string s;
    for (int64_t i = 0; i < values.size(); ++i) s += std::string(values.string_at(i)) + ",";
    return s;
  };
  EXPECT_EQ(text(c.decoded()),
            "tablet,desktop,mobile,mobile,desktop,tablet,tablet,desktop,mobile,desktop,");
  const std::vector<uint32_t> rows = {9, 0, 5};
  Column taken = c.take(rows);
  EXPECT_EQ(taken.dictionary(), dictionary.get());
  EXPECT_EQ(text(taken.decoded()), "desktop,tablet,tablet,");
  EXPECT_EQ(text(c.slice(2, 3).decoded()), "mobile,mobile,desktop,");
  EXPECT_EQ(c.copy().dictionary(), dictionary.get());
  Column whole = c.copy();
  whole.append_range(c, 0, 2);  // codes of the same dictionary
  EXPECT_EQ(whole.size(), 12);
  Column plain{DataType(TypeId::kUInt32)};
  plain.append<uint32_t>(1);
  EXPECT_THROW(whole.append_range(plain, 0, 1), Error);  // values are not codes
  EXPECT_THROW(plain.append_range(c, 0, 1), Error);      // nor the other way round
  std::vector<Column> parts = std::move(c).split(8);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].dictionary(), dictionary.get());
  EXPECT_EQ(text(parts[1].decoded()), "mobile,desktop,");
  Column plain_strings{DataType(TypeId::kString)};
  plain_strings.append_string("x");
  EXPECT_EQ(plain_strings.dictionary(), nullptr);
  EXPECT_EQ(text(plain_strings.decoded()), "x,");
}

}  // namespace floe::columnar
