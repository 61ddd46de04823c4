// ColumnChunkReader: decodes one column chunk of one row group (its dictionary and data
// pages, v1 and v2, every encoding and codec) into definition/repetition levels and the
// dense non-null values, converted to the leaf's floe type. Layer: formats/parquet.
// The bytes are untrusted: every size, count and offset is checked.
#pragma once

#include <cstdint>
#include <memory>

#include "base/buffer.h"
#include "columnar/column.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "io/file.h"

namespace floe::parquet {

// Rows [begin, end) of a row group.
struct RowRange {
  int64_t begin;
  int64_t end;
  bool operator==(const RowRange&) const = default;
};

struct LeafData {
  // int16 per entry; empty when every entry is at definition level implicit_def (0 for a
  // required leaf, the maximum for an optional one without NULLs).
  Buffer def_levels;
  int16_t implicit_def = 0;
  Buffer rep_levels;  // int16 per entry; empty when max_rep == 0
  int64_t num_entries = 0;
  columnar::Column values;  // the non-null values, densely, in the leaf's floe type
  // With PageDecoder::keep_dictionary_indices, a dictionary-encoded page leaves `values`
  // empty and gives each non-null value's dictionary index (uint32, checked) instead.
  bool indexed = false;
  Buffer dictionary_indices;
};

// Reads the chunk `chunk` of leaf `leaf` from `file`. `row_group_rows` is the row count
// the row group claims (checked against the levels). `slack_bytes` lets the chunk extend
// that far past its recorded size (old parquet-mr under-reported it, PARQUET-816).
// Errors name the file and the column path.
// `memory_limit` bounds the bytes decoding may allocate for the chunk (decompressed pages,
// levels, values): a file whose headers claim more fails with UnsupportedError instead of
// exhausting memory.
constexpr int64_t kDefaultChunkMemoryLimit = int64_t(4) << 30;
LeafData read_column_chunk(io::InputFile& file, const ColumnChunk& chunk, const LeafInfo& leaf,
                           int64_t row_group_rows, int64_t slack_bytes = 0,
                           int64_t memory_limit = kDefaultChunkMemoryLimit);

// Reads only the data pages of the chunk (located by its offset index) that hold rows of
// `ranges` (sorted, disjoint), plus its dictionary page. Sets `decoded` to the row spans
// whose values the result holds, in order.
LeafData read_column_chunk_pages(io::InputFile& file, const ColumnChunk& chunk,
                                 const LeafInfo& leaf, int64_t row_group_rows,
                                 const OffsetIndex& index, const std::vector<RowRange>& ranges,
                                 std::vector<RowRange>* decoded,
                                 int64_t memory_limit = kDefaultChunkMemoryLimit);

// PageDecoder: decodes the data pages of one column chunk one at a time, in any order, as
// its offset index locates them; the dictionary page is decoded once, when it is made.
// For a reader that holds one page of a column at a time rather than the whole chunk.
class PageDecoder {
 public:
  PageDecoder(io::InputFile& file, const ColumnChunk& chunk, const LeafInfo& leaf,
              const OffsetIndex& index, int64_t memory_limit = kDefaultChunkMemoryLimit);
  ~PageDecoder();
  PageDecoder(const PageDecoder&) = delete;
  PageDecoder& operator=(const PageDecoder&) = delete;
  // The levels and values of the page at `page` (valid until the next call; the values may
  // be moved out). Errors name the file and the column.
  LeafData& decode(const PageLocation& page);
  // From now on dictionary-encoded pages give indices, not values (see LeafData::indexed);
  // dictionary() holds the values they index.
  void keep_dictionary_indices();
  const columnar::Column& dictionary() const;

 private:
  struct Impl;
  io::InputFile& file_;
  const LeafInfo& leaf_;
  std::unique_ptr<Impl> impl_;
};

// Decodes one value stored in the spec's statistics form (PLAIN for fixed-width types, the
// raw bytes for byte arrays) into a one-row column of the leaf's floe type. Used to show
// and to compare min/max statistics. Throws CorruptDataError if the bytes do not fit.
columnar::Column decode_statistics_value(const LeafInfo& leaf, std::span<const uint8_t> bytes);

// Converts a 12-byte INT96 timestamp (nanoseconds of day, Julian day) to microseconds
// since the epoch. floe reads INT96 as TIMESTAMP (microseconds), as Spark does, because
// nanoseconds in 64 bits cannot hold the dates Spark writes (years past 2262).
int64_t int96_to_micros(const uint8_t* p);

}  // namespace floe::parquet
