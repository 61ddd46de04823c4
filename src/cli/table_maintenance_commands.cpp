// `floe table delete|compact|expire|remove-orphans`: row-level deletes and the maintenance
// operations of Iceberg tables. Layer: cli.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "base/civil_time.h"
#include "base/parallel_for.h"
#include "catalog/sql_catalog.h"
#include "cli/commands.h"
#include "iceberg/table_maintenance.h"

namespace floe::cli {

namespace {

struct Common {
  std::string warehouse, catalog, name;
  int threads = 0;
};

std::unique_ptr<iceberg::TableOperations> open_table(const Common& c,
                                                     std::unique_ptr<catalog::SqlCatalog>& cat) {
  cat = std::make_unique<catalog::SqlCatalog>(
      catalog::resolve_catalog_config(c.warehouse, c.catalog));
  return cat->table_operations(catalog::TableIdentifier::parse(c.name));
}

void add_common(CLI::App* cmd, Common& c) {
  cmd->add_option("name", c.name, "namespace.table")->required();
  cmd->add_option("--warehouse", c.warehouse, "Warehouse (default $FLOE_WAREHOUSE or ./warehouse)");
  cmd->add_option("--catalog", c.catalog, "SQLite catalog file");
  cmd->add_option("--threads", c.threads, "Threads (default: all cores)");
}

int threads_of(const Common& c) { return c.threads > 0 ? c.threads : default_thread_count(); }

// "7d", "12h", "30m", "90s", or a timestamp: the cut-off in epoch milliseconds.
int64_t cutoff_ms(const std::string& text) {
  if (text.empty()) return iceberg::now_ms();
  char unit = text.back();
  std::string digits = text.substr(0, text.size() - 1);
  if (!digits.empty() && std::all_of(digits.begin(), digits.end(), ::isdigit) &&
      (unit == 'd' || unit == 'h' || unit == 'm' || unit == 's')) {
    int64_t n = std::stoll(digits);
    int64_t per = unit == 'd' ? 86400000 : unit == 'h' ? 3600000 : unit == 'm' ? 60000 : 1000;
    return iceberg::now_ms() - n * per;
  }
  auto micros = parse_timestamp_micros(text);
  if (!micros)
    throw InvalidInputError(fmt::format(
        "'{}': expected an age such as 7d, 12h, 30m, 90s or a timestamp '2024-01-02 10:00:00'",
        text));
  return *micros / 1000;
}

}  // namespace

void register_maintenance_commands(CLI::App& table) {
  {
    auto c = std::make_shared<Common>();
    auto filter = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    auto* cmd = table.add_subcommand(
        "delete",
        "Delete the rows matching a filter (whole files when possible, else position "
        "delete files; copy-on-write when write.delete.mode says so)");
    add_common(cmd, *c);
    cmd->add_option("--filter", *filter, "e.g. \"country = 'DE' AND ts < '2024-01-01'\"");
    cmd->add_flag("--all", *all, "Delete every row (no filter)");
    cmd->callback([c, filter, all] {
      if (filter->empty() && !*all)
        throw InvalidInputError("give --filter, or --all to delete every row");
      std::unique_ptr<catalog::SqlCatalog> cat;
      auto ops = open_table(*c, cat);
      auto predicate =
          formats::parse_scan_predicate(*filter, ops->current()->current_schema().schema);
      auto r = iceberg::delete_where(*ops, predicate, threads_of(*c));
      if (!r.snapshot_id) {
        fmt::print("no rows matched; table {} unchanged\n", ops->name());
        return;
      }
      fmt::print(
          "deleted {} rows from {} (snapshot {}): {} files dropped, {} rewritten, {} "
          "position delete files added\n",
          r.rows_deleted, ops->name(), *r.snapshot_id, r.files_removed, r.files_rewritten,
          r.delete_files_added);
    });
  }
  {
    auto c = std::make_shared<Common>();
    auto min_bytes = std::make_shared<int64_t>(0);
    auto sort = std::make_shared<std::string>();
    auto* cmd = table.add_subcommand(
        "compact",
        "Rewrite small files (and files with deletes) of each partition into larger "
        "ones, sorted by the table's sort order");
    add_common(cmd, *c);
    cmd->add_option("--min-file-size", *min_bytes,
                    "Files below this many bytes are rewritten (default 3/4 of the target size)");
    cmd->add_option("--sort-by", *sort, "Sort by these columns instead of the table's order");
    cmd->callback([c, min_bytes, sort] {
      std::unique_ptr<catalog::SqlCatalog> cat;
      auto ops = open_table(*c, cat);
      auto r = iceberg::compact(*ops, *min_bytes, *sort, threads_of(*c));
      if (!r.snapshot_id) {
        fmt::print("nothing to compact in {} ({} data files)\n", ops->name(), r.files_before);
        return;
      }
      fmt::print("compacted {}: {} data files -> {} ({} rows rewritten, snapshot {})\n",
                 ops->name(), r.files_before, r.files_after, r.rows, *r.snapshot_id);
    });
  }
  {
    auto c = std::make_shared<Common>();
    auto older = std::make_shared<std::string>("5d");
    auto retain = std::make_shared<int>(1);
    auto* cmd = table.add_subcommand("expire",
                                     "Expire old snapshots and delete the files only "
                                     "they used");
    add_common(cmd, *c);
    cmd->add_option("--older-than", *older, "Age or timestamp (default 5d, as Iceberg's default)");
    cmd->add_option("--retain-last", *retain,
                    "Keep at least this many recent snapshots (default 1)");
    cmd->callback([c, older, retain] {
      std::unique_ptr<catalog::SqlCatalog> cat;
      auto ops = open_table(*c, cat);
      auto r = iceberg::expire_snapshots(*ops, cutoff_ms(*older), *retain);
      fmt::print("expired {} snapshots of {}, deleted {} files\n", r.snapshots_expired, ops->name(),
                 r.files_deleted);
    });
  }
  {
    auto c = std::make_shared<Common>();
    auto older = std::make_shared<std::string>("3d");
    auto dry = std::make_shared<bool>(false);
    auto* cmd = table.add_subcommand("remove-orphans",
                                     "Delete files under the table location "
                                     "that no metadata references");
    add_common(cmd, *c);
    cmd->add_option("--older-than", *older,
                    "Only files older than this (default 3d, as Iceberg's default)");
    cmd->add_flag("--dry-run", *dry, "List them, delete nothing");
    cmd->callback([c, older, dry] {
      std::unique_ptr<catalog::SqlCatalog> cat;
      auto ops = open_table(*c, cat);
      auto orphans = iceberg::remove_orphan_files(*ops, cutoff_ms(*older), *dry);
      for (const auto& o : orphans) fmt::print("{}\n", o);
      fmt::print("{} orphan file(s) {}\n", orphans.size(), *dry ? "found" : "deleted");
    });
  }
}

}  // namespace floe::cli
