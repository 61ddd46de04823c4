// libFuzzer target: arbitrary bytes as a Parquet footer, page header, page index and bloom
// filter header (floe's Thrift compact decoding). Only floe::Error may come out.
#include <cstddef>
#include <cstdint>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  try {
    auto md = floe::parquet::read_file_metadata(bytes);
    floe::parquet::ParquetSchema schema(md.schema);
  } catch (const floe::Error&) {
  }
  try {
    floe::ByteReader in(data, size);
    floe::parquet::read_page_header(in);
  } catch (const floe::Error&) {
  }
  try {
    floe::parquet::read_column_index(bytes);
  } catch (const floe::Error&) {
  }
  try {
    floe::parquet::read_offset_index(bytes);
  } catch (const floe::Error&) {
  }
  return 0;
}
