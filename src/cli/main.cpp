// The `floe` command: parses the command line and hands each subcommand to its handler.
// Layer: interfaces (cli). Translates arguments and errors; decisions live below.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <malloc.h>

#include <cstdio>

#include "base/error.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  // Column buffers of a row group are megabytes each and freed right after use: keeping
  // them in the heap instead of mapping and zeroing fresh pages each time saves a fifth of
  // a scan's time. (glibc's defaults return such blocks to the kernel at once.)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"floe: a data lakehouse in one program. Files and streams land, are loaded\n"
               "exactly once into Apache Iceberg tables, refined with SQL, and queried.",
               "floe"};
  app.set_version_flag("--version", std::string("floe ") + FLOE_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  floe::cli::register_file_commands(app);
  floe::cli::register_table_commands(app);
  floe::cli::register_bench_commands(app);
  floe::cli::register_sql_command(app);
  floe::cli::register_sqllogictest_command(app);
  floe::cli::register_delivery_stream_commands(app);
  floe::cli::register_serve_command(app);
  floe::cli::register_agent_command(app);
  // Subcommands run from their CLI11 callbacks, inside parse().
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const floe::Error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "floe: {}: {}\n", floe::error_kind_name(e.kind()), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "floe: internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
