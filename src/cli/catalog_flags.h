// The --warehouse and --catalog flags every command on tables takes, and the warehouse and
// catalog they resolve to ($FLOE_WAREHOUSE, $FLOE_CATALOG and the defaults applied by
// catalog::resolve_catalog_config). Layer: cli.
#pragma once

#include <string>

#include "catalog/sql_catalog.h"

namespace CLI {
class App;
}

namespace floe::cli {

struct CatalogFlags {
  std::string warehouse;
  std::string catalog;
};

// Adds --warehouse and --catalog to `cmd`, storing into `flags` (which must outlive parsing).
void add_catalog_flags(CLI::App* cmd, CatalogFlags& flags);

// The warehouse and catalog file the flags (or the environment, or the defaults) name.
catalog::CatalogConfig resolve_catalog_flags(const CatalogFlags& flags);

}  // namespace floe::cli
