#include "iceberg/snapshot_update.h"

#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

#include "base/error.h"
#include "base/fault_point.h"
#include "base/parallel_for.h"
#include "iceberg/manifest_io.h"

namespace floe::iceberg {

namespace {

std::string engine_version() { return "0.1.0"; }

void add_count(std::map<std::string, std::string>& s, const char* key, int64_t v) {
  if (v != 0) s[key] = std::to_string(v);
}

}  // namespace

std::vector<ManifestEntry> live_entries(io::FileIO& io, const Snapshot& snapshot, int threads) {
  auto manifests = read_manifest_list(io, snapshot.manifest_list);
  std::vector<std::vector<ManifestEntry>> per(manifests.size());
  parallel_for(int64_t(manifests.size()), threads, [&](int64_t i) {
    for (auto& e : read_manifest(io, manifests[size_t(i)]))
      if (e.status != EntryStatus::kDeleted) per[size_t(i)].push_back(std::move(e));
  });
  std::vector<ManifestEntry> out;
  for (auto& v : per)
    for (auto& e : v) out.push_back(std::move(e));
  return out;
}

TableMetadata apply_changes(io::FileIO& io, const TableMetadata& base,
                            const SnapshotChanges& changes, int attempt,
                            std::vector<std::string>* written) {
  if (base.format_version >= 3)
    throw UnsupportedError(fmt::format(
        "table at {} is Iceberg format version {}: floe reads v3 tables but does not write "
        "snapshots to them yet (row lineage)",
        base.location, base.format_version));
  TableMetadata next = base;
  const Snapshot* parent = base.current_snapshot();
  const int64_t snapshot_id = new_snapshot_id();
  const int64_t sequence_number = base.format_version >= 2 ? base.last_sequence_number + 1 : 0;
  const std::string commit_uuid = new_uuid();
  const TableSchema& schema = base.current_schema();
  const PartitionSpec& spec = base.default_spec();
  int manifest_counter = 0;
  auto manifest_location = [&] {
    return io::join_location(base.location,
                             fmt::format("metadata/{}-m{}.avro", commit_uuid, manifest_counter++));
  };
  auto write = [&](const std::vector<ManifestEntry>& entries, const PartitionSpec& s) {
    ManifestWriteContext ctx;
    ctx.format_version = base.format_version;
    ctx.schema = &schema;
    ctx.spec = &s;
    ctx.snapshot_id = snapshot_id;
    ctx.sequence_number = sequence_number;
    ctx.codec = "deflate";
    std::string loc = manifest_location();
    if (written) written->push_back(loc);
    return write_manifest(io, loc, ctx, entries);
  };

  std::vector<ManifestFile> manifests;
  // New files first (Java lists the new manifests before the kept ones).
  if (!changes.added_data_files.empty()) {
    std::vector<ManifestEntry> entries;
    for (const auto& f : changes.added_data_files) {
      ManifestEntry e;
      e.status = EntryStatus::kAdded;
      e.data_file = f;
      entries.push_back(std::move(e));
    }
    manifests.push_back(write(entries, spec));
  }
  if (!changes.added_delete_files.empty()) {
    std::map<int32_t, std::vector<ManifestEntry>> by_spec;
    for (size_t i = 0; i < changes.added_delete_files.size(); ++i) {
      int32_t sid = changes.added_delete_spec_ids.empty() ? spec.spec_id
                                                          : changes.added_delete_spec_ids.at(i);
      ManifestEntry e;
      e.status = EntryStatus::kAdded;
      e.data_file = changes.added_delete_files[i];
      by_spec[sid].push_back(std::move(e));
    }
    for (const auto& [sid, entries] : by_spec)
      manifests.push_back(write(entries, base.spec_by_id(sid)));
  }

  int64_t deleted_files = 0, deleted_records = 0, removed_size = 0, removed_delete_files = 0;
  std::unordered_set<std::string> still_to_remove(changes.removed_files.begin(),
                                                  changes.removed_files.end());
  if (parent) {
    auto existing = read_manifest_list(io, parent->manifest_list);
    const int64_t min_merge = base.property_int("commit.manifest.min-count-to-merge", 100);
    const bool merge_enabled = base.property("commit.manifest-merge.enabled", "true") == "true";
    std::vector<ManifestFile> kept;
    for (const auto& m : existing) {
      bool touched = false;
      std::vector<ManifestEntry> entries;
      if (!changes.removed_files.empty()) {
        entries = read_manifest(io, m);
        for (const auto& e : entries)
          if (e.status != EntryStatus::kDeleted &&
              changes.removed_files.count(e.data_file.file_path))
            touched = true;
      }
      if (!touched) {
        kept.push_back(m);
        continue;
      }
      // Rewrite: removed files become DELETED in this snapshot, others EXISTING; entries
      // deleted by earlier snapshots are dropped.
      std::vector<ManifestEntry> rewritten;
      for (auto& e : entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        if (changes.removed_files.count(e.data_file.file_path)) {
          still_to_remove.erase(e.data_file.file_path);
          if (e.data_file.content == FileContent::kData) {
            ++deleted_files;
            deleted_records += e.data_file.record_count;
          } else {
            ++removed_delete_files;
          }
          removed_size += e.data_file.file_size_in_bytes;
          e.status = EntryStatus::kDeleted;
          e.snapshot_id = snapshot_id;
        } else {
          e.status = EntryStatus::kExisting;
        }
        rewritten.push_back(std::move(e));
      }
      manifests.push_back(write(rewritten, base.spec_by_id(m.partition_spec_id)));
    }
    // Manifest merging (Java's MergeAppend): many small data manifests of one spec are
    // folded into one when there are at least commit.manifest.min-count-to-merge.
    std::map<int32_t, std::vector<size_t>> by_spec;
    for (size_t i = 0; i < kept.size(); ++i)
      if (!kept[i].is_delete_manifest()) by_spec[kept[i].partition_spec_id].push_back(i);
    std::vector<bool> merged(kept.size(), false);
    if (merge_enabled) {
      for (const auto& [sid, idx] : by_spec) {
        if (int64_t(idx.size()) < min_merge) continue;
        std::vector<ManifestEntry> all;
        for (size_t i : idx) {
          for (auto& e : read_manifest(io, kept[i])) {
            if (e.status == EntryStatus::kDeleted) continue;
            e.status = EntryStatus::kExisting;
            all.push_back(std::move(e));
          }
          merged[i] = true;
        }
        manifests.push_back(write(all, base.spec_by_id(sid)));
      }
    }
    for (size_t i = 0; i < kept.size(); ++i)
      if (!merged[i]) manifests.push_back(kept[i]);
  }
  if (!still_to_remove.empty())
    throw CommitConflictError(fmt::format(
        "cannot commit: file {} is no longer part of the table (a concurrent operation removed "
        "it); the operation must be run again",
        *still_to_remove.begin()));

  Snapshot snap;
  snap.snapshot_id = snapshot_id;
  if (parent) snap.parent_snapshot_id = parent->snapshot_id;
  snap.sequence_number = sequence_number;
  snap.timestamp_ms = std::max(now_ms(), base.last_updated_ms);
  snap.schema_id = schema.schema_id;
  snap.manifest_list = io::join_location(
      base.location, fmt::format("metadata/snap-{}-{}-{}.avro", snapshot_id, attempt, commit_uuid));
  ManifestListContext lctx;
  lctx.format_version = base.format_version;
  lctx.snapshot_id = snapshot_id;
  lctx.parent_snapshot_id = snap.parent_snapshot_id;
  lctx.sequence_number = sequence_number;
  if (written) written->push_back(snap.manifest_list);
  write_manifest_list(io, snap.manifest_list, lctx, manifests);
  FLOE_FAULT_POINT("snapshot.after_manifest_list");

  // Summary (spec Appendix F): this commit's changes, then totals over the new manifests.
  auto& s = snap.summary;
  s = changes.summary;
  s["operation"] = changes.operation;
  int64_t added_records = 0, added_size = 0, added_pos_deletes = 0, added_del_size = 0;
  for (const auto& f : changes.added_data_files) {
    added_records += f.record_count;
    added_size += f.file_size_in_bytes;
  }
  for (const auto& f : changes.added_delete_files) {
    added_pos_deletes += f.record_count;
    added_del_size += f.file_size_in_bytes;
  }
  add_count(s, "added-data-files", int64_t(changes.added_data_files.size()));
  add_count(s, "added-records", added_records);
  add_count(s, "added-files-size", added_size + added_del_size);
  add_count(s, "added-delete-files", int64_t(changes.added_delete_files.size()));
  add_count(s, "added-position-delete-files", int64_t(changes.added_delete_files.size()));
  add_count(s, "added-position-deletes", added_pos_deletes);
  add_count(s, "deleted-data-files", deleted_files);
  add_count(s, "deleted-records", deleted_records);
  add_count(s, "removed-delete-files", removed_delete_files);
  add_count(s, "removed-files-size", removed_size);
  int64_t total_records = 0, total_files = 0, total_delete_files = 0, total_pos = 0;
  for (const auto& m : manifests) {
    if (m.is_delete_manifest()) {
      total_delete_files += m.added_files_count + m.existing_files_count;
      total_pos += m.added_rows_count + m.existing_rows_count;
    } else {
      total_files += m.added_files_count + m.existing_files_count;
      total_records += m.added_rows_count + m.existing_rows_count;
    }
  }
  // total-files-size: the parent's total moved by this commit's sizes.
  int64_t parent_size = 0;
  if (parent) {
    auto it = parent->summary.find("total-files-size");
    if (it != parent->summary.end()) parent_size = std::stoll(it->second);
  }
  s["total-records"] = std::to_string(total_records);
  s["total-data-files"] = std::to_string(total_files);
  s["total-delete-files"] = std::to_string(total_delete_files);
  s["total-position-deletes"] = std::to_string(total_pos);
  s["total-equality-deletes"] = "0";
  s["total-files-size"] = std::to_string(parent_size + added_size + added_del_size - removed_size);
  s["engine-name"] = "floe";
  s["engine-version"] = engine_version();
  std::set<std::string> partitions;
  for (const auto& f : changes.added_data_files) {
    std::string k;
    for (const auto& v : f.partition) k += (v ? "1" + *v : "0") + '\x1f';
    partitions.insert(k);
  }
  if (!spec.fields.empty()) add_count(s, "changed-partition-count", int64_t(partitions.size()));

  next.snapshots.push_back(snap);
  next.current_snapshot_id = snapshot_id;
  next.refs["main"] = SnapshotRef{snapshot_id, "branch", {}, {}, {}};
  next.snapshot_log.push_back({snap.timestamp_ms, snapshot_id});
  next.last_sequence_number = std::max(base.last_sequence_number, sequence_number);
  next.last_updated_ms = snap.timestamp_ms;
  return next;
}

CommitResult commit_changes(TableOperations& ops, const SnapshotChanges& changes,
                            CommitOptions options) {
  auto base = ops.current();
  int attempts = options.max_attempts;
  if (attempts <= 0) attempts = int(base->property_int("commit.retry.num-retries", 4)) + 1;
  int64_t wait_ms = base->property_int("commit.retry.min-wait-ms", 100);
  const int64_t max_wait_ms = base->property_int("commit.retry.max-wait-ms", 60000);
  std::mt19937 jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    std::vector<std::string> written;
    try {
      TableMetadata next = apply_changes(ops.io(), *base, changes, attempt, &written);
      int64_t id = *next.current_snapshot_id;
      ops.commit(base.get(), next);
      return CommitResult{id, attempt, ops.current()};
    } catch (const CommitConflictError& e) {
      io::remove_quietly(ops.io(), written);
      // A removed file that is gone cannot be retried; nor can anything past the limit.
      if (std::string_view(e.what()).find("no longer part of the table") != std::string::npos ||
          attempt >= attempts)
        throw CommitConflictError(fmt::format("{}: commit failed after {} attempt(s): {}",
                                              ops.name(), attempt, e.what()));
      std::uniform_int_distribution<int64_t> d(0, wait_ms);
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms + d(jitter)));
      wait_ms = std::min(max_wait_ms, wait_ms * 2);
      base = ops.refresh();
      if (!base)
        throw CatalogError(fmt::format("table {} was dropped during the commit", ops.name()));
    } catch (const CommitStateUnknownError&) {
      throw;  // the pointer may have moved: the files written may be referenced
    } catch (...) {
      io::remove_quietly(ops.io(), written);
      throw;
    }
  }
}

TableMetadata set_current_snapshot(const TableMetadata& base, int64_t snapshot_id) {
  if (!base.snapshot_by_id(snapshot_id))
    throw InvalidInputError(
        fmt::format("snapshot {} is not a snapshot of this table", snapshot_id));
  TableMetadata next = base;
  next.current_snapshot_id = snapshot_id;
  next.refs["main"] = SnapshotRef{snapshot_id, "branch", {}, {}, {}};
  next.last_updated_ms = std::max(now_ms(), base.last_updated_ms);
  next.snapshot_log.push_back({next.last_updated_ms, snapshot_id});
  return next;
}

}  // namespace floe::iceberg
