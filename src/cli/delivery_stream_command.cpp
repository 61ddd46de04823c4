// `floe delivery-stream create|list|drop`: delivery stream definitions in the catalog (the
// records themselves arrive through `floe serve`). Layer: cli; translates arguments to
// ingest's definitions.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "catalog/sql_catalog.h"
#include "cli/catalog_flags.h"
#include "cli/commands.h"
#include "ingest/delivery_stream.h"

namespace floe::cli {

namespace {

struct CreateStreamOptions {
  CatalogFlags cf;
  std::string name, to_location, to_table, prefix, error_prefix;
  int buffer_mb = 5;
  int buffer_seconds = 300;
  bool if_not_exists = false;
  bool or_replace = false;
};

void run_create_stream(const CreateStreamOptions& o) {
  if (o.to_location.empty() == o.to_table.empty())
    throw InvalidInputError("give the destination: --to-location URL or --to-table NS.TABLE");
  if (o.if_not_exists && o.or_replace)
    throw InvalidInputError("give --if-not-exists or --or-replace, not both");
  catalog::SqlCatalog cat(resolve_catalog_flags(o.cf));
  ingest::DeliveryStreamDefinition def;
  def.id = ingest::parse_stream_name(o.name);
  if (!o.to_table.empty()) {
    def.destination = ingest::DestinationKind::kTable;
    def.table = catalog::TableIdentifier::parse(o.to_table);
    if (!cat.table_exists(def.table))
      throw CatalogError(
          fmt::format("table {} does not exist (create it first)", def.table.to_string()));
  } else {
    def.destination = ingest::DestinationKind::kLocation;
    def.location = ingest::normalize_location_prefix(o.to_location);
  }
  def.prefix = o.prefix;
  def.error_prefix = o.error_prefix;
  def.buffer_mb = o.buffer_mb;
  def.buffer_seconds = o.buffer_seconds;
  auto mode = o.or_replace      ? catalog::ObjectWrite::kReplace
              : o.if_not_exists ? catalog::ObjectWrite::kCreateIfNotExists
                                : catalog::ObjectWrite::kCreate;
  if (!ingest::put_delivery_stream(cat, def, mode)) {
    fmt::print("delivery stream {} already exists\n", def.name());
    return;
  }
  fmt::print("{} delivery stream {} -> {}\n", o.or_replace ? "stored" : "created", def.name(),
             def.destination == ingest::DestinationKind::kTable ? "table " + def.table.to_string()
                                                                : def.location);
}

void run_list_streams(const CatalogFlags& cf) {
  catalog::SqlCatalog cat(resolve_catalog_flags(cf));
  for (const auto& d : ingest::list_delivery_streams(cat)) {
    std::string dest = d.destination == ingest::DestinationKind::kTable
                           ? "table " + d.table.to_string()
                           : d.location + d.prefix;
    fmt::print("{}\t{}\tbuffer {} MiB / {} s\tversion {}\n", d.name(), dest, d.buffer_mb,
               d.buffer_seconds, d.version);
  }
}

void run_drop_stream(const CatalogFlags& cf, const std::string& name, bool if_exists) {
  catalog::SqlCatalog cat(resolve_catalog_flags(cf));
  auto id = ingest::parse_stream_name(name);
  if (!ingest::drop_delivery_stream(cat, id)) {
    if (if_exists) return;
    throw CatalogError(fmt::format("delivery stream {} does not exist", id.to_string()));
  }
  fmt::print("dropped delivery stream {}\n", id.to_string());
}

}  // namespace

void register_delivery_stream_commands(CLI::App& app) {
  auto* ds = app.add_subcommand(
      "delivery-stream",
      "Delivery streams: records sent to `floe serve` land in a location or a table");
  ds->require_subcommand(1);
  {
    auto o = std::make_shared<CreateStreamOptions>();
    auto* c = ds->add_subcommand("create", "Define a delivery stream");
    add_catalog_flags(c, o->cf);
    c->add_option("name", o->name, "Stream name (ns.name; a bare name is in namespace default)")
        ->required();
    c->add_option("--to-location", o->to_location,
                  "Destination location prefix (file:///..., a path, or s3://bucket/prefix/)");
    c->add_option("--to-table", o->to_table, "Destination Iceberg table (ns.table)");
    c->add_option("--prefix", o->prefix,
                  "Object key prefix (default: the UTC YYYY/MM/DD/HH/ layout); !{timestamp:...} "
                  "and !{firehose:random-string} expressions are evaluated");
    c->add_option("--error-prefix", o->error_prefix,
                  "Prefix for records that fail (default <prefix>!{firehose:error-output-type}/"
                  "YYYY/MM/DD/HH/)");
    c->add_option("--buffer-mb", o->buffer_mb, "Buffer size hint in MiB (1-128)")->default_val(5);
    c->add_option("--buffer-seconds", o->buffer_seconds, "Buffer interval hint in seconds (0-900)")
        ->default_val(300);
    c->add_flag("--if-not-exists", o->if_not_exists, "Do nothing when the stream exists");
    c->add_flag("--or-replace", o->or_replace, "Replace an existing stream (its version rises)");
    c->callback([o] { run_create_stream(*o); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto* c = ds->add_subcommand("list", "List delivery streams");
    add_catalog_flags(c, *cf);
    c->callback([cf] { run_list_streams(*cf); });
  }
  {
    auto cf = std::make_shared<CatalogFlags>();
    auto name = std::make_shared<std::string>();
    auto if_exists = std::make_shared<bool>(false);
    auto* c = ds->add_subcommand("drop", "Remove a delivery stream's definition");
    add_catalog_flags(c, *cf);
    c->add_option("name", *name, "Stream name")->required();
    c->add_flag("--if-exists", *if_exists, "Do nothing when there is no such stream");
    c->callback([cf, name, if_exists] { run_drop_stream(*cf, *name, *if_exists); });
  }
}

}  // namespace floe::cli
