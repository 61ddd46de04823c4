// Registration of floe's subcommand groups on the command-line parser. Each group
// lives in its own file (file_commands.cpp, bench_commands.cpp, ...). Layer: cli.
#pragma once

namespace CLI {
class App;
}

namespace floe::cli {

void register_file_commands(CLI::App& app);
void register_bench_commands(CLI::App& app);
void register_table_commands(CLI::App& app);
// `floe sql` (sql_command.cpp) and `floe sqllogictest` (sqllogictest_command.cpp).
void register_sql_command(CLI::App& app);
void register_sqllogictest_command(CLI::App& app);
// delete, compact, expire, remove-orphans (table_maintenance_commands.cpp).
void register_maintenance_commands(CLI::App& table);
// `floe delivery-stream ...` (delivery_stream_command.cpp), `floe serve` (serve_command.cpp)
// and `floe agent` (agent_command.cpp).
void register_delivery_stream_commands(CLI::App& app);
void register_serve_command(CLI::App& app);
void register_agent_command(CLI::App& app);

}  // namespace floe::cli
