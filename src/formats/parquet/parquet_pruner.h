// ParquetPruner: decides, from a file's own metadata, which parts of it can hold rows that
// satisfy a ScanPredicate: row groups by column statistics, then by bloom filters, then
// row ranges inside a row group by the page index. Everything it keeps may match; the
// caller still filters rows exactly. Layer: formats/parquet.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/parquet/parquet_reader.h"
#include "formats/scan_predicate.h"

namespace floe::parquet {

struct PruneReport {
  int64_t row_groups = 0;
  int64_t row_groups_pruned_by_statistics = 0;
  int64_t row_groups_pruned_by_bloom_filter = 0;
  int64_t pages = 0;  // data pages of the predicate columns in kept row groups
  int64_t pages_pruned = 0;
  int64_t rows_kept = 0;
  int64_t rows_total = 0;
};

class ParquetPruner {
 public:
  // Terms on nested or unknown columns are ignored (they prune nothing).
  ParquetPruner(ParquetReader& reader, const formats::ScanPredicate& predicate);

  // False when statistics or bloom filters prove no row of the group matches.
  bool row_group_may_match(int row_group, PruneReport* report);
  // Row ranges of the group that may match, by the page index of the predicate columns;
  // the whole group when there is no page index.
  std::vector<RowRange> select_rows(int row_group, PruneReport* report);

 private:
  struct Term {
    const formats::ColumnPredicate* predicate;
    int leaf;  // leaf column index
  };
  bool bloom_excludes(const Term& t, const ColumnChunk& chunk);

  ParquetReader& reader_;
  std::vector<Term> terms_;
};

}  // namespace floe::parquet
