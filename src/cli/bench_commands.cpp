#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace floe::cli {

void register_bench_commands(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmark data generators");
  bench->require_subcommand(1);
}

}  // namespace floe::cli
