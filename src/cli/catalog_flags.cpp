#include "cli/catalog_flags.h"

#include <CLI/CLI.hpp>

namespace floe::cli {

void add_catalog_flags(CLI::App* cmd, CatalogFlags& f) {
  cmd->add_option("--warehouse", f.warehouse,
                  "Warehouse folder or s3:// prefix (default $FLOE_WAREHOUSE or ./warehouse)");
  cmd->add_option("--catalog", f.catalog,
                  "SQLite catalog file (default $FLOE_CATALOG or <warehouse>/catalog.db)");
}

catalog::CatalogConfig resolve_catalog_flags(const CatalogFlags& f) {
  return catalog::resolve_catalog_config(f.warehouse, f.catalog);
}

}  // namespace floe::cli
