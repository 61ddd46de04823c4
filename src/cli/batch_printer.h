// BatchPrinter: renders batches on a terminal as a boxed table, as CSV (header row,
// NULL as an empty field) or as JSON lines. Layer: cli.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "columnar/batch.h"

namespace floe::cli {

enum class OutputFormat { kTable, kCsv, kJson };
OutputFormat output_format_from_name(const std::string& name);

class BatchPrinter {
 public:
  BatchPrinter(OutputFormat format, const columnar::Schema& schema, std::FILE* out = stdout);
  void print(const columnar::Batch& batch, int64_t offset = 0, int64_t limit = -1);
  // Tables are printed when finished (column widths need all rows); the rest streams.
  // `total_rows` (when more than were printed) makes a table's footer say how many rows
  // the result had beside how many are shown.
  void finish(int64_t total_rows = -1);
  int64_t rows_printed() const { return rows_; }
  // Type names a table's header shows instead of the schema's, per column ("" keeps the
  // schema's): a query's VARIANT, OBJECT and ARRAY columns are stored as VARCHAR.
  void show_types(std::vector<std::string> types) { shown_types_ = std::move(types); }

 private:
  OutputFormat format_;
  columnar::Schema schema_;
  std::vector<std::string> shown_types_;
  std::FILE* out_;
  bool header_done_ = false;
  std::vector<std::vector<std::string>> table_rows_;
  int64_t rows_ = 0;
};

}  // namespace floe::cli
