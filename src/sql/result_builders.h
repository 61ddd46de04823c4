// Small builders of statement results shared by the session's statement files. Layer: sql.
#pragma once

#include <string>
#include <vector>

#include "sql/session.h"

namespace floe::sql {

// A statement's status line ("INSERT 3") and its row count (-1 when it has none).
StatementResult status(std::string text, int64_t rows = -1);
StatementResult rows_result(columnar::Schema schema, std::vector<columnar::Batch> batches);
// A batch of VARCHAR columns from rows of text.
columnar::Batch text_batch(const std::vector<std::string>& names,
                           const std::vector<std::vector<std::string>>& rows);

}  // namespace floe::sql
