// The RLE/bit-packing hybrid: runs of one repeated value (RLE) and groups of 8
// bit-packed values, each behind a ULEB128 header. Parquet uses it for repetition and
// definition levels, dictionary indices and RLE-encoded booleans.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/buffer.h"

namespace floe::parquet {

class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;
  // `data` must outlive the decoder. bit_width outside 0..32 throws CorruptDataError.
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width);

  int bit_width() const { return bit_width_; }

  // Decodes up to n values into out; returns how many were produced (fewer than n
  // only at the end of the data). A truncated last bit-packed run yields the whole
  // values its bytes hold. Throws CorruptDataError on malformed runs.
  size_t get_batch(uint32_t* out, size_t n);
  // Like get_batch, but skips the values without decoding bit-packed runs.
  size_t skip(size_t n);
  // Skips up to n leading values that RLE runs give as `value`; returns how many. It stops
  // at a bit-packed run or another value, which get_batch then decodes (a page whose
  // levels are all the maximum is passed over without writing a level).
  size_t skip_repeats(uint32_t value, size_t n);

 private:
  bool next_run();

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  int bit_width_ = 0;
  // Current RLE run: rle_left_ copies of rle_value_.
  size_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  // Current bit-packed run: values [packed_index_, packed_count_) at packed_.
  const uint8_t* packed_ = nullptr;
  size_t packed_index_ = 0;
  size_t packed_count_ = 0;
};

// Encodes values of a fixed bit width; runs of >= 8 equal values (aligned to the
// groups of 8 it buffers) become RLE runs, everything else bit-packed groups.
class RleBitPackedEncoder {
 public:
  // bit_width must be 0..32; values passed to put must fit in it.
  explicit RleBitPackedEncoder(int bit_width);

  void put(const uint32_t* values, size_t n);
  // Appends the encoded bytes (no length prefix) to out and resets the encoder.
  void finish(Buffer& out);

 private:
  void flush_group();
  void flush_literals();
  void flush_repeat();

  int bit_width_;
  Buffer encoded_;          // finished runs
  Buffer literals_;         // packed bytes of the open bit-packed run
  size_t literal_groups_ = 0;
  uint32_t group_[8] = {};  // values not yet assigned to a run
  size_t group_size_ = 0;
  uint32_t current_ = 0;    // last value seen and how often it repeated in a row
  size_t repeat_ = 0;
};

// Data page v1 levels: a 4-byte little-endian length, then that many bytes of hybrid
// data. Sets `consumed` to 4 + length. Throws CorruptDataError if the length does not fit.
RleBitPackedDecoder open_length_prefixed(const uint8_t* data, size_t size, int bit_width,
                                         size_t& consumed);
// Dictionary indices: a 1-byte bit width (0..32), then hybrid data to the end.
RleBitPackedDecoder open_bit_width_prefixed(const uint8_t* data, size_t size);

// Encoders for the two prefixed forms; they append to out.
void encode_length_prefixed(const uint32_t* values, size_t n, int bit_width, Buffer& out);
void encode_bit_width_prefixed(const uint32_t* values, size_t n, int bit_width, Buffer& out);

}  // namespace floe::parquet
