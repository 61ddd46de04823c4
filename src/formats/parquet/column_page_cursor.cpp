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
      page_(node.field.type) {
  decoder_.keep_dictionary_indices();
}

int64_t ColumnPageCursor::page_end(size_t page) const {
  const auto& pages = index_.page_locations;
  return page + 1 < pages.size() ? pages[page + 1].first_row_index : rows_;
}

int64_t ColumnPageCursor::end_of_page_holding(int64_t row) const {
  const auto& pages = index_.page_locations;
  auto after = std::upper_bound(pages.begin(), pages.end(), row,
                                [](int64_t r, const PageLocation& p) { return r < p.first_row_index; });
  return after == pages.end() ? rows_ : after->first_row_index;
}

void ColumnPageCursor::load(size_t page) {
  current_ = SIZE_MAX;
  LeafData& leaf = decoder_.decode(index_.page_locations[page]);
  int64_t want = page_end(page) - index_.page_locations[page].first_row_index;
  indexed_ = false;
  try {
    if (leaf.indexed) {
      const size_t n = leaf.dictionary_indices.size() / 4;
      if (leaf.def_levels.empty() && int64_t(n) == want &&
          leaf.num_entries == want) {
        std::swap(indices_, leaf.dictionary_indices);  // both buffers are reused page after page
        indexed_ = true;
        current_ = page;
        return;
      }
      leaf.values = decoder_.dictionary().take({leaf.dictionary_indices.as<uint32_t>(), n});
    }
    page_ = assemble_top_level_leaf(node_, leaf);
  } catch (const Error& e) {
    throw with_context(e, fmt::format("{}: column '{}'", file_.path(), node_.field.name));
  }
  if (page_.size() != want) {
    current_ = SIZE_MAX;
    throw CorruptDataError(fmt::format("{}: column '{}': page {} holds {} rows, the offset index says {}",
                                       file_.path(), node_.field.name, page, page_.size(), want));
  }
  current_ = page;
}

void ColumnPageCursor::load_page_of(int64_t row) {
  const auto& pages = index_.page_locations;
  if (current_ != SIZE_MAX && row >= pages[current_].first_row_index && row < page_end(current_))
    return;
  auto after = std::upper_bound(pages.begin(), pages.end(), row,
                                [](int64_t r, const PageLocation& p) { return r < p.first_row_index; });
  load(size_t(after - pages.begin()) - 1);
}

void ColumnPageCursor::append_rows(int64_t begin, int64_t end, columnar::Column& out) {
  FLOE_CHECK(begin >= 0 && begin <= end && end <= rows_, "rows {}..{} of a {}-row group", begin,
             end, rows_);
  while (begin < end) {
    load_page_of(begin);
    int64_t first = index_.page_locations[current_].first_row_index;
    int64_t n = std::min(end, page_end(current_)) - begin;
    if (indexed_) {
      columnar::Column values = decoder_.dictionary().take(
          {indices_.as<uint32_t>() + (begin - first), size_t(n)});
      if (out.size() == 0) out = std::move(values);
      else out.append_column(values);
    } else {
      out.append_range(page_, begin - first, n);
    }
    begin += n;
  }
}

const uint32_t* ColumnPageCursor::window_indices(int64_t begin, int64_t end) {
  FLOE_CHECK(begin >= 0 && begin < end && end <= rows_, "rows {}..{} of a {}-row group", begin,
             end, rows_);
  load_page_of(begin);
  if (!indexed_ || end > page_end(current_)) return nullptr;
  return indices_.as<uint32_t>() + (begin - index_.page_locations[current_].first_row_index);
}

bool ColumnPageCursor::dictionary_indices(int64_t base, const uint32_t* rows, size_t n,
                                          Buffer& out) {
  out.resize(n * sizeof(uint32_t));
  uint32_t* to = out.as<uint32_t>();
  size_t i = 0;
  while (i < n) {
    const int64_t row = base + (rows ? rows[i] : int64_t(i));
    FLOE_CHECK(row >= 0 && row < rows_, "row {} of a {}-row group", row, rows_);
    load_page_of(row);
    if (!indexed_) return false;
    const int64_t first = index_.page_locations[current_].first_row_index;
    const int64_t end = page_end(current_);
    const uint32_t* idx = indices_.as<uint32_t>();
    if (rows) {
      for (; i < n && base + rows[i] < end; ++i) to[i] = idx[base + rows[i] - first];
    } else {
      const size_t k = size_t(std::min<int64_t>(end - base, int64_t(n)) - int64_t(i));
      std::copy_n(idx + (base + int64_t(i) - first), k, to + i);
      i += k;
    }
  }
  return true;
}

columnar::Column ColumnPageCursor::take_rows(int64_t base, std::span<const uint32_t> rows) {
  columnar::Column out(node_.field.type);
  size_t i = 0;
  while (i < rows.size()) {
    const int64_t row = base + rows[i];
    FLOE_CHECK(row >= 0 && row < rows_, "row {} of a {}-row group", row, rows_);
    load_page_of(row);
    const int64_t first = index_.page_locations[current_].first_row_index;
    const int64_t end = page_end(current_);
    in_page_.clear();
    if (indexed_) {  // the rows' dictionary indices
      const uint32_t* idx = indices_.as<uint32_t>();
      for (; i < rows.size() && base + rows[i] < end; ++i)
        in_page_.push_back(idx[base + rows[i] - first]);
    } else {
      for (; i < rows.size() && base + rows[i] < end; ++i)
        in_page_.push_back(uint32_t(base + rows[i] - first));
    }
    const columnar::Column& from = indexed_ ? decoder_.dictionary() : page_;
    if (out.size() == 0 && i == rows.size()) return from.take(in_page_);  // all in one page
    out.append_column(from.take(in_page_));
  }
  return out;
}

}  // namespace floe::parquet
