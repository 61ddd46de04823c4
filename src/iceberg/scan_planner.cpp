#include "iceberg/scan_planner.h"

#include <chrono>
#include <mutex>

#include "base/error.h"
#include "base/parallel_for.h"
#include "iceberg/manifest_io.h"
#include "iceberg/single_value.h"
#include "iceberg/transform.h"

namespace floe::iceberg {

using columnar::Column;
using formats::ColumnPredicate;
using formats::CompareOp;

namespace {

struct SpecFilter {
  std::vector<std::pair<size_t, ColumnPredicate>> terms;  // partition field index, term
  columnar::Schema partition_type;
};

SpecFilter project(const PartitionSpec& spec, const TableSchema& schema,
                   const formats::ScanPredicate& predicate) {
  SpecFilter sf;
  try {
    sf.partition_type = spec.partition_type(schema);
  } catch (const Error&) {
    return sf;  // a spec over dropped columns: no partition pruning
  }
  for (const auto& term : predicate.terms) {
    int idx = schema.find(term.column);
    if (idx < 0) continue;
    int32_t id = *schema.schema.fields[size_t(idx)].field_id;
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      const auto& pf = spec.fields[i];
      if (pf.source_id != id) continue;
      auto p = project_inclusive(pf.transform, pf.name, sf.partition_type.fields[i].type, term);
      if (p) sf.terms.emplace_back(i, std::move(*p));
    }
  }
  return sf;
}

bool summary_may_match(const ManifestFile& m, const SpecFilter& sf) {
  for (const auto& [i, term] : sf.terms) {
    if (i >= m.partitions.size()) continue;
    const FieldSummary& s = m.partitions[i];
    const auto& type = sf.partition_type.fields[i].type;
    bool all_null = s.contains_null && !s.lower_bound && !s.contains_nan.value_or(false);
    std::optional<Column> lo, hi;
    if (s.lower_bound && s.upper_bound) {
      lo = from_single_value_bytes(type, *s.lower_bound);
      hi = from_single_value_bytes(type, *s.upper_bound);
    }
    if (s.contains_nan.value_or(false)) {
      lo.reset();
      hi.reset();
    }
    if (!formats::range_may_match(term, lo ? &*lo : nullptr, hi ? &*hi : nullptr, s.contains_null,
                                  all_null))
      return false;
  }
  return true;
}

bool partition_may_match(const DataFile& f, const SpecFilter& sf) {
  for (const auto& [i, term] : sf.terms) {
    if (i >= f.partition.size()) continue;
    const auto& v = f.partition[i];
    if (!v) {
      if (!formats::range_may_match(term, nullptr, nullptr, true, true)) return false;
      continue;
    }
    Column c = from_single_value_bytes(sf.partition_type.fields[i].type, *v);
    if (!formats::range_may_match(term, &c, &c, false, false)) return false;
  }
  return true;
}

}  // namespace

std::string ScanReport::to_string() const {
  return fmt::format(
      "manifests {} (pruned {}), delete manifests {}; data files {}: pruned {} by partition, {} "
      "by column metrics, {} to read; delete files {}; planned in {:.1f} ms",
      manifests, manifests_pruned, delete_manifests, data_files, files_pruned_by_partition,
      files_pruned_by_metrics, files_planned, delete_files, planning_ms);
}

bool metrics_may_match(const DataFile& file, int32_t field_id, const columnar::DataType& type,
                       const ColumnPredicate& term) {
  if (type.is_nested()) return true;
  auto vc = file.value_counts.find(field_id);
  auto nc = file.null_value_counts.find(field_id);
  bool has_nulls = nc == file.null_value_counts.end() || nc->second > 0;
  bool all_null = vc != file.value_counts.end() && nc != file.null_value_counts.end() &&
                  nc->second == vc->second;
  // A column missing from the file (added later) reads as all NULL.
  if (vc == file.value_counts.end() && nc == file.null_value_counts.end() &&
      !file.value_counts.empty() && !file.lower_bounds.count(field_id)) {
    has_nulls = true;
    all_null = true;
  }
  auto nan = file.nan_value_counts.find(field_id);
  bool has_nan = nan != file.nan_value_counts.end() && nan->second > 0;
  if (all_null && has_nan) all_null = false;
  auto lo_it = file.lower_bounds.find(field_id);
  auto hi_it = file.upper_bounds.find(field_id);
  std::optional<Column> lo, hi;
  if (lo_it != file.lower_bounds.end() && hi_it != file.upper_bounds.end() && !has_nan) {
    try {
      lo = from_single_value_bytes(type, lo_it->second);
      hi = from_single_value_bytes(type, hi_it->second);
    } catch (const Error&) {
      lo.reset();
      hi.reset();
    }
  }
  return formats::range_may_match(term, lo ? &*lo : nullptr, hi ? &*hi : nullptr, has_nulls,
                                  all_null);
}

ScanPlan plan_scan(io::FileIO& io, const TableMetadata& metadata, const Snapshot* snapshot,
                   const TableSchema& schema, const formats::ScanPredicate& predicate,
                   int threads) {
  auto start = std::chrono::steady_clock::now();
  ScanPlan plan;
  if (!snapshot) return plan;
  auto manifests = read_manifest_list(io, snapshot->manifest_list);
  std::map<int32_t, SpecFilter> filters;
  for (const auto& s : metadata.specs) filters.emplace(s.spec_id, project(s, schema, predicate));

  std::vector<size_t> data_manifests, delete_manifests;
  for (size_t i = 0; i < manifests.size(); ++i) {
    const auto& m = manifests[i];
    if (m.is_delete_manifest()) {
      delete_manifests.push_back(i);
      continue;
    }
    ++plan.report.manifests;
    auto it = filters.find(m.partition_spec_id);
    if (it != filters.end() && !summary_may_match(m, it->second)) {
      ++plan.report.manifests_pruned;
      continue;
    }
    data_manifests.push_back(i);
  }
  plan.report.delete_manifests = int64_t(delete_manifests.size());

  // Term -> (field id, type) in the scanning schema.
  std::vector<std::pair<int32_t, const columnar::DataType*>> term_fields;
  for (const auto& t : predicate.terms) {
    int idx = schema.find(t.column);
    if (idx < 0) {
      term_fields.emplace_back(-1, nullptr);
    } else {
      const auto& f = schema.schema.fields[size_t(idx)];
      term_fields.emplace_back(*f.field_id, &f.type);
    }
  }

  std::mutex mu;
  std::vector<std::vector<FileScanTask>> per(data_manifests.size());
  std::vector<ManifestEntry> deletes;
  std::vector<size_t> work = data_manifests;
  work.insert(work.end(), delete_manifests.begin(), delete_manifests.end());
  parallel_for(int64_t(work.size()), threads, [&](int64_t w) {
    const ManifestFile& m = manifests[work[size_t(w)]];
    if (m.is_delete_manifest()) {
      std::vector<ManifestEntry> live;
      read_manifest_entries(
          io, m, [](const ManifestEntry& e) { return e.status != EntryStatus::kDeleted; },
          [&](ManifestEntry&& e) { live.push_back(std::move(e)); });
      std::lock_guard<std::mutex> lock(mu);
      for (auto& e : live) deletes.push_back(std::move(e));
      return;
    }
    const SpecFilter* sf = nullptr;
    if (auto it = filters.find(m.partition_spec_id); it != filters.end()) sf = &it->second;
    int64_t total = 0, by_part = 0, by_metrics = 0;
    auto& out = per[size_t(w)];
    // Partition pruning happens before an entry's column metrics are decoded.
    auto keep = [&](const ManifestEntry& e) {
      if (e.status == EntryStatus::kDeleted) return false;
      ++total;
      if (sf && !partition_may_match(e.data_file, *sf)) {
        ++by_part;
        return false;
      }
      return true;
    };
    read_manifest_entries(io, m, keep, [&](ManifestEntry&& e) {
      bool ok = true;
      for (size_t t = 0; t < predicate.terms.size() && ok; ++t)
        if (term_fields[t].second)
          ok = metrics_may_match(e.data_file, term_fields[t].first, *term_fields[t].second,
                                 predicate.terms[t]);
      if (!ok) {
        ++by_metrics;
        return;
      }
      FileScanTask task;
      task.spec_id = e.spec_id;
      task.data_sequence_number = e.sequence_number.value_or(0);
      task.file = std::move(e.data_file);
      out.push_back(std::move(task));
    });
    std::lock_guard<std::mutex> lock(mu);
    plan.report.data_files += total;
    plan.report.files_pruned_by_partition += by_part;
    plan.report.files_pruned_by_metrics += by_metrics;
  });

  for (const auto& d : deletes) {
    std::string fmt_name = d.data_file.file_format;
    for (char& c : fmt_name) c = char(std::toupper(static_cast<unsigned char>(c)));
    if (fmt_name != "PARQUET" && fmt_name != "PUFFIN")
      throw UnsupportedError(
          fmt::format("delete file {} is {}: floe reads Parquet delete files "
                      "and Puffin deletion vectors",
                      d.data_file.file_path, d.data_file.file_format));
  }
  for (auto& v : per)
    for (auto& task : v) {
      for (const auto& d : deletes) {
        const DataFile& df = d.data_file;
        // Position deletes apply to data of the same or an older sequence number, equality
        // deletes only to strictly older data (spec "Scan Planning").
        int64_t dseq = d.sequence_number.value_or(0);
        if (df.content == FileContent::kEqualityDeletes ? dseq <= task.data_sequence_number
                                                        : dseq < task.data_sequence_number)
          continue;
        if (df.referenced_data_file) {
          if (*df.referenced_data_file != task.file.file_path) continue;
        } else {
          // Same spec and partition, unless the delete file is unpartitioned (global).
          const auto& dspec = metadata.spec_by_id(d.spec_id);
          if (!dspec.fields.empty() &&
              (d.spec_id != task.spec_id || df.partition != task.file.partition))
            continue;
          // file_path bounds of the delete file, when present.
          auto lo = df.lower_bounds.find(kDeleteFilePathFieldId);
          auto hi = df.upper_bounds.find(kDeleteFilePathFieldId);
          if (lo != df.lower_bounds.end() && hi != df.upper_bounds.end() &&
              (task.file.file_path < lo->second || task.file.file_path > hi->second))
            continue;
        }
        task.delete_files.push_back(df);
      }
      plan.report.delete_files += int64_t(task.delete_files.size());
      plan.tasks.push_back(std::move(task));
    }
  plan.report.files_planned = int64_t(plan.tasks.size());
  plan.report.planning_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return plan;
}

}  // namespace floe::iceberg
