// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first
// value), then blocks of deltas stored as min delta + bit-packed miniblocks. Used for
// INT32/INT64 columns and inside the DELTA_*_BYTE_ARRAY encodings. Deltas wrap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "base/buffer.h"

namespace floe::parquet {

// T is int32_t or int64_t.
template <typename T>
class DeltaBinaryPackedDecoder {
 public:
  using U = std::make_unsigned_t<T>;

  // Reads and validates the header; `data` must outlive the decoder. Accepts any
  // header the spec allows (block size a multiple of 128, miniblocks of a multiple of
  // 32 values). Throws CorruptDataError otherwise.
  void init(const uint8_t* data, size_t size);

  size_t total_values() const { return total_; }
  size_t values_left() const { return total_ - emitted_; }

  // Decodes the next n values; throws CorruptDataError if fewer than n remain or the
  // data is malformed.
  void decode(T* out, size_t n);

  // Offset just past the miniblock data of the last value: where a following stream
  // starts. Walks the remaining block headers if not all values were decoded.
  size_t bytes_consumed() const;

 private:
  // Position in the block stream; the miniblock bit widths live in the input.
  struct Cursor {
    size_t pos = 0;            // next block header or miniblock data
    size_t next_miniblock = 0;  // == miniblocks_ when a block header comes next
    uint64_t unentered = 0;    // deltas in miniblocks not yet entered
    const uint8_t* widths = nullptr;
    U min_delta = 0;
  };
  // Enters the next miniblock: returns its data, width and value count, and moves
  // cursor.pos past its (padded) data.
  void enter(Cursor& c, const uint8_t*& mb_data, int& width, size_t& count) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t block_size_ = 0;
  size_t miniblocks_ = 0;
  size_t values_per_miniblock_ = 0;
  uint64_t total_ = 0;
  uint64_t emitted_ = 0;
  U last_ = 0;
  Cursor cursor_;
  const uint8_t* mb_data_ = nullptr;
  int mb_width_ = 0;
  size_t mb_pos_ = 0;
  size_t mb_count_ = 0;
};

// Writes blocks of 128 values in 4 miniblocks of 32.
template <typename T>
class DeltaBinaryPackedEncoder {
 public:
  using U = std::make_unsigned_t<T>;
  static constexpr size_t kBlockSize = 128;
  static constexpr size_t kMiniblocks = 4;
  static constexpr size_t kValuesPerMiniblock = kBlockSize / kMiniblocks;

  void put(const T* values, size_t n);
  // Appends header and blocks to out and resets the encoder.
  void finish(Buffer& out);
  size_t count() const { return total_; }

 private:
  void flush_block();

  uint64_t total_ = 0;
  U first_ = 0;
  U last_ = 0;
  U deltas_[kBlockSize] = {};
  size_t num_deltas_ = 0;
  Buffer blocks_;
};

extern template class DeltaBinaryPackedDecoder<int32_t>;
extern template class DeltaBinaryPackedDecoder<int64_t>;
extern template class DeltaBinaryPackedEncoder<int32_t>;
extern template class DeltaBinaryPackedEncoder<int64_t>;

}  // namespace floe::parquet
