#include "formats/parquet/column_page_cursor.h"

#include <algorithm>

#include "formats/parquet/record_assembly.h"

namespace floe::parquet {

namespace {

const OffsetIndex& checked(const OffsetIndex& index, int64_t rows, const std::string& path,
                           const std::string& column) {
  const auto& pages = index.page_locations;
  bool ok = rows == 0 || (!pages.empty() && pages[0].first_row_index == 0);
  for (size_t k = 0; ok && k < pages.size(); ++k) {
    int64_t end = k + 1 < pages.size() ? pages[k + 1].first_row_index : rows;
    ok = pages[k].first_row_index >= 0 && end > pages[k].first_row_index && end <= rows;
  }
  if (!ok)
    throw CorruptDataError(fmt::format(
        "{}: column '{}': the offset index's pages do not cover the row group's {} rows in order",
        path, column, rows));
  return index;
}

}  // namespace

ColumnPageCursor::ColumnPageCursor(io::InputFile& file, const ColumnChunk& chunk,
                                   const SchemaNode& node, const LeafInfo& leaf,
                                   int64_t row_group_rows, OffsetIndex index,
                                   int64_t memory_limit)
    : file_(file), node_(node),
      index_(std::move(checked(index, row_group_rows, file.path(), leaf.path))),
      rows_(row_group_rows), decoder_(file, chunk, leaf, index_, memory_limit),
      page_(node.field.type) {}

int64_t ColumnPageCursor::page_end(size_t page) const {
  const auto& pages = index_.page_locations;
  return page + 1 < pages.size() ? pages[page + 1].first_row_index : rows_;
}

void ColumnPageCursor::load(size_t page) {
  LeafData& leaf = decoder_.decode(index_.page_locations[page]);
  try {
    page_ = assemble_top_level_leaf(node_, leaf);
  } catch (const Error& e) {
    throw with_context(e, fmt::format("{}: column '{}'", file_.path(), node_.field.name));
  }
  int64_t want = page_end(page) - index_.page_locations[page].first_row_index;
  if (page_.size() != want) {
    current_ = SIZE_MAX;
    throw CorruptDataError(fmt::format("{}: column '{}': page {} holds {} rows, the offset index says {}",
                                       file_.path(), node_.field.name, page, page_.size(), want));
  }
  current_ = page;
}

void ColumnPageCursor::append_rows(int64_t begin, int64_t end, columnar::Column& out) {
  FLOE_CHECK(begin >= 0 && begin <= end && end <= rows_, "rows {}..{} of a {}-row group", begin,
             end, rows_);
  const auto& pages = index_.page_locations;
  while (begin < end) {
    if (current_ == SIZE_MAX || begin < pages[current_].first_row_index ||
        begin >= page_end(current_)) {
      auto after = std::upper_bound(pages.begin(), pages.end(), begin,
                                    [](int64_t row, const PageLocation& p) {
                                      return row < p.first_row_index;
                                    });
      load(size_t(after - pages.begin()) - 1);
    }
    int64_t first = pages[current_].first_row_index;
    int64_t n = std::min(end, page_end(current_)) - begin;
    out.append_range(page_, begin - first, n);
    begin += n;
  }
}

}  // namespace floe::parquet
