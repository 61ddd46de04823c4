// Byte array (string/binary) encodings: PLAIN (4-byte length before each value),
// DELTA_LENGTH_BYTE_ARRAY (delta-packed lengths, then all bytes) and DELTA_BYTE_ARRAY
// (delta-packed prefix lengths shared with the previous value, then DLBA suffixes).
//
// Output layout: `offsets` holds k + 1 int32 end offsets for the k values already
// present (a fresh column starts with a single 0) and `bytes` their data; decoding n
// values appends n offsets and their bytes. Offsets continue from the last one, and a
// decode throws CorruptDataError if they would pass INT32_MAX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/buffer.h"
#include "formats/parquet/delta_binary_packed.h"

namespace floe::parquet {

class PlainByteArrayDecoder {
 public:
  PlainByteArrayDecoder() = default;
  PlainByteArrayDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // Throws CorruptDataError if fewer than n values remain or a length is bad.
  void decode(size_t n, Buffer& offsets, Buffer& bytes);
  void skip(size_t n);
  size_t bytes_consumed() const { return pos_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

class DeltaLengthByteArrayDecoder {
 public:
  // Reads the length stream's header and finds where the bytes start.
  void init(const uint8_t* data, size_t size);
  size_t total_values() const { return lengths_.total_values(); }
  size_t values_left() const { return lengths_.values_left(); }
  void decode(size_t n, Buffer& offsets, Buffer& bytes);
  void skip(size_t n);

 private:
  DeltaBinaryPackedDecoder<int32_t> lengths_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;  // next value's bytes
  Buffer scratch_;
};

class DeltaByteArrayDecoder {
 public:
  void init(const uint8_t* data, size_t size);
  size_t total_values() const { return prefixes_.total_values(); }
  size_t values_left() const { return prefixes_.values_left(); }
  void decode(size_t n, Buffer& offsets, Buffer& bytes);

 private:
  DeltaBinaryPackedDecoder<int32_t> prefixes_;
  DeltaLengthByteArrayDecoder suffixes_;
  std::string last_;  // previous value, the base of the next prefix
  Buffer prefix_scratch_;
  Buffer suffix_offsets_;
  Buffer suffix_bytes_;
};

// Encoders take n values in the same layout: value i is bytes[offsets[i], offsets[i+1]).
void encode_plain_byte_array(const int32_t* offsets, const uint8_t* bytes, size_t n, Buffer& out);
void encode_delta_length_byte_array(const int32_t* offsets, const uint8_t* bytes, size_t n,
                                    Buffer& out);
void encode_delta_byte_array(const int32_t* offsets, const uint8_t* bytes, size_t n, Buffer& out);

}  // namespace floe::parquet
