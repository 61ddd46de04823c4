// Parquet's split-block bloom filter (SBBF): 32-byte blocks of eight 32-bit words; a
// 64-bit xxHash picks a block (high half) and sets one bit per word (low half, salted).
// The bitset is stored in files as is, after a BloomFilterHeader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/buffer.h"

namespace floe::parquet {

class BloomFilter {
 public:
  static constexpr size_t kBytesPerBlock = 32;
  static constexpr size_t kMinBytes = 32;
  static constexpr size_t kMaxBytes = size_t(128) << 20;

  // Bitset size (a power of two in [kMinBytes, kMaxBytes]) for ndv distinct values at
  // false positive probability fpp; fpp outside (0, 1) throws InvalidInputError.
  static size_t optimal_num_bytes(size_t ndv, double fpp);

  // An empty filter of num_bytes (a positive multiple of 32, else InvalidInputError).
  explicit BloomFilter(size_t num_bytes);
  // A filter read from a file: bitset must be a positive multiple of 32 bytes (at most
  // 2^37 bytes, the most the block index can address), else CorruptDataError.
  static BloomFilter from_bytes(std::span<const uint8_t> bitset);

  void insert_hash(uint64_t hash);
  void insert_hashes(std::span<const uint64_t> hashes);
  bool find_hash(uint64_t hash) const;

  size_t num_bytes() const { return bits_.size(); }
  std::span<const uint8_t> bytes() const { return bits_.span(); }

 private:
  BloomFilter() = default;
  size_t block_index(uint64_t hash) const { return size_t(((hash >> 32) * num_blocks_) >> 32); }

  Buffer bits_;
  uint64_t num_blocks_ = 0;
};

// XXH64 (seed 0) of a value's plain encoding: fixed-width values as their
// little-endian bytes, byte arrays as their bytes without the length prefix.
uint64_t bloom_hash(const void* data, size_t n);
inline uint64_t bloom_hash(int32_t v) { return bloom_hash(&v, sizeof v); }
inline uint64_t bloom_hash(int64_t v) { return bloom_hash(&v, sizeof v); }
inline uint64_t bloom_hash(float v) { return bloom_hash(&v, sizeof v); }
inline uint64_t bloom_hash(double v) { return bloom_hash(&v, sizeof v); }
inline uint64_t bloom_hash(std::string_view v) { return bloom_hash(v.data(), v.size()); }

// Hashes n fixed-width values of `width` bytes laid out back to back into out[0..n).
void bloom_hash_fixed(const uint8_t* values, size_t n, size_t width, uint64_t* out);

}  // namespace floe::parquet
