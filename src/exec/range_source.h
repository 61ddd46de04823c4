// The integer series table functions: range(start, stop[, step]) (stop excluded) and
// generate_series(start, stop[, step]) (stop included), as DuckDB defines them. The series
// is generated in pieces that the workers produce in parallel, nothing is held. Layer: exec.
#pragma once

#include <string>

#include "exec/plan.h"

namespace floe::exec {

class RangeSource : public TableSource {
 public:
  // `column` names the one BIGINT column; `inclusive` includes `stop` when the series
  // reaches it. `step` is not 0.
  RangeSource(std::string column, int64_t start, int64_t stop, int64_t step, bool inclusive);
  const columnar::Schema& schema() const override { return schema_; }
  int64_t estimated_rows() const override { return rows_; }
  size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) override;
  void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) override;
  std::string describe() const override;
  int64_t distinct_estimate(int) override { return rows_; }

 private:
  columnar::Schema schema_;
  int64_t start_, step_, rows_;
  bool with_column_ = true;
};

}  // namespace floe::exec
