#include "sql/session.h"

namespace floe::sql {

int64_t StatementResult::num_rows() const {
  int64_t n = 0;
  for (const auto& b : batches) n += b.num_rows();
  return n;
}

}  // namespace floe::sql
