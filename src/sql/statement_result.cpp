#include "sql/result_builders.h"
#include "sql/session.h"

namespace floe::sql {

using columnar::Batch;
using columnar::DataType;
using columnar::Schema;

int64_t StatementResult::num_rows() const {
  int64_t n = 0;
  for (const auto& b : batches) n += b.num_rows();
  return n;
}

StatementResult status(std::string text, int64_t rows) {
  StatementResult r;
  r.status = std::move(text);
  r.rows_affected = rows;
  return r;
}

StatementResult rows_result(Schema schema, std::vector<Batch> batches) {
  StatementResult r;
  r.has_rows = true;
  r.schema = std::move(schema);
  r.batches = std::move(batches);
  return r;
}

Batch text_batch(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows) {
  Batch b;
  for (const auto& n : names) {
    b.schema.fields.emplace_back(n, DataType(columnar::TypeId::kString));
    b.columns.emplace_back(DataType(columnar::TypeId::kString));
  }
  for (const auto& r : rows)
    for (size_t c = 0; c < names.size(); ++c) b.columns[c].append_string(r[c]);
  b.rows_without_columns = int64_t(rows.size());
  return b;
}

}  // namespace floe::sql
