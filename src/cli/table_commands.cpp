// `floe catalog ...`, `floe namespace ...` and `floe table ...`: the embedded catalog and
// the Iceberg tables in it, for operators and before SQL (and kept beside it). Layer: cli;
// each command translates its arguments and calls the catalog and iceberg layers.
#include <fmt/format.h>
#include <glob.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "base/civil_time.h"
#include "base/parallel_for.h"
#include "catalog/sql_catalog.h"
#include "cli/batch_printer.h"
#include "cli/catalog_flags.h"
#include "cli/commands.h"
#include "columnar/type_parse.h"
#include "formats/batch_file.h"
#include "formats/parquet/parquet_reader.h"
#include "iceberg/data_writer.h"
#include "iceberg/metadata_tables.h"
#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/table_creation.h"
#include "iceberg/table_maintenance.h"
#include "iceberg/table_reader.h"
#include "iceberg/table_update.h"

namespace floe::cli {

namespace {

using catalog::SqlCatalog;
using catalog::TableIdentifier;

std::unique_ptr<SqlCatalog> open_catalog(const CatalogFlags& f) {
  return std::make_unique<SqlCatalog>(resolve_catalog_flags(f));
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t p = s.find(sep, start);
    if (p == std::string::npos) p = s.size();
    if (p > start) out.push_back(s.substr(start, p - start));
    start = p + 1;
  }
  return out;
}

std::map<std::string, std::string> parse_properties(const std::vector<std::string>& kvs) {
  std::map<std::string, std::string> out;
  for (const auto& kv : kvs) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InvalidInputError(fmt::format("property '{}' is not key=value", kv));
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

// Input files: each argument is a file, a folder (every file in it, recursively) or a
// glob pattern.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    if (io::location_scheme(a) != "file") {
      out.push_back(a);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(a, ec)) {
      std::vector<std::string> files;
      for (const auto& e : std::filesystem::recursive_directory_iterator(a, ec))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
          files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
      continue;
    }
    if (a.find_first_of("*?[") != std::string::npos) {
      glob_t g;
      if (::glob(a.c_str(), 0, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
      globfree(&g);
      continue;
    }
    out.push_back(a);
  }
  if (out.empty()) throw InvalidInputError("no input files");
  return out;
}

// --as-of: a snapshot id, or a timestamp ('2024-01-02 10:00:00', ISO, or epoch ms).
const iceberg::Snapshot* resolve_as_of(const iceberg::TableMetadata& m, const std::string& as_of,
                                       const std::string& table) {
  if (as_of.empty()) return m.current_snapshot();
  if (auto ref = m.refs.find(as_of); ref != m.refs.end()) {  // a tag or branch
    if (const iceberg::Snapshot* s = m.snapshot_by_id(ref->second.snapshot_id)) return s;
  }
  bool digits = std::all_of(as_of.begin(), as_of.end(), [](char c) { return std::isdigit(c); });
  if (digits) {
    int64_t v = std::stoll(as_of);
    if (const iceberg::Snapshot* s = m.snapshot_by_id(v)) return s;
    if (as_of.size() == 13) {  // epoch milliseconds
      if (const iceberg::Snapshot* s = m.snapshot_as_of(v)) return s;
    }
    throw InvalidInputError(fmt::format("table {} has no snapshot {}", table, as_of));
  }
  auto micros = parse_timestamp_micros(as_of);
  if (!micros)
    throw InvalidInputError(fmt::format(
        "--as-of '{}': expected a snapshot id or a timestamp such as '2024-01-02 10:00:00'",
        as_of));
  const iceberg::Snapshot* s = m.snapshot_as_of(*micros / 1000);
  if (!s)
    throw InvalidInputError(fmt::format("table {} had no snapshot at {} (UTC)", table, as_of));
  return s;
}

void print_batch(const columnar::Batch& b, const std::string& format) {
  BatchPrinter p(output_format_from_name(format), b.schema);
  p.print(b);
  p.finish();
}

// ---- catalog and namespaces

void run_catalog_info(const CatalogFlags& f) {
  auto cat = open_catalog(f);
  fmt::print("catalog:   {}\n", cat->database_path());
  fmt::print("name:      {}\n", cat->name());
  fmt::print("warehouse: {}\n", cat->warehouse_location());
  fmt::print("layout:    Iceberg JDBC catalog (iceberg_tables, iceberg_namespace_properties)\n");
}

// ---- tables

struct CreateOptions {
  CatalogFlags cf;
  std::string name, schema, like, partition_by, sort_by, location;
  std::vector<std::string> properties;
  int format_version = 2;
  bool if_not_exists = false;
};

void run_create(const CreateOptions& o) {
  auto cat = open_catalog(o.cf);
  TableIdentifier id = TableIdentifier::parse(o.name);
  if (cat->table_exists(id)) {
    if (o.if_not_exists) return;
    throw CatalogError(fmt::format("table {} already exists", id.to_string()));
  }
  columnar::Schema columns;
  if (!o.schema.empty() && !o.like.empty())
    throw InvalidInputError("give either --schema or --like, not both");
  if (!o.schema.empty()) {
    columns = columnar::parse_column_list(o.schema);
  } else if (!o.like.empty()) {
    columns = formats::open_batch_reader(o.like)->schema();
    columns.metadata.clear();
    for (auto& f : columns.fields) f.field_id.reset();
  } else {
    throw InvalidInputError(
        "give the columns with --schema \"id BIGINT, name VARCHAR, ...\" or "
        "take them from a file with --like FILE");
  }
  iceberg::NewTableOptions nt;
  nt.location = o.location.empty() ? cat->default_table_location(id) : o.location;
  nt.partition_clause = o.partition_by;
  nt.sort_clause = o.sort_by;
  nt.properties = parse_properties(o.properties);
  nt.format_version = o.format_version;
  iceberg::TableMetadata m = iceberg::new_table_metadata(columns, nt);
  if (!cat->namespace_exists(id.namespace_levels))
    cat->create_namespace(id.namespace_levels, {}, true);
  cat->table_operations(id, /*for_create=*/true)->commit(nullptr, m);
  fmt::print("created table {} at {}\n", id.to_string(), m.location);
}

void run_list(const CatalogFlags& cf, const std::string& ns) {
  auto cat = open_catalog(cf);
  std::vector<std::vector<std::string>> namespaces;
  if (ns.empty())
    namespaces = cat->list_namespaces();
  else
    namespaces.push_back(split(ns, '.'));
  for (const auto& n : namespaces)
    for (const auto& t : cat->list_tables(n)) fmt::print("{}\n", t.to_string());
}

void run_describe(const CatalogFlags& cf, const std::string& name) {
  auto cat = open_catalog(cf);
  auto ops = cat->table_operations(TableIdentifier::parse(name));
  auto m = ops->current();
  const auto& schema = m->current_schema();
  fmt::print("table:          {}\n", ops->name());
  fmt::print("location:       {}\n", m->location);
  fmt::print("metadata:       {}\n", ops->metadata_location());
  fmt::print("uuid:           {}\n", m->table_uuid);
  fmt::print("format version: {}\n", m->format_version);
  const auto* snap = m->current_snapshot();
  if (snap) {
    auto get = [&](const char* k) {
      auto it = snap->summary.find(k);
      return it == snap->summary.end() ? std::string("?") : it->second;
    };
    fmt::print("snapshot:       {} ({} records in {} data files, {} delete files)\n",
               snap->snapshot_id, get("total-records"), get("total-data-files"),
               get("total-delete-files"));
  } else {
    fmt::print("snapshot:       none (empty table)\n");
  }
  std::string part = iceberg::partition_spec_to_string(m->default_spec(), schema);
  fmt::print("partitioned by: {}\n", part.empty() ? "(unpartitioned)" : part);
  const auto* order = m->sort_order_by_id(m->default_sort_order_id);
  std::string sort = order ? iceberg::sort_order_to_string(*order, schema) : "";
  fmt::print("sorted by:      {}\n", sort.empty() ? "(unsorted)" : sort);
  if (!schema.identifier_field_ids.empty()) {
    std::string key;
    for (int32_t id : schema.identifier_field_ids) key += (key.empty() ? "" : ", ") + schema.column_name(id);
    fmt::print("identified by:  {} (identifier fields, the primary key)\n", key);
  }
  fmt::print("columns (schema {}):\n", schema.schema_id);
  for (const auto& f : schema.schema.fields)
    fmt::print("  {:>3}  {} {}{}\n", *f.field_id, f.name, f.type.to_string(),
               f.nullable ? "" : " NOT NULL");
  if (!m->properties.empty()) {
    fmt::print("properties:\n");
    for (const auto& [k, v] : m->properties) fmt::print("  {} = {}\n", k, v);
  }
}

struct AppendOptions {
  CatalogFlags cf;
  std::string name;
  std::vector<std::string> inputs;
  int threads = 0;
  std::string delimiter;
  bool no_header = false;
  // overwrite only
  std::string filter;
  bool all = false;
};

struct WrittenInputs {
  std::vector<iceberg::DataFile> files;
  int64_t rows = 0, bytes_in = 0, inputs = 0;
};

// Reads the input files and writes them as the table's data files (not yet committed).
// Reads the input files and writes them as the table's data files (not yet committed).
// Files are parsed on several threads at once (parsing is most of an append's work); the
// writer takes their batches one at a time.
WrittenInputs write_inputs(iceberg::DataWriter& writer, const AppendOptions& o, int threads) {
  WrittenInputs w;
  auto files = expand_inputs(o.inputs);
  w.inputs = int64_t(files.size());
  std::mutex writer_mu;
  std::atomic<int64_t> rows{0}, bytes{0};
  parallel_for(int64_t(files.size()), std::min<int>(threads, int(files.size())), [&](int64_t i) {
    const std::string& f = files[size_t(i)];
    formats::FileReadOptions ro;
    if (!o.delimiter.empty()) ro.csv.delimiter = o.delimiter[0];
    if (o.no_header) ro.csv.header = false;
    try {
      auto reader = formats::open_batch_reader(f, ro);
      columnar::Batch b;
      int64_t file_rows = 0;  // rows of this file before the batch, for error messages
      while (reader->next(b)) {
        int64_t n = b.num_rows();
        rows += n;
        {
          std::lock_guard<std::mutex> lock(writer_mu);
          writer.write(std::move(b), file_rows);
        }
        file_rows += n;
        b = columnar::Batch();
      }
    } catch (const Error& e) {
      if (std::string_view(e.what()).find(f) != std::string_view::npos) throw;
      throw with_context(e, f);
    }
    std::error_code ec;
    auto sz = std::filesystem::file_size(io::local_path(f), ec);
    if (!ec) bytes += int64_t(sz);
  });
  w.rows = rows;
  w.bytes_in = bytes;
  w.files = writer.finish();
  return w;
}

void run_append(const AppendOptions& o, bool overwrite) {
  auto t0 = std::chrono::steady_clock::now();
  auto cat = open_catalog(o.cf);
  auto ops = cat->table_operations(TableIdentifier::parse(o.name));
  if (overwrite && o.filter.empty() && !o.all)
    throw InvalidInputError("give --filter for the rows to replace, or --all to replace every row");
  formats::ScanPredicate predicate;
  if (overwrite)
    predicate = formats::parse_scan_predicate(o.filter, ops->current()->current_schema().schema);
  iceberg::DataWriteOptions wo;
  wo.threads = o.threads > 0 ? o.threads : default_thread_count();
  iceberg::DataWriter writer(ops->io(), ops->current(), wo);
  try {
    WrittenInputs w = write_inputs(writer, o, wo.threads);
    double secs = 0;
    auto elapsed = [&] {
      secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return secs;
    };
    if (overwrite) {
      size_t n = w.files.size();
      auto r = iceberg::overwrite_where(*ops, predicate, std::move(w.files), wo.threads);
      elapsed();
      fmt::print(
          "replaced {} rows of {} with {} rows from {} file(s) as {} data file(s) "
          "(snapshot {}) in {:.2f} s\n",
          r.rows_deleted, ops->name(), w.rows, w.inputs, n,
          r.snapshot_id ? std::to_string(*r.snapshot_id) : "none", secs);
      return;
    }
    if (w.files.empty()) {
      fmt::print("nothing to append: the input has no rows\n");
      return;
    }
    iceberg::SnapshotChanges changes;
    changes.operation = "append";
    changes.added_data_files = std::move(w.files);
    auto result = iceberg::commit_changes(*ops, changes);
    elapsed();
    fmt::print(
        "appended {} rows from {} file(s) as {} data file(s) to {} (snapshot {}) in "
        "{:.2f} s ({:.0f} rows/s, {:.1f} MB/s)\n",
        w.rows, w.inputs, changes.added_data_files.size(), ops->name(), result.snapshot_id, secs,
        double(w.rows) / secs, double(w.bytes_in) / 1e6 / secs);
  } catch (const iceberg::CommitStateUnknownError&) {
    throw;
  } catch (...) {
    writer.abort();
    throw;
  }
}

struct TableScanOptions {
  CatalogFlags cf;
  std::string name, filter, columns, as_of, format = "table";
  int64_t limit = -1;
  int threads = 0;
  bool explain = false;
  bool count = false;
};

void run_table_scan(const TableScanOptions& o) {
  auto cat = open_catalog(o.cf);
  auto ops = cat->table_operations(TableIdentifier::parse(o.name));
  auto m = ops->current();
  const iceberg::Snapshot* snap = resolve_as_of(*m, o.as_of, ops->name());
  const iceberg::TableSchema& schema = o.as_of.empty() ? m->current_schema() : m->schema_for(snap);
  formats::ScanPredicate predicate = formats::parse_scan_predicate(o.filter, schema.schema);
  int threads = o.threads > 0 ? o.threads : default_thread_count();
  iceberg::ScanPlan plan = iceberg::plan_scan(ops->io(), *m, snap, schema, predicate, threads);
  std::vector<std::string> cols = split(o.columns, ',');
  if (o.count) cols.clear();
  iceberg::TableReader reader(ops->io(), *m, schema, o.count ? std::vector<std::string>{} : cols,
                              predicate.clone());
  parquet::PruneReport prune;
  std::mutex prune_mu;
  if (o.count) {
    std::atomic<int64_t> rows{0};
    parallel_for(int64_t(plan.tasks.size()), threads, [&](int64_t i) {
      parquet::PruneReport local;
      reader.read(
          plan.tasks[size_t(i)],
          [&](columnar::Batch&& b) {
            rows += b.num_rows();
            return true;
          },
          &local);
      std::lock_guard<std::mutex> lock(prune_mu);
      prune.row_groups += local.row_groups;
      prune.row_groups_pruned_by_statistics += local.row_groups_pruned_by_statistics;
      prune.row_groups_pruned_by_bloom_filter += local.row_groups_pruned_by_bloom_filter;
    });
    fmt::print("{}\n", rows.load());
  } else {
    BatchPrinter printer(output_format_from_name(o.format), reader.output_schema());
    int64_t left = o.limit;
    for (const auto& task : plan.tasks) {
      if (left == 0) break;
      reader.read(
          task,
          [&](columnar::Batch&& b) {
            printer.print(b, 0, left);
            if (left > 0) left -= std::min(left, b.num_rows());
            return left != 0;
          },
          &prune);
    }
    printer.finish();
  }
  if (o.explain)
    fmt::print(stderr,
               "scan of {} at snapshot {}: {}; row groups {} (pruned {} by statistics, "
               "{} by bloom filters)\n",
               ops->name(), snap ? std::to_string(snap->snapshot_id) : "none",
               plan.report.to_string(), prune.row_groups, prune.row_groups_pruned_by_statistics,
               prune.row_groups_pruned_by_bloom_filter);
}

struct MetaOptions {
  CatalogFlags cf;
  std::string name, format = "table", as_of;
};

void run_meta(const MetaOptions& o, const std::string& which) {
  auto cat = open_catalog(o.cf);
  auto ops = cat->table_operations(TableIdentifier::parse(o.name));
  auto m = ops->current();
  const iceberg::Snapshot* snap = resolve_as_of(*m, o.as_of, ops->name());
  columnar::Batch b;
  if (which == "snapshots")
    b = iceberg::snapshots_table(*m);
  else if (which == "history")
    b = iceberg::history_table(*m);
  else if (which == "refs")
    b = iceberg::refs_table(*m);
  else if (which == "files")
    b = iceberg::files_table(ops->io(), *m, snap);
  else if (which == "manifests")
    b = iceberg::manifests_table(ops->io(), *m, snap);
  else
    b = iceberg::partitions_table(ops->io(), *m, snap);
  print_batch(b, o.format);
}

void run_rollback(const CatalogFlags& cf, const std::string& name, const std::string& target) {
  auto cat = open_catalog(cf);
  auto ops = cat->table_operations(TableIdentifier::parse(name));
  auto m = ops->current();
  const iceberg::Snapshot* s = resolve_as_of(*m, target, ops->name());
  if (!s) throw InvalidInputError(fmt::format("{}: no snapshot to roll back to", ops->name()));
  ops->commit(m.get(), iceberg::set_current_snapshot(*m, s->snapshot_id));
  fmt::print("table {} is now at snapshot {}\n", ops->name(), s->snapshot_id);
}

void run_drop(const CatalogFlags& cf, const std::string& name, bool purge) {
  auto cat = open_catalog(cf);
  cat->drop_table(TableIdentifier::parse(name), purge);
  fmt::print("dropped table {}{}\n", name, purge ? " and its files" : "");
}

struct AlterOptions {
  CatalogFlags cf;
  std::string name;
  std::vector<std::string> add, drop, rename, set_type, drop_not_null, move, set, unset;
  std::string partition_by, sort_by;
  bool partition_given = false, sort_given = false;
};

// "name TYPE [FIRST | AFTER other]" -> change.
iceberg::TableChange parse_add(const std::string& text) {
  iceberg::TableChange c;
  c.kind = iceberg::TableChange::Kind::kAddColumn;
  std::string body = text;
  auto upper = text;
  for (auto& ch : upper) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  if (upper.size() > 6 && upper.ends_with(" FIRST")) {
    c.after = "FIRST";
    body = text.substr(0, text.size() - 6);
  } else if (auto p = upper.rfind(" AFTER "); p != std::string::npos) {
    c.after = text.substr(p + 7);
    while (!c.after.empty() && c.after.front() == ' ') c.after.erase(0, 1);
    body = text.substr(0, p);
  }
  auto sp = body.find(' ');
  if (sp == std::string::npos)
    throw InvalidInputError(fmt::format("--add-column '{}': expected \"name TYPE\"", text));
  c.name = body.substr(0, sp);
  columnar::Schema one = columnar::parse_column_list(
      "x " + body.substr(sp + 1));  // the type (and NOT NULL, refused later)
  c.type = one.fields[0].type;
  c.nullable = one.fields[0].nullable;
  return c;
}

void run_alter(const AlterOptions& o) {
  using K = iceberg::TableChange::Kind;
  std::vector<iceberg::TableChange> changes;
  for (const auto& a : o.add) changes.push_back(parse_add(a));
  for (const auto& r : o.rename) {
    auto eq = r.find('=');
    if (eq == std::string::npos)
      throw InvalidInputError(fmt::format("--rename-column '{}': expected old=new", r));
    iceberg::TableChange c;
    c.kind = K::kRenameColumn;
    c.name = r.substr(0, eq);
    c.new_name = r.substr(eq + 1);
    changes.push_back(c);
  }
  for (const auto& t : o.set_type) {
    auto sp = t.find(' ');
    if (sp == std::string::npos)
      throw InvalidInputError(fmt::format("--set-type '{}': expected \"name TYPE\"", t));
    iceberg::TableChange c;
    c.kind = K::kWidenColumn;
    c.name = t.substr(0, sp);
    c.type = columnar::parse_data_type(t.substr(sp + 1));
    changes.push_back(c);
  }
  for (const auto& n : o.drop_not_null)
    changes.push_back({K::kDropNotNull, n, "", {}, true, "", ""});
  for (const auto& m : o.move) {
    auto sp = m.find(' ');
    std::string rest = sp == std::string::npos ? "" : m.substr(sp + 1);
    std::string up = rest;
    for (auto& ch : up) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    iceberg::TableChange c;
    c.kind = K::kMoveColumn;
    c.name = m.substr(0, sp);
    if (up == "FIRST") {
      c.after = "FIRST";
    } else if (up.starts_with("AFTER ")) {
      c.after = rest.substr(6);
    } else {
      throw InvalidInputError(
          fmt::format("--move '{}': expected \"name FIRST\" or \"name AFTER other\"", m));
    }
    changes.push_back(c);
  }
  for (const auto& d : o.drop) changes.push_back({K::kDropColumn, d, "", {}, true, "", ""});
  if (o.partition_given) {
    iceberg::TableChange c;
    c.kind = K::kSetPartitioning;
    c.clause = o.partition_by == "none" ? "" : o.partition_by;
    changes.push_back(c);
  }
  if (o.sort_given) {
    iceberg::TableChange c;
    c.kind = K::kSetSortOrder;
    c.clause = o.sort_by == "none" ? "" : o.sort_by;
    changes.push_back(c);
  }
  for (const auto& [k, v] : parse_properties(o.set))
    changes.push_back({K::kSetProperty, k, v, {}, true, "", ""});
  for (const auto& k : o.unset) changes.push_back({K::kRemoveProperty, k, "", {}, true, "", ""});
  if (changes.empty()) throw InvalidInputError("nothing to change: see floe table alter --help");
  auto cat = open_catalog(o.cf);
  auto ops = cat->table_operations(TableIdentifier::parse(o.name));
  auto m = iceberg::commit_table_changes(*ops, changes);
  fmt::print("altered table {}: schema {}, partition spec {}, sort order {}\n", ops->name(),
             m->current_schema_id, m->default_spec_id, m->default_sort_order_id);
}

}  // namespace

void register_table_commands(CLI::App& app) {
  // catalog
  auto* catalog_cmd = app.add_subcommand("catalog", "The embedded catalog (a SQLite file)");
  catalog_cmd->require_subcommand(1);
  auto cf_info = std::make_shared<CatalogFlags>();
  auto* info = catalog_cmd->add_subcommand("info", "Print the catalog's file, name and warehouse");
  add_catalog_flags(info, *cf_info);
  info->callback([cf_info] { run_catalog_info(*cf_info); });

  // namespaces
  auto* ns_cmd = app.add_subcommand("namespace", "Namespaces (databases) of the catalog");
  ns_cmd->require_subcommand(1);
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto name = std::make_shared<std::string>();
    auto props = std::make_shared<std::vector<std::string>>();
    auto ine = std::make_shared<bool>(false);
    auto* c = ns_cmd->add_subcommand("create", "Create a namespace");
    add_catalog_flags(c, *cf);
    c->add_option("name", *name, "Namespace (a or a.b)")->required();
    c->add_option("--property", *props, "key=value (repeatable)");
    c->add_flag("--if-not-exists", *ine, "No error if it exists");
    c->callback([cf, name, props, ine] {
      open_catalog(*cf)->create_namespace(split(*name, '.'), parse_properties(*props), *ine);
    });
    auto cf2 = std::make_shared<CatalogFlags>();
    auto* l = ns_cmd->add_subcommand("list", "List namespaces");
    add_catalog_flags(l, *cf2);
    l->callback([cf2] {
      for (const auto& n : open_catalog(*cf2)->list_namespaces()) {
        std::string s;
        for (const auto& p : n) s += (s.empty() ? "" : ".") + p;
        fmt::print("{}\n", s);
      }
    });
    auto cf3 = std::make_shared<CatalogFlags>();
    auto name3 = std::make_shared<std::string>();
    auto* d = ns_cmd->add_subcommand("drop", "Drop an empty namespace");
    add_catalog_flags(d, *cf3);
    d->add_option("name", *name3, "Namespace")->required();
    d->callback([cf3, name3] { open_catalog(*cf3)->drop_namespace(split(*name3, '.')); });
  }

  // tables
  auto* table =
      app.add_subcommand("table", "Iceberg tables: create, load, scan, inspect, maintain");
  table->require_subcommand(1);
  {
    auto o = std::make_shared<CreateOptions>();
    auto* c = table->add_subcommand("create", "Create a table");
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "namespace.table")->required();
    c->add_option("--schema", o->schema, "Columns: \"id BIGINT NOT NULL, ts TIMESTAMP, ...\"");
    c->add_option("--like", o->like, "Take the columns from a Parquet, CSV or JSON file");
    c->add_option("--partition-by", o->partition_by,
                  "Partition transforms: \"day(ts), bucket(16, id), truncate(4, s), country\"");
    c->add_option("--sort-by", o->sort_by, "Sort order: \"element_id, ts DESC NULLS LAST\"");
    c->add_option("--location", o->location, "Table location (default <warehouse>/<ns>/<table>)");
    c->add_option("--property", o->properties, "Table property key=value (repeatable)");
    c->add_option("--format-version", o->format_version, "Iceberg format version (1 or 2)");
    c->add_flag("--if-not-exists", o->if_not_exists, "No error if the table exists");
    c->callback([o] { run_create(*o); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto ns = std::make_shared<std::string>();
    auto* c = table->add_subcommand("list", "List tables (of one namespace, or all)");
    add_catalog_flags(c, *cf);
    c->add_option("namespace", *ns, "Namespace");
    c->callback([cf, ns] { run_list(*cf, *ns); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto name = std::make_shared<std::string>();
    auto* c = table->add_subcommand("describe", "Print a table's schema, partitioning and state");
    add_catalog_flags(c, *cf);
    c->add_option("name", *name, "namespace.table")->required();
    c->callback([cf, name] { run_describe(*cf, *name); });
  }
  {
    auto o = std::make_shared<AppendOptions>();
    auto* c = table->add_subcommand("append",
                                    "Append files (CSV, TSV, NDJSON, Parquet; gz/zst) "
                                    "to a table in one commit");
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "namespace.table")->required();
    c->add_option("inputs", o->inputs, "Files, folders or glob patterns")->required();
    c->add_option("--threads", o->threads, "Parquet encoding threads (default: all cores)");
    c->add_option("--delimiter", o->delimiter, "CSV field delimiter (default: sniffed)");
    c->add_flag("--no-header", o->no_header, "CSV files have no header row");
    c->callback([o] { run_append(*o, false); });
  }
  {
    auto o = std::make_shared<AppendOptions>();
    auto* c = table->add_subcommand("overwrite",
                                    "Replace the rows matching a filter with the "
                                    "rows of files, in one commit");
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "namespace.table")->required();
    c->add_option("inputs", o->inputs, "Files, folders or glob patterns")->required();
    c->add_option("--filter", o->filter, "Rows to replace, e.g. \"ts >= '2024-01-02'\"");
    c->add_flag("--all", o->all, "Replace every row");
    c->add_option("--threads", o->threads, "Parquet encoding threads (default: all cores)");
    c->add_option("--delimiter", o->delimiter, "CSV field delimiter (default: sniffed)");
    c->add_flag("--no-header", o->no_header, "CSV files have no header row");
    c->callback([o] { run_append(*o, true); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto* c = table->add_subcommand("rename", "Rename a table (or move it to another namespace)");
    add_catalog_flags(c, *cf);
    c->add_option("name", *from, "namespace.table")->required();
    c->add_option("new_name", *to, "namespace.table")->required();
    c->callback([cf, from, to] {
      open_catalog(*cf)->rename_table(TableIdentifier::parse(*from), TableIdentifier::parse(*to));
      fmt::print("renamed table {} to {}\n", *from, *to);
    });
  }
  {
    auto o = std::make_shared<TableScanOptions>();
    auto* c = table->add_subcommand("scan",
                                    "Print a table's rows (filtered, projected, as of a "
                                    "snapshot or time)");
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "namespace.table")->required();
    c->add_option("--filter", o->filter, "e.g. \"element_id = 17 AND ts >= '2024-01-02'\"");
    c->add_option("--columns", o->columns, "Comma-separated columns (default: all)");
    c->add_option("--as-of", o->as_of,
                  "Snapshot id, tag or branch name, or timestamp ('2024-01-02 10:00:00' UTC)");
    c->add_option("--limit", o->limit, "At most this many rows (default: all)");
    c->add_option("--format", o->format, "table, csv or json");
    c->add_option("--threads", o->threads, "Threads for planning and --count");
    c->add_flag("--explain", o->explain, "Report planning and pruning on stderr");
    c->add_flag("--count", o->count, "Print the number of matching rows only");
    c->callback([o] { run_table_scan(*o); });
  }
  for (const char* which : {"snapshots", "history", "files", "manifests", "partitions", "refs"}) {
    auto o = std::make_shared<MetaOptions>();
    std::string w = which;
    auto* c = table->add_subcommand(w, fmt::format("Print the table's {} (metadata table)", w));
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "namespace.table")->required();
    c->add_option("--format", o->format, "table, csv or json");
    if (w == "files" || w == "manifests" || w == "partitions")
      c->add_option("--as-of", o->as_of, "Snapshot id or timestamp");
    c->callback([o, w] { run_meta(*o, w); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto name = std::make_shared<std::string>();
    auto target = std::make_shared<std::string>();
    auto* c = table->add_subcommand("rollback", "Make an earlier snapshot current again");
    add_catalog_flags(c, *cf);
    c->add_option("name", *name, "namespace.table")->required();
    c->add_option("snapshot", *target, "Snapshot id or timestamp")->required();
    c->callback([cf, name, target] { run_rollback(*cf, *name, *target); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto name = std::make_shared<std::string>();
    auto purge = std::make_shared<bool>(false);
    auto* c = table->add_subcommand("drop", "Remove a table from the catalog");
    add_catalog_flags(c, *cf);
    c->add_option("name", *name, "namespace.table")->required();
    c->add_flag("--purge", *purge, "Delete its data and metadata files too");
    c->callback([cf, name, purge] { run_drop(*cf, *name, *purge); });
  }
  {
    auto o = std::make_shared<AlterOptions>();
    auto* c = table->add_subcommand(
        "alter",
        "Evolve a table: columns (add, drop, rename, widen, move), partitioning, sort "
        "order, properties; old data stays readable");
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "namespace.table")->required();
    c->add_option("--add-column", o->add,
                  "\"name TYPE [FIRST|AFTER col]\" (a.b adds into a struct)");
    c->add_option("--drop-column", o->drop, "Column to drop");
    c->add_option("--rename-column", o->rename, "old=new");
    c->add_option("--set-type", o->set_type,
                  "\"name TYPE\": INT->BIGINT, FLOAT->DOUBLE, wider DECIMAL");
    c->add_option("--drop-not-null", o->drop_not_null, "Column that may hold NULL from now on");
    c->add_option("--move", o->move, "\"name FIRST\" or \"name AFTER other\"");
    c->add_option("--partition-by", o->partition_by,
                  "New partitioning for new data (\"none\": unpartitioned)")
        ->each([o](const std::string&) { o->partition_given = true; });
    c->add_option("--sort-by", o->sort_by, "New sort order (\"none\": unsorted)")
        ->each([o](const std::string&) { o->sort_given = true; });
    c->add_option("--set", o->set, "Property key=value");
    c->add_option("--unset", o->unset, "Property to remove");
    c->callback([o] { run_alter(*o); });
  }
  register_maintenance_commands(*table);
}

}  // namespace floe::cli
