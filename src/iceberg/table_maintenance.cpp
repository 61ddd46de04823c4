#include "iceberg/table_maintenance.h"

#include <algorithm>
#include <mutex>
#include <numeric>
#include <set>
#include <unordered_set>

#include "base/error.h"
#include "base/parallel_for.h"
#include "columnar/value_compare.h"
#include "formats/parquet/parquet_writer.h"
#include "iceberg/data_file_metrics.h"
#include "iceberg/data_writer.h"
#include "iceberg/manifest_io.h"
#include "iceberg/row_sort.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_reader.h"

namespace floe::iceberg {

using columnar::Batch;
using columnar::Column;

namespace {

std::string parent_folder(const std::string& location) {
  auto slash = location.rfind('/');
  return slash == std::string::npos ? location : location.substr(0, slash);
}

// Writes a position delete file for `data_file` (positions sorted, unique).
DataFile write_position_deletes(io::FileIO& io, const TableMetadata& m, const DataFile& data_file,
                                const std::vector<int64_t>& positions) {
  TableSchema schema;
  schema.schema.fields = {
      columnar::Field("file_path", columnar::DataType(columnar::TypeId::kString), false,
                      kDeleteFilePathFieldId),
      columnar::Field("pos", columnar::DataType(columnar::TypeId::kInt64), false,
                      kDeletePosFieldId)};
  std::string folder = data_file.file_path.starts_with(m.location)
                           ? parent_folder(data_file.file_path)
                           : io::join_location(m.location, "data");
  std::string location = io::join_location(folder, fmt::format("{}-deletes.parquet", new_uuid()));
  Batch b;
  b.schema = schema.schema;
  b.columns.emplace_back(b.schema.fields[0].type);
  b.columns.emplace_back(b.schema.fields[1].type);
  b.columns[0].reserve(int64_t(positions.size()));
  b.columns[1].reserve(int64_t(positions.size()));
  for (int64_t p : positions) {
    b.columns[0].append_string(data_file.file_path);
    b.columns[1].append<int64_t>(p);
  }
  parquet::ParquetWriteOptions po = parquet_options_for(m);
  po.bloom_filter_columns.clear();
  parquet::ParquetWriter w(io.create_output(location), schema.schema, po);
  w.write(b);
  const auto& md = w.close();
  DataFile df = data_file_from_parquet(md, schema, location, w.file_size(),
                                       /*truncate_length=*/0);
  df.content = FileContent::kPositionDeletes;
  df.partition = data_file.partition;
  df.referenced_data_file = data_file.file_path;
  return df;
}

// Reads every row of a task's file in order (no filter, no deletes), as the table schema.
void read_in_order(io::FileIO& io, const TableMetadata& m, const TableSchema& schema,
                   const FileScanTask& task, const std::vector<std::string>& columns,
                   const std::function<void(Batch&&, int64_t first_pos)>& fn) {
  TableReader reader(io, m, schema, columns, {});
  FileScanTask plain = task;
  plain.delete_files.clear();
  int64_t pos = 0;
  reader.read(plain, [&](Batch&& b) {
    int64_t n = b.num_rows();
    fn(std::move(b), pos);
    pos += n;
    return true;
  });
}

std::vector<int64_t> existing_deletes(TableReader& reader, const FileScanTask& task) {
  std::vector<int64_t> out;
  for (const auto& d : task.delete_files) {
    auto p = reader.deleted_positions(d, task.file.file_path);
    out.insert(out.end(), p.begin(), p.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

namespace {
DeleteResult delete_and_add(TableOperations& ops, const formats::ScanPredicate& predicate,
                            std::vector<DataFile> new_files, int threads);
}  // namespace

DeleteResult delete_where(TableOperations& ops, const formats::ScanPredicate& predicate,
                          int threads) {
  return delete_and_add(ops, predicate, {}, threads);
}

DeleteResult overwrite_where(TableOperations& ops, const formats::ScanPredicate& predicate,
                             std::vector<DataFile> new_files, int threads) {
  return delete_and_add(ops, predicate, std::move(new_files), threads);
}

namespace {
DeleteResult delete_and_add(TableOperations& ops, const formats::ScanPredicate& predicate,
                            std::vector<DataFile> new_files, int threads) {
  DeleteResult result;
  auto m = ops.current();
  const Snapshot* snap = m->current_snapshot();
  const TableSchema& schema = m->current_schema();
  ScanPlan plan = plan_scan(ops.io(), *m, snap, schema, predicate, threads);
  const bool cow = m->property("write.delete.mode", "merge-on-read") == "copy-on-write";
  SnapshotChanges changes;
  changes.operation = "delete";
  std::mutex mu;
  std::vector<std::string> written;
  std::vector<std::string> pred_cols;
  for (const auto& t : predicate.terms)
    if (std::find(pred_cols.begin(), pred_cols.end(), t.column) == pred_cols.end())
      pred_cols.push_back(t.column);
  TableReader delete_reader(ops.io(), *m, schema, {}, {});
  try {
    parallel_for(int64_t(plan.tasks.size()), threads, [&](int64_t i) {
      const FileScanTask& task = plan.tasks[size_t(i)];
      std::vector<int64_t> already = existing_deletes(delete_reader, task);
      std::vector<int64_t> matched;
      int64_t live = 0;
      read_in_order(ops.io(), *m, schema, task, pred_cols, [&](Batch&& b, int64_t first) {
        auto sel = predicate.empty() ? columnar::SelectionVector{}
                                     : formats::evaluate_predicate(predicate, b);
        if (predicate.empty()) {
          sel.resize(size_t(b.num_rows()));
          std::iota(sel.begin(), sel.end(), 0);
        }
        auto lo = std::lower_bound(already.begin(), already.end(), first);
        auto hi = std::lower_bound(already.begin(), already.end(), first + b.num_rows());
        live += b.num_rows() - (hi - lo);
        for (uint32_t r : sel)
          if (!std::binary_search(lo, hi, first + int64_t(r))) matched.push_back(first + r);
      });
      if (matched.empty()) return;
      std::lock_guard<std::mutex> lock(mu);
      result.rows_deleted += int64_t(matched.size());
      if (int64_t(matched.size()) == live) {
        changes.removed_files.insert(task.file.file_path);
        for (const auto& d : task.delete_files)
          if (d.referenced_data_file == task.file.file_path)
            changes.removed_files.insert(d.file_path);
        ++result.files_removed;
        return;
      }
      if (!cow) {
        DataFile df = write_position_deletes(ops.io(), *m, task.file, matched);
        written.push_back(df.file_path);
        changes.added_delete_files.push_back(std::move(df));
        changes.added_delete_spec_ids.push_back(task.spec_id);
        ++result.delete_files_added;
        return;
      }
      // Copy-on-write: the rows that stay, in a new file.
      std::vector<int64_t> gone = already;
      gone.insert(gone.end(), matched.begin(), matched.end());
      std::sort(gone.begin(), gone.end());
      DataWriter writer(ops.io(), m);
      read_in_order(ops.io(), *m, schema, task, {}, [&](Batch&& b, int64_t first) {
        columnar::SelectionVector keep;
        for (int64_t r = 0; r < b.num_rows(); ++r)
          if (!std::binary_search(gone.begin(), gone.end(), first + r)) keep.push_back(uint32_t(r));
        if (keep.empty()) return;
        Batch kept;
        kept.schema = b.schema;
        for (const auto& c : b.columns) kept.columns.push_back(c.take(keep));
        writer.write(kept);
      });
      for (auto& f : writer.finish()) {
        written.push_back(f.file_path);
        changes.added_data_files.push_back(std::move(f));
      }
      changes.removed_files.insert(task.file.file_path);
      for (const auto& d : task.delete_files)
        if (d.referenced_data_file == task.file.file_path)
          changes.removed_files.insert(d.file_path);
      ++result.files_rewritten;
    });
    if (result.rows_deleted == 0 && new_files.empty()) return result;
    for (auto& f : new_files) changes.added_data_files.push_back(std::move(f));
    if (!changes.added_data_files.empty()) changes.operation = "overwrite";
    auto committed = commit_changes(ops, changes);
    result.snapshot_id = committed.snapshot_id;
  } catch (const CommitStateUnknownError&) {
    throw;
  } catch (...) {
    io::remove_quietly(ops.io(), written);
    throw;
  }
  return result;
}
}  // namespace

CompactResult compact(TableOperations& ops, int64_t min_file_bytes, const std::string& sort_clause,
                      int threads) {
  CompactResult result;
  auto m = ops.current();
  const Snapshot* snap = m->current_snapshot();
  if (!snap) return result;
  const TableSchema& schema = m->current_schema();
  int64_t target = m->property_int("write.target-file-size-bytes", 512ll << 20);
  if (min_file_bytes <= 0) min_file_bytes = target * 3 / 4;
  SortOrder order;
  if (!sort_clause.empty()) {
    order = parse_sort_clause(sort_clause, schema, 1);
  } else if (const SortOrder* o = m->sort_order_by_id(m->default_sort_order_id)) {
    order = *o;
  }
  ScanPlan plan = plan_scan(ops.io(), *m, snap, schema, {}, threads);
  result.files_before = int64_t(plan.tasks.size());
  // Groups: (spec, partition) -> tasks to rewrite.
  std::map<std::pair<int32_t, std::vector<std::optional<std::string>>>, std::vector<size_t>> groups;
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const auto& t = plan.tasks[i];
    bool small = t.file.file_size_in_bytes < min_file_bytes;
    bool resort = !sort_clause.empty();
    if (small || !t.delete_files.empty() || resort || t.spec_id != m->default_spec_id)
      groups[{t.spec_id, t.file.partition}].push_back(i);
  }
  SnapshotChanges changes;
  changes.operation = "replace";
  std::vector<std::string> written;
  int64_t kept_files = result.files_before;
  try {
    TableReader reader(ops.io(), *m, schema, {}, {});
    for (const auto& [key, idx] : groups) {
      bool has_deletes = false;
      for (size_t i : idx) has_deletes |= !plan.tasks[i].delete_files.empty();
      if (idx.size() < 2 && !has_deletes && sort_clause.empty() && key.first == m->default_spec_id)
        continue;
      std::vector<Batch> parts;
      for (size_t i : idx) {
        reader.read(plan.tasks[i], [&](Batch&& b) {
          parts.push_back(std::move(b));
          return true;
        });
        changes.removed_files.insert(plan.tasks[i].file.file_path);
        for (const auto& d : plan.tasks[i].delete_files) changes.removed_files.insert(d.file_path);
      }
      kept_files -= int64_t(idx.size());
      Batch all = concat_batches(parts, schema.schema);
      result.rows += all.num_rows();
      if (all.num_rows() == 0) continue;
      auto perm = sort_permutation(all, order, schema);
      Batch sorted;
      sorted.schema = all.schema;
      for (const auto& c : all.columns) sorted.columns.push_back(c.take(perm));
      DataWriteOptions wo;
      wo.threads = threads;
      DataWriter writer(ops.io(), m, wo);
      writer.write(sorted);
      for (auto& f : writer.finish()) {
        written.push_back(f.file_path);
        f.sort_order_id = order.fields.empty() ? 0 : m->default_sort_order_id;
        changes.added_data_files.push_back(std::move(f));
      }
    }
    // Delete files whose data files are all rewritten go too (they apply to nothing left).
    if (changes.removed_files.empty()) {
      result.files_after = result.files_before;
      return result;
    }
    result.files_after = kept_files + int64_t(changes.added_data_files.size());
    auto committed = commit_changes(ops, changes);
    result.snapshot_id = committed.snapshot_id;
  } catch (const CommitStateUnknownError&) {
    throw;
  } catch (...) {
    io::remove_quietly(ops.io(), written);
    throw;
  }
  return result;
}

namespace {

// Every file a snapshot references: its manifest list, manifests, and the files in them.
void referenced_files(io::FileIO& io, const Snapshot& s, std::unordered_set<std::string>& manifests,
                      std::unordered_set<std::string>& files, bool include_deleted_entries) {
  for (const auto& mf : read_manifest_list(io, s.manifest_list)) {
    bool fresh = manifests.insert(mf.manifest_path).second;
    if (!fresh) continue;
    for (const auto& e : read_manifest(io, mf))
      if (include_deleted_entries || e.status != EntryStatus::kDeleted)
        files.insert(e.data_file.file_path);
  }
}

}  // namespace

ExpireResult expire_snapshots(TableOperations& ops, int64_t older_than_ms, int retain_last) {
  ExpireResult result;
  auto m = ops.current();
  std::set<int64_t> keep;
  int n = 0;
  for (const Snapshot* s = m->current_snapshot(); s && n < std::max(1, retain_last);
       s = s->parent_snapshot_id ? m->snapshot_by_id(*s->parent_snapshot_id) : nullptr, ++n)
    keep.insert(s->snapshot_id);
  for (const auto& [name, ref] : m->refs) keep.insert(ref.snapshot_id);
  for (const auto& s : m->snapshots)
    if (s.timestamp_ms >= older_than_ms) keep.insert(s.snapshot_id);
  std::vector<const Snapshot*> expired;
  for (const auto& s : m->snapshots)
    if (!keep.count(s.snapshot_id)) expired.push_back(&s);
  if (expired.empty()) return result;

  std::unordered_set<std::string> keep_manifests, keep_files;
  for (const auto& s : m->snapshots)
    if (keep.count(s.snapshot_id))
      referenced_files(ops.io(), s, keep_manifests, keep_files, /*include_deleted=*/false);
  std::unordered_set<std::string> old_manifests, old_files;
  std::vector<std::string> old_lists;
  for (const Snapshot* s : expired) {
    old_lists.push_back(s->manifest_list);
    referenced_files(ops.io(), *s, old_manifests, old_files, /*include_deleted=*/true);
  }

  TableMetadata next = *m;
  next.snapshots.clear();
  for (const auto& s : m->snapshots)
    if (keep.count(s.snapshot_id)) next.snapshots.push_back(s);
  next.snapshot_log.clear();
  for (const auto& e : m->snapshot_log)
    if (keep.count(e.snapshot_id)) next.snapshot_log.push_back(e);
  next.last_updated_ms = std::max(now_ms(), m->last_updated_ms);
  ops.commit(m.get(), next);
  result.snapshots_expired = int64_t(expired.size());

  auto remove = [&](const std::string& loc) {
    try {
      ops.io().remove(loc);
      ++result.files_deleted;
    } catch (const Error&) {
    }
  };
  for (const auto& f : old_files)
    if (!keep_files.count(f)) remove(f);
  for (const auto& mf : old_manifests)
    if (!keep_manifests.count(mf)) remove(mf);
  for (const auto& l : old_lists) remove(l);
  return result;
}

std::vector<std::string> remove_orphan_files(TableOperations& ops, int64_t older_than_ms,
                                             bool dry_run) {
  auto m = ops.current();
  std::unordered_set<std::string> manifests, files;
  for (const auto& s : m->snapshots) {
    files.insert(s.manifest_list);
    referenced_files(ops.io(), s, manifests, files, /*include_deleted=*/true);
  }
  for (const auto& mf : manifests) files.insert(mf);
  files.insert(ops.metadata_location());
  for (const auto& e : m->metadata_log) files.insert(e.metadata_file);
  // Locations may be spelled file:/x, file:///x or /x: compare the local paths.
  std::unordered_set<std::string> known;
  for (const auto& f : files)
    known.insert(io::location_scheme(f) == "file" ? io::local_path(f) : f);
  std::vector<std::string> orphans;
  for (const auto& info : ops.io().list(io::join_location(m->location, ""))) {
    std::string key = io::location_scheme(info.location) == "file" ? io::local_path(info.location)
                                                                   : info.location;
    if (known.count(key)) continue;
    if (key.ends_with("version-hint.text")) continue;
    if (info.modified_ms >= older_than_ms) continue;
    orphans.push_back(info.location);
  }
  std::sort(orphans.begin(), orphans.end());
  if (!dry_run)
    for (const auto& o : orphans) ops.io().remove(o);
  return orphans;
}

}  // namespace floe::iceberg
