// End-to-end tests of the table layer through the embedded catalog: create, append, scan
// with pruning, deletes, schema and partition evolution, time travel, maintenance, and the
// optimistic-commit rules (conflicts detected, appends retried, multi-table atomicity).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

#include "catalog/sql_catalog.h"
#include "columnar/value_text.h"
#include "formats/parquet/parquet_writer.h"
#include "iceberg/data_file_metrics.h"
#include "iceberg/data_writer.h"
#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/table_creation.h"
#include "iceberg/table_maintenance.h"
#include "formats/parquet/parquet_reader.h"
#include "iceberg/table_reader.h"
#include "iceberg/table_update.h"

namespace floe {
namespace {

using catalog::SqlCatalog;
using catalog::TableIdentifier;
using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

class TableLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe-catalog-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    catalog::CatalogConfig c;
    c.warehouse = dir_.string();
    c.catalog_path = (dir_ / "catalog.db").string();
    config_ = c;
    cat_ = std::make_unique<SqlCatalog>(c);
    cat_->create_namespace({"db"}, {});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A table (id BIGINT, day DATE, name VARCHAR) partitioned by `clause`.
  std::unique_ptr<iceberg::TableOperations> create(const std::string& name,
                                                   const std::string& clause,
                                                   std::map<std::string, std::string> props = {},
                                                   const std::string& sort = "") {
    columnar::Schema s;
    s.fields = {Field("id", DataType(TypeId::kInt64)), Field("day", DataType(TypeId::kDate)),
                Field("name", DataType(TypeId::kString))};
    TableIdentifier id{{"db"}, name};
    iceberg::NewTableOptions o;
    o.location = cat_->default_table_location(id);
    o.partition_clause = clause;
    o.sort_clause = sort;
    o.properties = std::move(props);
    auto ops = cat_->table_operations(id, true);
    ops->commit(nullptr, iceberg::new_table_metadata(s, o));
    return ops;
  }

  // Rows id in [from, to): day = id % 3 (days since epoch), name "n<id>" (NULL when id%5==0).
  static Batch rows(int64_t from, int64_t to) {
    Batch b;
    b.schema.fields = {Field("id", DataType(TypeId::kInt64)), Field("day", DataType(TypeId::kDate)),
                       Field("name", DataType(TypeId::kString))};
    b.columns.emplace_back(DataType(TypeId::kInt64));
    b.columns.emplace_back(DataType(TypeId::kDate));
    b.columns.emplace_back(DataType(TypeId::kString));
    for (int64_t i = from; i < to; ++i) {
      b.columns[0].append<int64_t>(i);
      b.columns[1].append<int32_t>(int32_t(i % 3));
      if (i % 5 == 0)
        b.columns[2].append_null();
      else
        b.columns[2].append_string("n" + std::to_string(i));
    }
    return b;
  }

  static int64_t append(iceberg::TableOperations& ops, const Batch& b) {
    iceberg::DataWriter w(ops.io(), ops.current());
    w.write(b);
    iceberg::SnapshotChanges ch;
    ch.added_data_files = w.finish();
    return iceberg::commit_changes(ops, ch).snapshot_id;
  }

  // The ids a scan returns (sorted), with the plan's report.
  static std::vector<int64_t> scan_ids(iceberg::TableOperations& ops, const std::string& filter,
                                       iceberg::ScanReport* report = nullptr,
                                       const iceberg::Snapshot* snap = nullptr) {
    auto m = ops.current();
    if (!snap) snap = m->current_snapshot();
    const auto& schema = m->schema_for(snap);
    auto pred = formats::parse_scan_predicate(filter, schema.schema);
    auto plan = iceberg::plan_scan(ops.io(), *m, snap, schema, pred, 2);
    if (report) *report = plan.report;
    iceberg::TableReader reader(ops.io(), *m, schema, {"id"}, pred.clone());
    std::vector<int64_t> ids;
    for (const auto& t : plan.tasks)
      reader.read(t, [&](Batch&& b) {
        for (int64_t r = 0; r < b.num_rows(); ++r) ids.push_back(b.columns[0].value<int64_t>(r));
        return true;
      });
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static std::vector<int64_t> range(int64_t from, int64_t to, int64_t skip_mod = 0,
                                    int64_t skip_rem = -1) {
    std::vector<int64_t> v;
    for (int64_t i = from; i < to; ++i)
      if (!(skip_mod && i % skip_mod == skip_rem)) v.push_back(i);
    return v;
  }

  std::filesystem::path dir_;
  catalog::CatalogConfig config_;
  std::unique_ptr<SqlCatalog> cat_;
};

TEST_F(TableLifecycle, AppendScanAndPartitionPruning) {
  auto ops = create("t", "day");
  append(*ops, rows(0, 30));
  append(*ops, rows(30, 60));
  EXPECT_EQ(scan_ids(*ops, ""), range(0, 60));
  iceberg::ScanReport report;
  auto ids = scan_ids(*ops, "day = '1970-01-02'", &report);
  std::vector<int64_t> want;
  for (int64_t i = 0; i < 60; ++i)
    if (i % 3 == 1) want.push_back(i);
  EXPECT_EQ(ids, want);
  EXPECT_EQ(report.data_files, 6);  // 3 partitions x 2 appends
  EXPECT_EQ(report.files_pruned_by_partition, 4);
  // Column bounds prune too: ids 30..59 live only in the second append's files.
  ids = scan_ids(*ops, "id >= 45", &report);
  EXPECT_EQ(ids, range(45, 60));
  EXPECT_EQ(report.files_pruned_by_metrics, 3);
  auto m = ops->current();
  EXPECT_EQ(m->snapshots.size(), 2u);
  EXPECT_EQ(m->current_snapshot()->summary.at("total-records"), "60");
  EXPECT_EQ(m->current_snapshot()->summary.at("total-data-files"), "6");
  EXPECT_EQ(m->current_snapshot()->sequence_number, 2);
}

TEST_F(TableLifecycle, TimeTravelAndRollback) {
  auto ops = create("t", "");
  int64_t first = append(*ops, rows(0, 10));
  append(*ops, rows(10, 25));
  auto m = ops->current();
  EXPECT_EQ(scan_ids(*ops, "", nullptr, m->snapshot_by_id(first)), range(0, 10));
  EXPECT_EQ(m->snapshot_as_of(m->snapshot_by_id(first)->timestamp_ms)->snapshot_id, first);
  ops->commit(m.get(), iceberg::set_current_snapshot(*m, first));
  EXPECT_EQ(scan_ids(*ops, ""), range(0, 10));
  EXPECT_EQ(ops->current()->metadata_log.size(), 3u);
}

TEST_F(TableLifecycle, MergeOnReadAndCopyOnWriteDeletes) {
  for (std::string mode : {"merge-on-read", "copy-on-write"}) {
    auto ops = create("t_" + std::string(mode == "merge-on-read" ? "mor" : "cow"), "day",
                      {{"write.delete.mode", mode}});
    append(*ops, rows(0, 30));
    auto pred =
        formats::parse_scan_predicate("name IS NULL", ops->current()->current_schema().schema);
    auto r = iceberg::delete_where(*ops, pred, 2);
    EXPECT_EQ(r.rows_deleted, 6) << mode;
    EXPECT_EQ(scan_ids(*ops, ""), range(0, 30, 5, 0)) << mode;
    if (mode == "merge-on-read") {
      EXPECT_EQ(r.delete_files_added, 3);
    } else {
      EXPECT_EQ(r.files_rewritten, 3);
    }
    // A whole partition deleted drops its file without delete files.
    pred = formats::parse_scan_predicate("day = '1970-01-01'",
                                         ops->current()->current_schema().schema);
    r = iceberg::delete_where(*ops, pred, 2);
    EXPECT_EQ(r.files_removed, 1) << mode;
    std::vector<int64_t> want;
    for (int64_t i = 0; i < 30; ++i)
      if (i % 5 != 0 && i % 3 != 0) want.push_back(i);
    EXPECT_EQ(scan_ids(*ops, ""), want) << mode;
    // Compaction applies the deletes and keeps the rows.
    // (Copy-on-write left one file per partition and no deletes: nothing to do.)
    auto c = iceberg::compact(*ops, 1 << 30, "", 2);
    EXPECT_EQ(c.snapshot_id.has_value(), mode == "merge-on-read") << mode;
    EXPECT_EQ(scan_ids(*ops, ""), want) << mode;
    EXPECT_EQ(ops->current()->current_snapshot()->summary.at("total-delete-files"), "0");
  }
}

// A file read in parts (as scans spread one file over threads) yields every row exactly once
// and in order, with or without a filter and position deletes, whatever the part size next
// to the row groups and pages; the report counts each row group once.
TEST_F(TableLifecycle, FilePartsCoverEveryRowOnce) {
  auto ops = create("parts", "",
                    {{"write.parquet.row-group-size-bytes", "16384"},
                     {"write.parquet.page-row-limit", "100"},
                     {"write.delete.mode", "merge-on-read"}});
  append(*ops, rows(0, 5000));
  auto read_in_parts = [&](const std::string& filter, int64_t part_rows,
                           parquet::PruneReport* report) {
    auto m = ops->current();
    const auto& schema = m->current_schema();
    auto pred = formats::parse_scan_predicate(filter, schema.schema);
    auto plan = iceberg::plan_scan(ops->io(), *m, m->current_snapshot(), schema, pred, 1);
    iceberg::TableReader reader(ops->io(), *m, schema, {"id", "name"}, pred.clone());
    std::vector<int64_t> ids;
    for (const auto& t : plan.tasks) {
      auto opened = reader.open(t);
      int64_t parts = part_rows > 0 ? (t.file.record_count + part_rows - 1) / part_rows : 1;
      for (int64_t k = 0; k < parts; ++k)
        reader.read(t, [&](Batch&& b) {
          for (int64_t r = 0; r < b.num_rows(); ++r) {
            ids.push_back(b.columns[0].value<int64_t>(r));
            // The columns stay aligned: name is "n<id>" or NULL.
            EXPECT_EQ(b.columns[1].is_valid(r), ids.back() % 5 != 0);
            if (b.columns[1].is_valid(r)) {
              EXPECT_EQ(b.columns[1].string_at(r), "n" + std::to_string(ids.back()));
            }
          }
          return true;
        }, report, iceberg::FilePart{k, part_rows}, opened.get());
    }
    return ids;
  };
  {
    auto m = ops->current();
    auto plan = iceberg::plan_scan(ops->io(), *m, m->current_snapshot(), m->current_schema(), {}, 1);
    ASSERT_EQ(plan.tasks.size(), 1u);
    auto reader = iceberg::TableReader(ops->io(), *m, m->current_schema(), {}, {}).open(plan.tasks[0]);
    ASSERT_GT(reader->num_row_groups(), 3);  // several row groups of several pages
    ASSERT_TRUE(reader->can_read_in_parts(0, {}));
  }
  parquet::PruneReport whole;
  EXPECT_EQ(read_in_parts("", 0, &whole), range(0, 5000));
  for (int64_t part : {7, 64, 250, 777, 1500, 4096, 10000}) {
    parquet::PruneReport report;
    EXPECT_EQ(read_in_parts("", part, &report), range(0, 5000)) << part;
    EXPECT_EQ(report.row_groups, whole.row_groups) << part;
    EXPECT_EQ(report.rows_total, whole.rows_total) << part;
    std::vector<int64_t> want = range(1234, 3000);
    EXPECT_EQ(read_in_parts("id >= 1234 AND id < 3000", part, nullptr), want) << part;
  }
  auto del = formats::parse_scan_predicate("name IS NULL", ops->current()->current_schema().schema);
  EXPECT_EQ(iceberg::delete_where(*ops, del, 1).rows_deleted, 1000);
  for (int64_t part : {0, 64, 777, 4096})
    EXPECT_EQ(read_in_parts("", part, nullptr), range(0, 5000, 5, 0)) << part;
}

TEST_F(TableLifecycle, SchemaEvolutionKeepsOldDataReadable) {
  auto ops = create("t", "");
  append(*ops, rows(0, 5));
  using K = iceberg::TableChange::Kind;
  iceberg::TableChange add{K::kAddColumn, "score", "", DataType(TypeId::kFloat64), true, "id", ""};
  iceberg::TableChange ren{K::kRenameColumn, "name", "label", {}, true, "", ""};
  iceberg::TableChange drop{K::kDropColumn, "day", "", {}, true, "", ""};
  auto m = iceberg::commit_table_changes(*ops, {add, ren, drop});
  const auto& s = m->current_schema();
  ASSERT_EQ(s.schema.fields.size(), 3u);
  EXPECT_EQ(s.schema.fields[1].name, "score");
  EXPECT_EQ(*s.schema.fields[1].field_id, 4);
  EXPECT_EQ(s.schema.fields[2].name, "label");
  EXPECT_EQ(*s.schema.fields[2].field_id, 3);  // the id stays with the column
  iceberg::TableReader reader(ops->io(), *m, s, {}, {});
  auto plan = iceberg::plan_scan(ops->io(), *m, m->current_snapshot(), s, {}, 1);
  ASSERT_EQ(plan.tasks.size(), 1u);
  std::vector<std::string> labels;
  reader.read(plan.tasks[0], [&](Batch&& b) {
    EXPECT_EQ(b.columns[1].null_count(), b.num_rows());  // score did not exist then
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string t;
      if (b.columns[2].is_valid(r)) columnar::append_value_text(b.columns[2], r, t);
      labels.push_back(b.columns[2].is_valid(r) ? t : "NULL");
    }
    return true;
  });
  EXPECT_EQ(labels, (std::vector<std::string>{"NULL", "n1", "n2", "n3", "n4"}));
  // Narrowing is refused, naming the column.
  iceberg::TableChange narrow{K::kWidenColumn, "id", "", DataType(TypeId::kInt32), true, "", ""};
  EXPECT_THROW(iceberg::apply_table_changes(*m, {narrow}), InvalidInputError);
  // Partition evolution: new data goes to the new spec, old data keeps the old.
  iceberg::TableChange part{K::kSetPartitioning, "", "", {}, true, "", "bucket(4, id)"};
  m = iceberg::commit_table_changes(*ops, {part});
  EXPECT_EQ(m->default_spec_id, 1);
  EXPECT_EQ(m->default_spec().fields[0].field_id, 1000);
}

TEST_F(TableLifecycle, InitialDefaultFillsOldFiles) {
  auto ops = create("t", "");
  append(*ops, rows(0, 3));
  using K = iceberg::TableChange::Kind;
  iceberg::TableChange add{K::kAddColumn, "region", "", DataType(TypeId::kString), true, "", ""};
  iceberg::TableMetadata next = iceberg::apply_table_changes(*ops->current(), {add});
  // As another engine would set it: the value old rows have for the new column.
  auto schema = std::make_shared<iceberg::TableSchema>(next.current_schema());
  schema->field_attributes[4] = {{"initial-default", "emea"}};
  for (auto& s : next.schemas)
    if (s->schema_id == schema->schema_id) s = schema;
  ops->commit(ops->current().get(), next);
  auto m = ops->current();
  auto plan = iceberg::plan_scan(ops->io(), *m, m->current_snapshot(), m->current_schema(), {}, 1);
  iceberg::TableReader reader(ops->io(), *m, m->current_schema(), {"region"}, {});
  int64_t n = 0;
  reader.read(plan.tasks.at(0), [&](Batch&& b) {
    for (int64_t r = 0; r < b.num_rows(); ++r, ++n) EXPECT_EQ(b.columns[0].string_at(r), "emea");
    return true;
  });
  EXPECT_EQ(n, 3);
  EXPECT_EQ(iceberg::table_metadata_to_json(*m)["schemas"][1]["fields"][3]["initial-default"],
            "emea");
}

TEST_F(TableLifecycle, EqualityDeletesApplyToOlderDataOnly) {
  auto ops = create("t", "");
  append(*ops, rows(0, 10));
  // An equality delete on name (field 3): "n4" and NULL (rows 0 and 5 have NULL names).
  columnar::Schema ds;
  ds.fields = {Field("name", DataType(TypeId::kString), true, 3)};
  Batch b = Batch::empty_of(ds);
  b.columns[0].append_string("n4");
  b.columns[0].append_null();
  std::string loc = io::join_location(ops->current()->location, "data/eq-deletes.parquet");
  parquet::ParquetWriter w(ops->io().create_output(loc), ds);
  w.write(b);
  iceberg::TableSchema dschema;
  dschema.schema = ds;
  iceberg::DataFile df = iceberg::data_file_from_parquet(w.close(), dschema, loc, w.file_size());
  df.content = iceberg::FileContent::kEqualityDeletes;
  df.equality_ids = {3};
  iceberg::SnapshotChanges ch;
  ch.operation = "delete";
  ch.added_delete_files = {df};
  iceberg::commit_changes(*ops, ch);
  EXPECT_EQ(scan_ids(*ops, ""), (std::vector<int64_t>{1, 2, 3, 6, 7, 8, 9}));
  // Rows appended later have a newer sequence number: the deletes do not touch them.
  append(*ops, rows(0, 5));
  EXPECT_EQ(scan_ids(*ops, ""), (std::vector<int64_t>{0, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9}));
  EXPECT_EQ(scan_ids(*ops, "id = 4").size(), 1u);
}

TEST_F(TableLifecycle, ConflictsAreDetectedAndAppendsRetried) {
  auto a = create("t", "");
  append(*a, rows(0, 3));
  auto b = cat_->table_operations(TableIdentifier{{"db"}, "t"});
  auto base_b = b->current();
  append(*a, rows(3, 6));  // a moves the table on; b still holds the old base
  auto next = iceberg::set_current_snapshot(*base_b, *base_b->current_snapshot_id);
  EXPECT_THROW(b->commit(base_b.get(), next), iceberg::CommitConflictError);
  // commit_changes re-applies an append on the newer base.
  iceberg::DataWriter w(b->io(), base_b);
  w.write(rows(6, 9));
  iceberg::SnapshotChanges ch;
  ch.added_data_files = w.finish();
  auto res = iceberg::commit_changes(*b, ch);
  EXPECT_EQ(res.attempts, 2);
  EXPECT_EQ(scan_ids(*b, ""), range(0, 9));
  EXPECT_EQ(b->current()->snapshots.size(), 3u);
}

TEST_F(TableLifecycle, ConcurrentAppendsFromThreadsAllLand) {
  create("t", "");
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      SqlCatalog cat(config_);  // one connection per thread
      auto ops = cat.table_operations(TableIdentifier{{"db"}, "t"});
      for (int j = 0; j < 3; ++j) append(*ops, rows(k * 100 + j * 10, k * 100 + j * 10 + 10));
    });
  for (auto& t : threads) t.join();
  auto ops = cat_->table_operations(TableIdentifier{{"db"}, "t"});
  EXPECT_EQ(scan_ids(*ops, "").size(), 120u);
  EXPECT_EQ(ops->current()->snapshots.size(), 12u);
  EXPECT_EQ(ops->current()->last_sequence_number, 12);
}

// A sorted table's file is in the sort order as a whole, not only row group by row group,
// when its rows pass the writer's buffer many times over: each buffer is set aside as a
// sorted run and the runs are merged into the file (also when a file reaches its target size
// before the end).
TEST_F(TableLifecycle, SortedTableFilesAreSortedWhole) {
  const int64_t n = 6000;
  Batch all = rows(0, n);
  std::vector<uint32_t> perm(n);
  for (int64_t i = 0; i < n; ++i) perm[size_t(i)] = uint32_t(i);
  std::shuffle(perm.begin(), perm.end(), std::mt19937(3));
  Batch shuffled;
  shuffled.schema = all.schema;
  for (const auto& c : all.columns) shuffled.columns.push_back(c.take(perm));
  for (const char* target : {"536870912", "30000"}) {
    SCOPED_TRACE(std::string("target file size ") + target);
    auto ops = create(std::string("sorted_") + target, "day",
                      {{"write.parquet.row-group-size-bytes", "2000"},
                       {"write.target-file-size-bytes", target}},
                      "name DESC NULLS LAST, id");
    iceberg::DataWriter w(ops->io(), ops->current());
    for (int64_t at = 0; at < n; at += 97) {
      Batch part;
      part.schema = shuffled.schema;
      for (const auto& c : shuffled.columns)
        part.columns.push_back(c.slice(at, std::min<int64_t>(97, n - at)));
      w.write(part);
    }
    auto files = w.finish();
    EXPECT_GT(files.size(), std::string(target) == "30000" ? 3u : 2u);
    int64_t total = 0;
    for (const auto& f : files) {
      EXPECT_EQ(f.sort_order_id, 1);
      auto reader = parquet::ParquetReader::open(io::local_path(f.file_path));
      EXPECT_GT(reader->num_row_groups(), 1);
      // (name, id) of every row in file order: names descending with NULLs last, ids
      // ascending among equal names.
      std::vector<std::pair<std::optional<std::string>, int64_t>> keys;
      for (int g = 0; g < reader->num_row_groups(); ++g) {
        Batch b = reader->read_row_group(g);
        for (int64_t r = 0; r < b.num_rows(); ++r)
          keys.emplace_back(b.columns[2].is_null(r)
                                ? std::nullopt
                                : std::optional<std::string>(b.columns[2].string_at(r)),
                            b.columns[0].value<int64_t>(r));
      }
      for (size_t i = 1; i < keys.size(); ++i) {
        const auto& [pn, pid] = keys[i - 1];
        const auto& [cn, cid] = keys[i];
        bool ordered;
        if (pn && cn)
          ordered = *pn > *cn || (*pn == *cn && pid < cid);
        else
          ordered = pn || (!cn && pid < cid);  // a NULL name only before another one
        ASSERT_TRUE(ordered) << f.file_path << " row " << i;
      }
      total += int64_t(keys.size());
    }
    EXPECT_EQ(total, n);
    iceberg::SnapshotChanges ch;
    ch.added_data_files = std::move(files);
    iceberg::commit_changes(*ops, ch);
    EXPECT_EQ(scan_ids(*ops, "").size(), size_t(n));
  }
}

TEST_F(TableLifecycle, RemovedFileGoneMeansConflict) {
  auto a = create("t", "");
  append(*a, rows(0, 10));
  auto m = a->current();
  auto entries = iceberg::live_entries(a->io(), *m->current_snapshot());
  iceberg::SnapshotChanges drop;
  drop.operation = "delete";
  drop.removed_files.insert(entries[0].data_file.file_path);
  iceberg::commit_changes(*a, drop);
  // The same removal again, from a writer whose base still has the file.
  auto b = cat_->table_operations(TableIdentifier{{"db"}, "t"});
  EXPECT_THROW(iceberg::commit_changes(*b, drop), iceberg::CommitConflictError);
}

TEST_F(TableLifecycle, MultiTableCommitIsAtomic) {
  auto t1 = create("t1", "");
  auto t2 = create("t2", "");
  std::string l1 = t1->metadata_location(), l2 = t2->metadata_location();
  // One stale expectation: neither pointer moves.
  EXPECT_THROW(cat_->commit({{TableIdentifier{{"db"}, "t1"}, l1, "file:///x1"},
                             {TableIdentifier{{"db"}, "t2"}, "stale", "file:///x2"}}),
               iceberg::CommitConflictError);
  EXPECT_EQ(cat_->table_metadata_location(TableIdentifier{{"db"}, "t1"}), l1);
  EXPECT_EQ(cat_->table_metadata_location(TableIdentifier{{"db"}, "t2"}), l2);
}

TEST_F(TableLifecycle, ExpireAndOrphans) {
  auto ops = create("t", "");
  append(*ops, rows(0, 10));
  auto pred = formats::parse_scan_predicate("id < 10", ops->current()->current_schema().schema);
  iceberg::delete_where(*ops, pred, 1);  // drops the only file
  append(*ops, rows(10, 20));
  auto r = iceberg::expire_snapshots(*ops, iceberg::now_ms() + 1000, 1);
  EXPECT_EQ(r.snapshots_expired, 2);
  EXPECT_GE(r.files_deleted, 3);  // the first data file, its manifests and lists
  EXPECT_EQ(scan_ids(*ops, ""), range(10, 20));
  // A stray file under the table is an orphan; live files are not.
  auto stray = io::join_location(ops->current()->location, "data/stray.parquet");
  ops->io().create_output(stray)->close();
  auto orphans = iceberg::remove_orphan_files(*ops, iceberg::now_ms() + 1000, true);
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_NE(orphans[0].find("stray.parquet"), std::string::npos);
  EXPECT_EQ(scan_ids(*ops, ""), range(10, 20));
}

TEST_F(TableLifecycle, NamespacesAndErrors) {
  EXPECT_TRUE(cat_->namespace_exists({"db"}));
  EXPECT_THROW(cat_->create_namespace({"db"}, {}), CatalogError);
  cat_->create_namespace({"db"}, {}, true);
  EXPECT_THROW(cat_->table_operations(TableIdentifier{{"db"}, "missing"}), CatalogError);
  EXPECT_THROW(TableIdentifier::parse("nonamespace"), InvalidInputError);
  create("t", "");
  EXPECT_THROW(cat_->drop_namespace({"db"}), CatalogError);  // not empty
  cat_->rename_table(TableIdentifier{{"db"}, "t"}, TableIdentifier{{"db"}, "u"});
  EXPECT_FALSE(cat_->table_exists(TableIdentifier{{"db"}, "t"}));
  EXPECT_TRUE(cat_->table_exists(TableIdentifier{{"db"}, "u"}));
  cat_->drop_table(TableIdentifier{{"db"}, "u"}, true);
  cat_->drop_namespace({"db"});
  EXPECT_FALSE(cat_->namespace_exists({"db"}));
  // Values that do not fit the table's types name the column and row.
  cat_->create_namespace({"db"}, {});
  auto ops = create("t", "");
  Batch bad;
  bad.schema.fields = {Field("id", DataType(TypeId::kString))};
  bad.columns.emplace_back(DataType(TypeId::kString));
  bad.columns[0].append_string("7");
  bad.columns[0].append_string("seven");
  iceberg::DataWriter w(ops->io(), ops->current());
  try {
    w.write(bad);
    FAIL() << "expected an error";
  } catch (const InvalidInputError& e) {
    EXPECT_NE(std::string(e.what()).find("id: row 2"), std::string::npos) << e.what();
  }
}

// Java's JdbcCatalog with jdbc.schema-version=V1 adds an iceberg_type column and keeps views
// in iceberg_tables: floe lists, loads, drops and renames tables only, refuses a view's name
// for a new table, and types the rows it creates as Java does.
TEST_F(TableLifecycle, JdbcV1LayoutKeepsViewsApart) {
  create("t", "");
  catalog::SqliteDatabase db(config_.catalog_path);
  db.exec("ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)");
  db.exec(
      "INSERT INTO iceberg_tables VALUES ('floe', 'db', 'v', "
      "'file:///nowhere/v/metadata/00000-x.gz.metadata.json', NULL, 'VIEW')");
  TableIdentifier t{{"db"}, "t"}, v{{"db"}, "v"};
  auto tables = cat_->list_tables({"db"});
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "t");  // a row from before the migration (NULL type) is a table
  EXPECT_FALSE(cat_->table_exists(v));
  EXPECT_THROW(cat_->table_operations(v), CatalogError);
  EXPECT_THROW(cat_->drop_table(v, false), CatalogError);
  EXPECT_THROW(cat_->rename_table(v, TableIdentifier{{"db"}, "w"}), CatalogError);
  EXPECT_THROW(cat_->rename_table(t, v), CatalogError);
  EXPECT_THROW(create("v", ""), CatalogError);
  create("n", "");
  {
    auto type = db.prepare("SELECT iceberg_type FROM iceberg_tables WHERE table_name = 'n'");
    ASSERT_TRUE(type.step());
    EXPECT_EQ(type.text(0), "TABLE");
  }
  cat_->drop_table(t, false);
  cat_->drop_table(TableIdentifier{{"db"}, "n"}, false);
  EXPECT_TRUE(cat_->list_tables({"db"}).empty());
  EXPECT_THROW(cat_->drop_namespace({"db"}), CatalogError);  // it holds the view
  auto view = db.prepare("SELECT count(*) FROM iceberg_tables WHERE iceberg_type = 'VIEW'");
  ASSERT_TRUE(view.step());
  EXPECT_EQ(view.integer(0), 1);
}

}  // namespace
}  // namespace floe
