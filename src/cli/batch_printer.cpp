#include "cli/batch_printer.h"

#include <fmt/format.h>

#include "base/error.h"
#include "columnar/value_text.h"

namespace floe::cli {

using columnar::Column;

OutputFormat output_format_from_name(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  throw InvalidInputError(fmt::format("unknown output format '{}': use table, csv or json", name));
}

BatchPrinter::BatchPrinter(OutputFormat format, const columnar::Schema& schema, std::FILE* out)
    : format_(format), schema_(schema), out_(out) {}

namespace {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string r = "\"";
  for (char c : s) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

size_t display_width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xc0) != 0x80;  // count UTF-8 code points
  return w;
}

}  // namespace

void BatchPrinter::print(const columnar::Batch& batch, int64_t offset, int64_t limit) {
  int64_t end = batch.num_rows();
  if (limit >= 0 && offset + limit < end) end = offset + limit;
  std::string line;
  if (format_ == OutputFormat::kCsv && !header_done_) {
    for (size_t c = 0; c < schema_.fields.size(); ++c) {
      if (c) line += ',';
      line += csv_field(schema_.fields[c].name);
    }
    fmt::print(out_, "{}\n", line);
    header_done_ = true;
  }
  for (int64_t r = offset; r < end; ++r) {
    ++rows_;
    switch (format_) {
      case OutputFormat::kCsv: {
        line.clear();
        for (size_t c = 0; c < batch.columns.size(); ++c) {
          if (c) line += ',';
          const Column& col = batch.columns[c];
          if (col.is_null(r)) continue;
          std::string v;
          columnar::append_value_text(col, r, v);
          line += csv_field(v);
        }
        fmt::print(out_, "{}\n", line);
        break;
      }
      case OutputFormat::kJson: {
        line = "{";
        for (size_t c = 0; c < batch.columns.size(); ++c) {
          if (c) line += ',';
          columnar::append_json_string(schema_.fields[c].name, line);
          line += ':';
          columnar::append_value_json(batch.columns[c], r, line);
        }
        line += '}';
        fmt::print(out_, "{}\n", line);
        break;
      }
      case OutputFormat::kTable: {
        std::vector<std::string> row;
        for (const auto& col : batch.columns) {
          std::string v;
          if (col.is_null(r))
            v = "NULL";
          else
            columnar::append_value_text(col, r, v);
          if (display_width(v) > 60) v = v.substr(0, 57) + "...";
          for (char& ch : v)
            if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
          row.push_back(std::move(v));
        }
        table_rows_.push_back(std::move(row));
        break;
      }
    }
  }
}

void BatchPrinter::finish(int64_t total_rows) {
  if (format_ != OutputFormat::kTable) return;
  size_t n = schema_.fields.size();
  std::vector<size_t> width(n);
  std::vector<std::string> types(n);
  for (size_t c = 0; c < n; ++c) {
    types[c] = c < shown_types_.size() && !shown_types_[c].empty() ? shown_types_[c]
                                                                    : schema_.fields[c].type.to_string();
    if (display_width(types[c]) > 60) types[c] = types[c].substr(0, 57) + "...";
    width[c] = std::max(display_width(schema_.fields[c].name), display_width(types[c]));
  }
  for (const auto& row : table_rows_)
    for (size_t c = 0; c < n; ++c) width[c] = std::max(width[c], display_width(row[c]));
  auto rule = [&] {
    std::string s = "+";
    for (size_t c = 0; c < n; ++c) s += std::string(width[c] + 2, '-') + "+";
    return s;
  };
  auto cells = [&](const std::vector<std::string>& vals) {
    std::string s = "|";
    for (size_t c = 0; c < n; ++c)
      s += " " + vals[c] + std::string(width[c] - display_width(vals[c]), ' ') + " |";
    return s;
  };
  std::vector<std::string> names;
  for (const auto& f : schema_.fields) names.push_back(f.name);
  fmt::print(out_, "{}\n{}\n{}\n{}\n", rule(), cells(names), cells(types), rule());
  for (const auto& row : table_rows_) fmt::print(out_, "{}\n", cells(row));
  if (total_rows > rows_)
    fmt::print(out_, "{}\n({} rows, {} shown)\n", rule(), total_rows, rows_);
  else
    fmt::print(out_, "{}\n{} row{}\n", rule(), rows_, rows_ == 1 ? "" : "s");
}

}  // namespace floe::cli
