// The delivery WAL: appends survive a reopen, a torn tail is cut off, segments are numbered
// upwards for good (also after every file was removed), and delivery is idempotent per
// segment for both destinations (a re-delivery after a crash writes the same object, or
// nothing into a table).
#include "ingest/delivery_wal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "catalog/sql_catalog.h"
#include "iceberg/table_creation.h"
#include "ingest/delivery_destination.h"
#include "ingest/delivery_encoding.h"
#include "ingest/delivery_worker.h"
#include "io/file_io.h"
#include "test_dir.h"

namespace floe::ingest {
namespace {

using testing::append_text;
using testing::read_text;
using testing::TempDir;
namespace fs = std::filesystem;

std::vector<std::string> files_under(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(folder, ec))
    if (e.is_regular_file()) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DeliveryWal, AppendsSurviveReopen) {
  TempDir dir;
  {
    DeliveryWal wal(dir / "wal");
    auto p1 = wal.append({"a\n", "bb\n"}, 1000);
    auto p2 = wal.append({"ccc\n"}, 2000);
    EXPECT_EQ(p1[0].sequence, 1u);
    EXPECT_LT(p1[0].offset, p1[1].offset);
    EXPECT_LT(p1[1].offset, p2[0].offset);
  }
  DeliveryWal wal(dir / "wal");
  auto segments = wal.take_recovered();
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_EQ(segments[0].records.size(), 3u);
  EXPECT_EQ(segments[0].records[0].data, "a\n");
  EXPECT_EQ(segments[0].records[1].arrival_ms, 1000);
  EXPECT_EQ(segments[0].records[2].data, "ccc\n");
  EXPECT_EQ(segments[0].records[2].arrival_ms, 2000);
  EXPECT_EQ(segments[0].data_bytes, 9);
  // New records go to a new segment: the recovered one is sealed.
  auto p = wal.append({"d"}, 3000);
  EXPECT_EQ(p[0].sequence, 2u);
}

TEST(DeliveryWal, TornTailIsCutOff) {
  TempDir dir;
  uint64_t good_size = 0;
  {
    DeliveryWal wal(dir / "wal");
    wal.append({"one\n", "two\n"}, 1);
    good_size = wal.open_bytes();
  }
  std::string seg = dir / "wal/wal-00000000000000000001.log";
  append_text(seg, std::string("\x20\x00\x00\x00garbage", 11));  // a header without its record
  DeliveryWal wal(dir / "wal");
  auto segments = wal.take_recovered();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0].records.size(), 2u);
  EXPECT_EQ(segments[0].end_offset, good_size);
  EXPECT_EQ(fs::file_size(seg), good_size);
}

TEST(DeliveryWal, CorruptRecordEndsTheSegment) {
  TempDir dir;
  {
    DeliveryWal wal(dir / "wal");
    wal.append({"one\n"}, 1);
    wal.append({"two\n"}, 2);
  }
  std::string seg = dir / "wal/wal-00000000000000000001.log";
  std::string bytes = read_text(seg);
  bytes[bytes.size() - 2] ^= 0x55;  // flip a byte of the last record: its checksum fails
  {
    std::ofstream out(seg, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  DeliveryWal wal(dir / "wal");
  auto segments = wal.take_recovered();
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_EQ(segments[0].records.size(), 1u);
  EXPECT_EQ(segments[0].records[0].data, "one\n");
}

TEST(DeliveryWal, SegmentNumbersAreNeverReused) {
  TempDir dir;
  {
    DeliveryWal wal(dir / "wal");
    wal.append({"a"}, 1);
    EXPECT_EQ(*wal.seal(), 1u);
    EXPECT_FALSE(wal.seal().has_value());
    wal.append({"b"}, 1);
    EXPECT_EQ(*wal.seal(), 2u);
    wal.remove(1);
    wal.remove(2);
  }
  {
    DeliveryWal wal(dir / "wal");
    EXPECT_TRUE(wal.take_recovered().empty());
    EXPECT_EQ(wal.append({"c"}, 1)[0].sequence, 3u);
    wal.seal();
    wal.reserve_through(10);  // a destination saw segment 10 delivered
    EXPECT_EQ(wal.append({"d"}, 1)[0].sequence, 11u);
  }
}

DeliveryStreamDefinition location_stream(const std::string& location) {
  DeliveryStreamDefinition d;
  d.id = parse_stream_name("raw.clicks");
  d.location = normalize_location_prefix(location);
  return d;
}

TEST(DeliveryReplay, LocationObjectNameDerivesFromTheSegment) {
  TempDir dir;
  auto dest = make_location_destination(location_stream(dir / "out"));
  WalSegment s;
  s.sequence = 5;
  s.records = {{1709622489123, "{\"a\":1}\n"}, {1709622490000, "{\"a\":2}\n"}};
  s.data_bytes = 16;
  auto first = dest->deliver(s);
  auto again = dest->deliver(s);  // a crash before the WAL segment was removed
  ASSERT_EQ(first.objects.size(), 1u);
  EXPECT_EQ(first.objects, again.objects);
  auto files = files_under(dir / "out");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(read_text(files[0]), "{\"a\":1}\n{\"a\":2}\n");  // concatenated as sent
  EXPECT_NE(files[0].find("/out/2024/03/05/07/clicks-1-2024-03-05-07-08-09-"), std::string::npos)
      << files[0];
  s.sequence = 6;
  EXPECT_NE(dest->deliver(s).objects, first.objects);
}

TEST(DeliveryReplay, WorkerDeliversRecoveredSegmentsAndBuffersOnStop) {
  TempDir dir;
  auto def = location_stream(dir / "out");
  {
    DeliveryWal wal(dir / "wal");  // what a server that died left behind
    wal.append({"r1\n", "r2\n"}, 1709622489123);
  }
  DeliveryWorker w(def, make_location_destination(def), dir / "wal");
  w.start();
  auto put = w.put({"r3\n", std::string(kMaxRecordBytes + 1, 'x')});
  EXPECT_EQ(put.failed, 1);
  EXPECT_FALSE(put.records[0].record_id.empty());
  EXPECT_EQ(put.records[1].error_code, "InvalidArgumentException");
  EXPECT_TRUE(w.flush(std::chrono::seconds(10)));
  w.stop();
  std::string all;
  for (const auto& f : files_under(dir / "out")) all += read_text(f);
  EXPECT_EQ(all.size(), 9u);
  EXPECT_NE(all.find("r1\nr2\n"), std::string::npos);
  EXPECT_NE(all.find("r3\n"), std::string::npos);
  // Delivered segments leave the WAL.
  for (const auto& f : files_under(dir / "wal")) EXPECT_EQ(f.find(".log"), std::string::npos) << f;
}

TEST(DeliveryReplay, BackPressureRefusesPastTheBound) {
  TempDir dir;
  auto def = location_stream(dir / "out");
  def.buffer_mb = 1;
  def.buffer_seconds = 900;
  DeliveryWorkerOptions o;
  o.backpressure_factor = 2;
  DeliveryWorker w(def, make_location_destination(def), dir / "wal", o);
  w.start();
  std::string big(900 * 1024, 'x');
  w.put({big});
  w.put({big});
  EXPECT_THROW(w.put({big}), DeliveryThrottledError);
  w.stop();
}

class TableReplay : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog::CatalogConfig c;
    c.warehouse = dir_.str() + "/wh";
    c.catalog_path = dir_.str() + "/wh/catalog.db";
    config_ = c;
    catalog::SqlCatalog cat(c);
    cat.create_namespace({"db"}, {});
    columnar::Schema s;
    s.fields = {columnar::Field("id", columnar::DataType(columnar::TypeId::kInt64)),
                columnar::Field("name", columnar::DataType(columnar::TypeId::kString))};
    catalog::TableIdentifier id{{"db"}, "events"};
    iceberg::NewTableOptions o;
    o.location = cat.default_table_location(id);
    auto m = iceberg::new_table_metadata(s, o);
    cat.table_operations(id, true)->commit(nullptr, m);
    def_.id = parse_stream_name("db.events_stream");
    def_.destination = DestinationKind::kTable;
    def_.table = id;
  }
  int64_t total_records() {
    catalog::SqlCatalog cat(config_);
    auto m = cat.table_operations(def_.table)->current();
    const auto* snap = m->current_snapshot();
    return snap ? std::stoll(snap->summary.at("total-records")) : 0;
  }
  size_t snapshots() {
    catalog::SqlCatalog cat(config_);
    return cat.table_operations(def_.table)->current()->snapshots.size();
  }
  TempDir dir_;
  catalog::CatalogConfig config_;
  DeliveryStreamDefinition def_;
};

TEST_F(TableReplay, AppendsOncePerSegmentAndSendsFailuresToTheErrorPrefix) {
  fs::create_directories(dir_ / "state");
  auto dest = make_table_destination(def_, config_, dir_ / "state");
  WalSegment s;
  s.sequence = 3;
  s.end_offset = 100;
  s.records = {{1709622489123, "{\"id\": 1, \"name\": \"a\"}\n"},
               {1709622489124, "{\"ID\": 2, \"Name\": \"b\"}\n"},  // keys match case-insensitively
               {1709622489125, "not json\n"},
               {1709622489126, "{\"id\": \"three\", \"name\": \"c\"}\n"},
               {1709622489127, "{\"id\": 4}\n"}};
  auto report = dest->deliver(s);
  EXPECT_EQ(report.records_delivered, 3);
  EXPECT_EQ(report.records_failed, 2);
  EXPECT_EQ(total_records(), 3);
  ASSERT_EQ(report.objects.size(), 1u);
  std::string error_object = io::local_path(report.objects[0]);
  EXPECT_NE(
      error_object.find("/wh/db/events/delivery_errors/format-conversion-failed/2024/03/05/07/"),
      std::string::npos)
      << error_object;
  std::string text = read_text(error_object);
  std::vector<nlohmann::json> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    lines.push_back(nlohmann::json::parse(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["attemptsMade"], 1);
  EXPECT_EQ(lines[0]["arrivalTimestamp"], 1709622489125);
  EXPECT_EQ(lines[0]["errorCode"], "DataFormatConversion.MalformedData");
  EXPECT_EQ(*base64_decode(lines[0]["rawData"].get<std::string>()), "not json\n");
  EXPECT_EQ(lines[1]["errorCode"], "DataFormatConversion.InvalidValue");
  EXPECT_NE(lines[1]["errorMessage"].get<std::string>().find("id"), std::string::npos)
      << lines[1]["errorMessage"];

  // The same segment again (a crash after the commit, before the WAL segment was removed):
  // skipped, nothing appended.
  size_t before = snapshots();
  auto replay = make_table_destination(def_, config_, dir_ / "state")->deliver(s);
  EXPECT_TRUE(replay.skipped);
  EXPECT_EQ(total_records(), 3);
  EXPECT_EQ(snapshots(), before);
  EXPECT_EQ(dest->delivered_through(), 3u);

  // The next segment is appended.
  WalSegment next;
  next.sequence = 4;
  next.end_offset = 50;
  next.records = {{1709622489200, "{\"id\": 5, \"name\": \"e\"}"}};
  EXPECT_EQ(dest->deliver(next).records_delivered, 1);
  EXPECT_EQ(total_records(), 4);
}

TEST_F(TableReplay, AllRecordsFailingStillRecordsThePosition) {
  fs::create_directories(dir_ / "state");
  auto dest = make_table_destination(def_, config_, dir_ / "state");
  WalSegment s;
  s.sequence = 1;
  s.end_offset = 10;
  s.records = {{1, "[1, 2]\n"}};
  auto report = dest->deliver(s);
  EXPECT_EQ(report.records_failed, 1);
  EXPECT_EQ(total_records(), 0);
  EXPECT_TRUE(dest->deliver(s).skipped);
}

}  // namespace
}  // namespace floe::ingest
