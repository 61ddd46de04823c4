// Avro object container files (spec 1.11): a header (magic, metadata with the schema
// and codec, sync marker) then blocks of encoded data, each compressed with the codec
// (null, deflate, snappy, zstandard) and followed by the sync marker. Layer: formats.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "base/buffer.h"
#include "formats/avro/avro_schema.h"
#include "formats/avro/avro_value.h"

namespace floe::avro {

// Reads the data of an Avro file held in memory. The bytes must outlive the reader.
class AvroFileReader {
 public:
  // Parses the header. Throws CorruptDataError for malformed bytes and UnsupportedError
  // for a codec floe does not read (bzip2, xz, ...).
  AvroFileReader(std::span<const uint8_t> bytes, std::string name);

  const AvroSchemaPtr& writer_schema() const { return writer_schema_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& codec() const { return codec_; }

  // Data read after this call takes the shape of `reader` (Avro schema resolution).
  void set_reader_schema(AvroSchemaPtr reader) { reader_schema_ = std::move(reader); }

  // Decodes the next datum into out; false at the end of the file.
  bool next(AvroValue& out);

 private:
  bool load_block();

  std::span<const uint8_t> bytes_;
  std::string name_;
  size_t pos_ = 0;  // in bytes_
  AvroSchemaPtr writer_schema_;
  AvroSchemaPtr reader_schema_;
  std::map<std::string, std::string> metadata_;
  std::string codec_;
  uint8_t sync_[16] = {};
  Buffer block_;                     // decompressed data of the current block
  std::span<const uint8_t> data_;    // the current block's data (block_ or bytes_)
  size_t data_pos_ = 0;
  uint64_t objects_left_ = 0;
};

// Writes an Avro file into memory.
class AvroFileWriter {
 public:
  static constexpr size_t kBlockBytes = 64 * 1024;
  static constexpr size_t kBlockRecords = 4000;

  // codec: "null", "deflate", "snappy" or "zstandard" (else UnsupportedError). metadata
  // is added to the header (avro.schema and avro.codec are set by the writer).
  AvroFileWriter(AvroSchemaPtr schema, std::string codec = "deflate",
                 std::map<std::string, std::string> metadata = {});

  // Encodes one datum (InvalidInputError if it does not fit the schema).
  void append(const AvroValue& value);
  size_t blocks_written() const { return blocks_; }
  // Flushes the last block and returns the whole file; the writer is then spent.
  Buffer finish();

 private:
  void flush_block();

  AvroSchemaPtr schema_;
  std::string codec_;
  Buffer out_;
  Buffer block_;
  size_t block_records_ = 0;
  size_t blocks_ = 0;
  uint8_t sync_[16] = {};
};

}  // namespace floe::avro
