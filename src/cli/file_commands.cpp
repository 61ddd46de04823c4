#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace floe::cli {

void register_file_commands(CLI::App& app) {
  auto* file = app.add_subcommand("file", "Inspect and convert Parquet, CSV and JSON files");
  file->require_subcommand(1);
}

}  // namespace floe::cli
