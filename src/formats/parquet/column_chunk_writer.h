// ColumnChunkWriter: encodes one leaf's shredded levels and values as one column chunk of
// a row group — a dictionary page and data pages (v1 or v2, any value encoding, any
// codec) written straight to the file — with its statistics, page index entries and bloom
// filter. Layer: formats/parquet (writer side); the inverse of column_chunk_reader.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/bloom_filter.h"
#include "formats/parquet/level_shredding.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "io/file.h"

namespace floe::parquet {

// How one leaf is written; the ParquetWriter resolves these from its options.
struct ColumnChunkWriteOptions {
  CompressionCodec codec = CompressionCodec::kZstd;
  int compression_level = 0;  // 0 = the codec's default
  int64_t page_bytes = 1 << 20;  // uncompressed estimate at which a page is cut
  int64_t page_rows = 20000;     // rows at which a page is cut
  bool dictionary = true;        // try RLE_DICTIONARY when no encoding is chosen
  int64_t dictionary_bytes_limit = 1 << 20;  // PLAIN size of the dictionary page
  // The value encoding chosen for this column; RLE_DICTIONARY (or PLAIN_DICTIONARY) asks
  // for a dictionary even when `dictionary` is false. Unset: dictionary, else PLAIN.
  std::optional<Encoding> encoding;
  int data_page_version = 1;
  bool write_statistics = true;
  bool write_page_index = true;
  size_t statistics_truncate_length = 64;  // BYTE_ARRAY min/max; 0 = never truncate
  bool bloom_filter = false;
  double bloom_filter_fpp = 0.01;
};

// The chunk's footer entry and what close() writes after all row groups. Offsets in
// `chunk` are absolute file positions; the index and bloom filter offsets are left unset.
struct WrittenColumnChunk {
  ColumnChunk chunk;
  std::optional<ColumnIndex> column_index;  // unset when statistics cannot bound a page
  std::optional<OffsetIndex> offset_index;
  std::optional<BloomFilter> bloom_filter;
};

// Throws InvalidInputError (naming `path`) unless `encoding` can encode the values of
// a leaf of physical type `type`: PLAIN any; RLE_DICTIONARY/PLAIN_DICTIONARY all but
// BOOLEAN; RLE only BOOLEAN; DELTA_BINARY_PACKED INT32/INT64; DELTA_LENGTH_BYTE_ARRAY
// BYTE_ARRAY; DELTA_BYTE_ARRAY BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY; BYTE_STREAM_SPLIT
// FLOAT/DOUBLE/INT32/INT64/FIXED_LEN_BYTE_ARRAY.
void check_column_encoding(Type type, Encoding encoding, std::string_view path);

// Writes the pages of `data` (the shredded leaf `leaf`, whose path_in_schema is given)
// at the current end of `out`. Values are converted to the leaf's physical type as the
// reader converts them back. Falls back from dictionary to PLAIN for the whole chunk when
// the dictionary outgrows options.dictionary_bytes_limit or would not be smaller. Pages
// start at a row boundary. Throws InvalidInputError for values Parquet cannot hold (a
// decimal that does not fit its precision's physical type), IoError from `out`.
WrittenColumnChunk write_column_chunk(io::OutputFile& out, const LeafInfo& leaf,
                                      std::vector<std::string> path_in_schema,
                                      const ShreddedLeaf& data,
                                      const ColumnChunkWriteOptions& options);

}  // namespace floe::parquet
