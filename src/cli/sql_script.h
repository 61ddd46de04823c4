// Running SQL text from the command line, a file or the shell through a sql::Session one
// statement at a time (so each result prints as soon as it is ready and the results before
// a failing statement are not lost), and printing what each statement returned.
// Layer: cli; decisions about SQL live in the session.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "cli/batch_printer.h"
#include "sql/session.h"

namespace floe::cli {

// Runs every statement of `script` in order, calling `on_result` with each result and the
// seconds it took. Throws the first statement's floe::Error; a syntax error names the line
// and column within `script` (not within the statement).
void run_sql_script(sql::Session& session, std::string_view script,
                    const std::function<void(sql::StatementResult&, double seconds)>& on_result);

// Prints a query's rows (at most `max_rows` of them when it is not negative, the table's
// footer then saying how many there were) or a statement's status line, to `out`.
void print_statement_result(const sql::StatementResult& result, OutputFormat format, std::FILE* out,
                            int64_t max_rows = -1);

// Writes a query's rows to `path`: Parquet when the name ends in .parquet (its column chunks
// encoded and compressed on `threads` threads), else text in `format`. Throws IoError when
// the file cannot be written.
void write_result_file(const sql::StatementResult& result, const std::string& path,
                       OutputFormat format, int threads);

// "12.3 ms", "4.56 s": an elapsed time for people.
std::string elapsed_text(double seconds);

}  // namespace floe::cli
