// The interactive SQL shell of `floe sql`: line editing and history (libedit, history in
// ~/.floe_history), statements that run once their ';' has been typed, a few dot commands,
// results capped for the screen and a progress line for long queries. Layer: cli.
#pragma once

#include <cstdint>

#include "cli/batch_printer.h"
#include "sql/session.h"

namespace floe::cli {

struct ShellOptions {
  OutputFormat format = OutputFormat::kTable;
  bool timing = false;    // print each statement's elapsed time (.timing on|off)
  int64_t max_rows = 40;  // rows shown per result; the footer says how many there were
};

// Reads and runs statements from the terminal until .quit, .exit, \q or Ctrl-D. Errors
// are printed (`error: <message>`) and the shell goes on.
void run_sql_shell(sql::Session& session, ShellOptions options);

}  // namespace floe::cli
