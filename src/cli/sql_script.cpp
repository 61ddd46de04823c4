#include "cli/sql_script.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "base/error.h"
#include "formats/batch_file.h"
#include "sql/parser.h"
#include "sql/syntax_error.h"

namespace floe::cli {

namespace {

// The statement at `offset` of a script, preceded by as many newlines and spaces as there
// are lines and columns before it, so that the parser's positions are the script's.
std::string placed_at_its_position(std::string_view script, size_t offset, std::string_view text) {
  size_t lines = 0, line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (script[i] == '\n') {
      ++lines;
      line_start = i + 1;
    }
  }
  std::string placed(lines, '\n');
  placed.append(offset - line_start, ' ');
  placed += text;
  return placed;
}

// A syntax error of `placed` (a statement placed as by placed_at_its_position, whose first
// byte is at `offset` of `script`) told against the script itself, so that the excerpt and
// caret show the script's line. The message is the parser's ("syntax error at line L,
// column C: <what>\n<excerpt>"); one of another shape is kept as it is.
std::string told_against_script(std::string_view script, size_t offset, std::string_view placed,
                                size_t placed_offset, const std::string& message) {
  int line = 0, column = 0, consumed = 0;
  if (std::sscanf(message.c_str(), "syntax error at line %d, column %d: %n", &line, &column,
                  &consumed) != 2 ||
      consumed == 0 || line < 1 || column < 1)
    return message;
  size_t what_end = message.find('\n', size_t(consumed));
  std::string what =
      message.substr(size_t(consumed), what_end == std::string::npos ? std::string::npos
                                                                     : what_end - size_t(consumed));
  // The byte of `placed` at that line and column (columns count code points).
  size_t at = 0;
  for (int l = 1; l < line && at < placed.size(); ++at)
    if (placed[at] == '\n') ++l;
  for (int c = 1; c < column && at < placed.size() && placed[at] != '\n'; ++c) {
    ++at;
    while (at < placed.size() && (static_cast<unsigned char>(placed[at]) & 0xC0) == 0x80) ++at;
  }
  if (at < placed_offset) return message;
  size_t in_script = offset + (at - placed_offset);
  if (in_script > script.size()) return message;
  sql::SourcePos pos;
  pos.offset = int32_t(in_script);
  pos.line = line;
  size_t line_start = script.rfind('\n', in_script == 0 ? 0 : in_script - 1);
  line_start = (line_start == std::string_view::npos || in_script == 0) ? 0 : line_start + 1;
  pos.column = 1;
  for (size_t i = line_start; i < in_script; ++i)
    pos.column += (static_cast<unsigned char>(script[i]) & 0xC0) != 0x80;
  return sql::format_syntax_error(script, pos, what);
}

}  // namespace

void run_sql_script(sql::Session& session, std::string_view script,
                    const std::function<void(sql::StatementResult&, double seconds)>& on_result) {
  std::vector<std::string> statements = sql::split_statements(script);
  size_t cursor = 0;
  for (const std::string& text : statements) {
    size_t offset = script.find(text, cursor);
    if (offset != std::string_view::npos) cursor = offset + text.size();
    auto start = std::chrono::steady_clock::now();
    sql::StatementResult result;
    try {
      result = session.execute_one(text);
    } catch (const Error& e) {
      // The statement was parsed on its own: parse it again where it stands in the script
      // (parsing has no effects) for the line and column a user can find.
      if (e.kind() != ErrorKind::kSyntax || offset == std::string_view::npos || offset == 0) throw;
      std::string placed = placed_at_its_position(script, offset, text);
      try {
        sql::parse_statement(placed);
      } catch (const Error& placed_error) {
        if (placed_error.kind() == ErrorKind::kSyntax)
          throw SyntaxError(told_against_script(script, offset, placed, placed.size() - text.size(),
                                                placed_error.what()));
      }
      throw;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    on_result(result, seconds);
  }
}

void print_statement_result(const sql::StatementResult& result, OutputFormat format, std::FILE* out,
                            int64_t max_rows) {
  if (!result.has_rows) {
    std::string status = result.status.empty() ? std::string("OK") : result.status;
    fmt::print(out, "{}\n", status);
    return;
  }
  if (result.plan_text && format == OutputFormat::kTable) {
    for (const auto& batch : result.batches)
      for (int64_t i = 0; i < batch.num_rows(); ++i)
        fmt::print(out, "{}\n", batch.columns[0].string_at(i));
    return;
  }
  BatchPrinter printer(format, result.schema, out);
  printer.show_types(result.shown_types);
  int64_t total = 0;
  for (const auto& batch : result.batches) {
    int64_t n = batch.num_rows();
    if (max_rows < 0) {
      printer.print(batch);
    } else if (printer.rows_printed() < max_rows) {
      printer.print(batch, 0, max_rows - printer.rows_printed());
    }
    total += n;
  }
  if (format == OutputFormat::kCsv && result.batches.empty()) {
    // A query without rows still prints its header row.
    printer.print(columnar::Batch::empty_of(result.schema));
  }
  printer.finish(total);
}

void write_result_file(const sql::StatementResult& result, const std::string& path,
                       OutputFormat format, int threads) {
  if (path.size() >= 8 && path.compare(path.size() - 8, 8, ".parquet") == 0) {
    formats::FileWriteOptions options;
    options.format = formats::FileFormat::kParquet;
    options.parquet.threads = threads;
    auto writer = formats::create_batch_writer(path, result.schema, options);
    int64_t rows = 0;
    for (const auto& batch : result.batches) rows += batch.num_rows();
    writer->expect_rows(rows);
    for (const auto& batch : result.batches) writer->write(batch);
    writer->close();
    return;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  print_statement_result(result, format, file.get());
  if (std::fflush(file.get()) != 0 || std::ferror(file.get()))
    throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

std::string elapsed_text(double seconds) {
  if (seconds < 1) return fmt::format("{:.1f} ms", seconds * 1000);
  return fmt::format("{:.2f} s", seconds);
}

}  // namespace floe::cli
