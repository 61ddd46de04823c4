#include "formats/parquet/parquet_scan.h"

#include <algorithm>

namespace floe::parquet {

ParquetScan::ParquetScan(ParquetReader& reader, std::vector<int> fields,
                         formats::ScanPredicate predicate, bool exact)
    : reader_(reader), predicate_(std::move(predicate)), pruner_(reader, predicate_),
      exact_(exact) {
  if (fields.empty())
    for (size_t i = 0; i < reader.schema().fields.size(); ++i) fields.push_back(int(i));
  read_fields_ = fields;
  output_count_ = fields.size();
  for (int f : fields) schema_.fields.push_back(reader.schema().fields[size_t(f)]);
  if (exact_) {
    for (const auto& t : predicate_.terms) {
      int f = reader.schema().find(t.column);
      FLOE_CHECK(f >= 0, "predicate column '{}' is not in {}", t.column, reader.path());
      if (std::find(read_fields_.begin(), read_fields_.end(), f) == read_fields_.end())
        read_fields_.push_back(f);
    }
  }
}

columnar::Batch ParquetScan::scan_row_group(int row_group, PruneReport* report,
                                            const RowRange* within) {
  if (!predicate_.empty() && !pruner_.row_group_may_match(row_group, report))
    return columnar::Batch::empty_of(schema_);
  std::vector<RowRange> ranges;
  const std::vector<RowRange>* selected = nullptr;
  if (!predicate_.empty()) {
    ranges = pruner_.select_rows(row_group, report);
    selected = &ranges;
  } else {
    int64_t rows = reader_.metadata().row_groups[size_t(row_group)].num_rows;
    if (report) {
      report->row_groups++;
      report->rows_total += rows;
      report->rows_kept += rows;
    }
    if (within) {
      ranges.push_back({0, rows});
      selected = &ranges;
    }
  }
  if (within) {
    std::vector<RowRange> part;
    for (const auto& r : ranges) {
      int64_t b = std::max(r.begin, within->begin), e = std::min(r.end, within->end);
      if (e > b) part.push_back({b, e});
    }
    ranges = std::move(part);
  }
  if (selected && ranges.empty()) return columnar::Batch::empty_of(schema_);
  columnar::Batch b = reader_.read_row_group(row_group, read_fields_, selected);
  if (!exact_ || predicate_.empty()) return b;
  columnar::SelectionVector sel = formats::evaluate_predicate(predicate_, b);
  columnar::Batch out;
  out.schema = schema_;
  bool all = int64_t(sel.size()) == b.num_rows();
  for (size_t i = 0; i < output_count_; ++i)
    out.columns.push_back(all ? std::move(b.columns[i]) : b.columns[i].take(sel));
  out.rows_without_columns = int64_t(sel.size());
  return out;
}

}  // namespace floe::parquet
