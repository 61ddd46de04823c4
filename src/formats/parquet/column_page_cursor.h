// ColumnPageCursor: the rows of one flat column (a top-level field that is a single
// unrepeated leaf with an offset index) of one row group, read a span of rows at a time,
// forward, while only the page the span is in stays decoded. A scan that hands rows on a
// few thousand at a time so keeps each column's working set to one page, not a whole chunk,
// and decodes no page of a column it never asks rows of. Values of dictionary-encoded pages
// are gathered from the dictionary only for the rows asked for. Layer: formats/parquet.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "columnar/column.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "io/file.h"

namespace floe::parquet {

class ColumnPageCursor {
 public:
  // `index` is the chunk's offset index; it is checked against `row_group_rows` here.
  ColumnPageCursor(io::InputFile& file, const ColumnChunk& chunk, const SchemaNode& node,
                   const LeafInfo& leaf, int64_t row_group_rows, OffsetIndex index,
                   int64_t memory_limit = kDefaultChunkMemoryLimit);

  // Appends rows [begin, end) of the row group to `out` (a column of the field's type).
  // Spans may come in any order, but a span before the current page decodes pages again.
  // Errors name the file and the column.
  void append_rows(int64_t begin, int64_t end, columnar::Column& out);
  // Rows base + rows[i] (rows ascending) as a column: picked straight out of the pages,
  // without copying the rows between them first.
  columnar::Column take_rows(int64_t base, std::span<const uint32_t> rows);
  // The dictionary index of each of rows [begin, end) when they lie in one
  // dictionary-encoded page without NULLs (null otherwise; valid until the cursor moves),
  // and the dictionary they index: a filter can test each dictionary value once.
  const uint32_t* window_indices(int64_t begin, int64_t end);
  const columnar::Column& dictionary() const { return decoder_.dictionary(); }
  // The dictionary indices of rows base + rows[i] (rows ascending; null: rows base ..
  // base + n) into `out`, when all of them lie in dictionary-encoded pages without NULLs;
  // false (out unspecified) when one does not.
  bool dictionary_indices(int64_t base, const uint32_t* rows, size_t n, Buffer& out);
  // The first row after the page holding `row` (from the offset index: nothing is decoded).
  int64_t end_of_page_holding(int64_t row) const;

 private:
  void load(size_t page);
  void load_page_of(int64_t row);  // the page holding `row`, unless it is the current one
  int64_t page_end(size_t page) const;

  io::InputFile& file_;
  const SchemaNode& node_;
  OffsetIndex index_;
  int64_t rows_;
  PageDecoder decoder_;
  size_t current_ = SIZE_MAX;
  // The current page: its values, or (a dictionary-encoded page without NULLs) each row's
  // dictionary index, so that only the rows asked for are gathered from the dictionary.
  columnar::Column page_;
  bool indexed_ = false;
  Buffer indices_;
  std::vector<uint32_t> in_page_;  // take_rows' rows relative to the page (or their indices)
};

}  // namespace floe::parquet
