#include "iceberg/murmur3.h"

#include <cstring>

namespace floe::iceberg {

namespace {

constexpr uint32_t kC1 = 0xcc9e2d51;
constexpr uint32_t kC2 = 0x1b873593;

inline uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

inline uint32_t mix_k(uint32_t k) {
  k *= kC1;
  k = rotl(k, 15);
  return k * kC2;
}

inline uint32_t mix_h(uint32_t h, uint32_t k) {
  h ^= mix_k(k);
  h = rotl(h, 13);
  return h * 5 + 0xe6546b64;
}

inline uint32_t finish(uint32_t h, uint32_t length) {
  h ^= length;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace

int32_t murmur3_x86_32(std::string_view bytes, uint32_t seed) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  uint32_t h = seed;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t k;
    std::memcpy(&k, p + i, 4);  // blocks are little-endian; floe targets little-endian only
    h = mix_h(h, k);
  }
  // The 1 to 3 trailing bytes, little-endian.
  uint32_t k = 0;
  for (size_t j = n & 3; j > 0; --j) k = (k << 8) | p[i + j - 1];
  if (n & 3) h ^= mix_k(k);
  return int32_t(finish(h, uint32_t(n)));
}

int32_t murmur3_hash_long(int64_t v) {
  uint64_t u = uint64_t(v);
  uint32_t h = mix_h(0, uint32_t(u));
  h = mix_h(h, uint32_t(u >> 32));
  return int32_t(finish(h, 8));
}

}  // namespace floe::iceberg
