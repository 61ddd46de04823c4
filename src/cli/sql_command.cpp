// `floe sql`: SQL on a warehouse, from the command line (-c), a script (-f), standard input
// or the interactive shell. Layer: cli; the statements run in sql::Session.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "base/error.h"
#include "base/parallel_for.h"
#include "cli/catalog_flags.h"
#include "cli/commands.h"
#include "cli/sql_script.h"
#include "cli/sql_shell.h"
#include "sql/session.h"

namespace floe::cli {

namespace {

struct SqlOptions {
  CatalogFlags catalog;
  std::vector<std::string> commands;
  std::string file;
  std::string format = "table";
  bool format_given = false;
  std::string output;
  int threads = 0;
  bool timing = false;
};

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(fmt::format("cannot read {}", path));
  return text.str();
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The format of the -o file: Parquet by name; else --format, or the extension when
// --format was not given.
OutputFormat output_file_format(const SqlOptions& o, OutputFormat format) {
  if (o.format_given) return format;
  if (ends_with(o.output, ".csv")) return OutputFormat::kCsv;
  if (ends_with(o.output, ".json") || ends_with(o.output, ".ndjson") ||
      ends_with(o.output, ".jsonl"))
    return OutputFormat::kJson;
  return format;
}

// Prints results as they arrive. With -o the latest query's result is held back (with the
// statements after it, to keep the order) until another query replaces it; at the end it
// goes to the file instead of the screen.
class ResultSink {
 public:
  ResultSink(const SqlOptions& o, OutputFormat format) : options_(o), format_(format) {}

  void add(sql::StatementResult& result, double seconds) {
    std::string timing = options_.timing ? elapsed_text(seconds) : "";
    if (!options_.output.empty() && result.has_rows) {
      flush_pending();
      held_ = std::move(result);
      pending_.push_back({nullptr, timing});
      return;
    }
    if (held_) {
      pending_.push_back({std::make_unique<sql::StatementResult>(std::move(result)), timing});
      return;
    }
    emit(result, timing);
  }

  // After the last statement: the held query goes to the -o file.
  void finish() {
    if (!held_) return;
    write_result_file(*held_, options_.output, output_file_format(options_, format_),
                      options_.threads > 0 ? options_.threads : default_thread_count());
    for (auto& p : pending_) {
      if (p.result)
        emit(*p.result, p.timing);
      else if (!p.timing.empty())
        fmt::print(stderr, "time: {}\n", p.timing);
    }
    pending_.clear();
    held_.reset();
  }

  // After a failure: what was held back is printed, nothing is written.
  void flush_pending() {
    for (auto& p : pending_) emit(p.result ? *p.result : *held_, p.timing);
    pending_.clear();
    held_.reset();
  }

 private:
  struct Pending {
    std::unique_ptr<sql::StatementResult> result;  // null: the held query
    std::string timing;
  };

  void emit(const sql::StatementResult& result, const std::string& timing) {
    // Status lines go to stderr in CSV and JSON so that standard output stays data.
    bool data_only = format_ != OutputFormat::kTable;
    std::FILE* out = result.has_rows || !data_only ? stdout : stderr;
    if (out == stderr) std::fflush(stdout);
    print_statement_result(result, format_, out);
    if (!timing.empty()) {
      std::fflush(stdout);
      fmt::print(stderr, "time: {}\n", timing);
    }
  }

  const SqlOptions& options_;
  OutputFormat format_;
  std::optional<sql::StatementResult> held_;
  std::vector<Pending> pending_;
};

int run_sql(const SqlOptions& o) {
  OutputFormat format = output_format_from_name(o.format);
  catalog::CatalogConfig config = resolve_catalog_flags(o.catalog);
  sql::SessionOptions session_options;
  session_options.warehouse = config.warehouse;
  session_options.catalog = config.catalog_path;
  session_options.threads = o.threads;
  sql::Session session(session_options);

  bool interactive = o.commands.empty() && o.file.empty() && ::isatty(STDIN_FILENO) == 1;
  if (interactive) {
    if (!o.output.empty()) throw InvalidInputError("-o needs -c, -f or a script on stdin");
    ShellOptions shell;
    shell.format = format;
    shell.timing = o.timing;
    run_sql_shell(session, shell);
    return 0;
  }

  std::vector<std::string> scripts;
  if (!o.file.empty()) scripts.push_back(read_text_file(o.file));
  for (const auto& c : o.commands) scripts.push_back(c);
  if (scripts.empty())
    scripts.emplace_back(std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>());

  ResultSink sink(o, format);
  try {
    for (const auto& script : scripts)
      run_sql_script(session, script,
                     [&](sql::StatementResult& r, double seconds) { sink.add(r, seconds); });
    sink.finish();
  } catch (const Error&) {
    sink.flush_pending();
    throw;
  }
  return 0;
}

}  // namespace

void register_sql_command(CLI::App& app) {
  auto o = std::make_shared<SqlOptions>();
  auto* c = app.add_subcommand(
      "sql",
      "Run SQL on the warehouse: -c 'SQL', -f script.sql, a script on stdin, or an "
      "interactive shell on a terminal");
  add_catalog_flags(c, o->catalog);
  c->add_option("-c,--command", o->commands,
                "SQL to run (several statements separated by ';'; repeatable; after -f)");
  c->add_option("-f,--file", o->file, "SQL script to run");
  c->add_option("--format", o->format, "Result format: table, csv or json")
      ->each([o](const std::string&) { o->format_given = true; });
  c->add_option("-o,--output", o->output,
                "Write the last query's result to FILE (Parquet when it ends in .parquet, "
                "else in --format or as its extension .csv/.json says)");
  c->add_option("--threads", o->threads, "Threads for queries (default: all cores)");
  c->add_flag("--timing", o->timing, "Print each statement's elapsed time (on stderr)");
  c->callback([o] {
    int code = 0;
    try {
      code = run_sql(*o);
    } catch (const Error& e) {
      std::fflush(stdout);
      fmt::print(stderr, "error: {}\n", e.what());
      code = e.kind() == ErrorKind::kInternal ? 2 : 1;
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace floe::cli
