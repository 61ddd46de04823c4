#include "formats/parquet/bloom_filter.h"

#include <xxhash.h>

#include <cmath>
#include <cstring>

#include "base/error.h"

namespace floe::parquet {
namespace {

constexpr uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                               0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

}  // namespace

size_t BloomFilter::optimal_num_bytes(size_t ndv, double fpp) {
  if (!(fpp > 0.0 && fpp < 1.0))
    throw InvalidInputError(
        fmt::format("bloom filter false positive probability {} is not in (0, 1)", fpp));
  // With k = 8 bits set per value, fpp = (1 - e^(-8 ndv / m))^8, solved for m bits.
  const double bits = -8.0 * double(ndv) / std::log(1.0 - std::pow(fpp, 1.0 / 8.0));
  size_t bytes = kMaxBytes;
  if (std::isfinite(bits) && bits / 8.0 < double(kMaxBytes)) bytes = size_t(std::ceil(bits / 8.0));
  size_t p = kMinBytes;
  while (p < bytes) p <<= 1;
  return p;
}

BloomFilter::BloomFilter(size_t num_bytes) {
  if (num_bytes == 0 || num_bytes % kBytesPerBlock != 0 || num_bytes > (size_t(1) << 37))
    throw InvalidInputError(
        fmt::format("bloom filter size {} is not a positive multiple of 32 bytes", num_bytes));
  bits_.resize_zeroed(num_bytes);
  num_blocks_ = num_bytes / kBytesPerBlock;
}

BloomFilter BloomFilter::from_bytes(std::span<const uint8_t> bitset) {
  FLOE_CORRUPT_IF(bitset.empty() || bitset.size() % kBytesPerBlock != 0 ||
                      bitset.size() > (size_t(1) << 37),
                  "bloom filter bitset of {} bytes is not a positive multiple of 32",
                  bitset.size());
  BloomFilter f;
  f.bits_.append(bitset.data(), bitset.size());
  f.num_blocks_ = bitset.size() / kBytesPerBlock;
  return f;
}

void BloomFilter::insert_hash(uint64_t hash) {
  uint32_t* block = bits_.as<uint32_t>() + block_index(hash) * 8;
  const uint32_t key = uint32_t(hash);
  for (int i = 0; i < 8; ++i) block[i] |= uint32_t(1) << ((key * kSalt[i]) >> 27);
}

void BloomFilter::insert_hashes(std::span<const uint64_t> hashes) {
  for (uint64_t h : hashes) insert_hash(h);
}

bool BloomFilter::find_hash(uint64_t hash) const {
  const uint32_t* block = bits_.as<uint32_t>() + block_index(hash) * 8;
  const uint32_t key = uint32_t(hash);
  uint32_t missing = 0;
  for (int i = 0; i < 8; ++i) missing |= ~block[i] & (uint32_t(1) << ((key * kSalt[i]) >> 27));
  return missing == 0;
}

uint64_t bloom_hash(const void* data, size_t n) { return XXH64(data, n, 0); }

void bloom_hash_fixed(const uint8_t* values, size_t n, size_t width, uint64_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = XXH64(values + i * width, width, 0);
}

}  // namespace floe::parquet
