// Registration of floe's subcommand groups on the command-line parser. Each group
// lives in its own file (file_commands.cpp, bench_commands.cpp, ...). Layer: cli.
#pragma once

namespace CLI {
class App;
}

namespace floe::cli {

void register_file_commands(CLI::App& app);
void register_bench_commands(CLI::App& app);

}  // namespace floe::cli
