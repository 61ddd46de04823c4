#include "exec/range_source.h"

#include <fmt/format.h>

namespace floe::exec {

namespace {

constexpr int64_t kPieceRows = 1 << 16;

}  // namespace

RangeSource::RangeSource(std::string column, int64_t start, int64_t stop, int64_t step,
                         bool inclusive)
    : start_(start), step_(step) {
  schema_.fields.push_back({std::move(column), columnar::DataType(columnar::TypeId::kInt64), true});
  // Rows: how many start + k * step lie before stop (or reach it when inclusive), computed
  // in 128 bits so that extreme bounds cannot overflow.
  __int128 span = __int128(stop) - start;
  __int128 n = 0;
  if ((step > 0 && span > 0) || (step < 0 && span < 0)) {
    __int128 s = step;
    n = (span + s + (step > 0 ? -1 : 1)) / s;  // ceil(span / step)
    if (inclusive && span % s == 0) ++n;
  } else if (inclusive && span == 0) {
    n = 1;
  }
  rows_ = int64_t(n);
}

size_t RangeSource::prepare(const std::vector<int>& columns, const formats::ScanPredicate&) {
  with_column_ = !columns.empty();
  return size_t((rows_ + kPieceRows - 1) / kPieceRows);
}

void RangeSource::read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) {
  int64_t first = int64_t(piece) * kPieceRows;
  int64_t n = std::min(kPieceRows, rows_ - first);
  columnar::Batch b;
  b.rows_without_columns = n;
  if (with_column_) {
    b.schema = schema_;
    columnar::Column c(schema_.fields[0].type);
    c.reserve(n);
    // start + k * step wraps only past the last row, which is never produced.
    uint64_t v = uint64_t(start_) + uint64_t(first) * uint64_t(step_);
    for (int64_t i = 0; i < n; ++i, v += uint64_t(step_)) c.append<int64_t>(int64_t(v));
    b.columns.push_back(std::move(c));
  }
  sink(std::move(b));
}

std::string RangeSource::describe() const {
  return fmt::format("{} ({} rows)", schema_.fields[0].name, rows_);
}

}  // namespace floe::exec
