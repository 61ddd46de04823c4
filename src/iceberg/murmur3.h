// Murmur3 x86 32-bit hash: the hash Iceberg's bucket transform is defined by (spec
// Appendix B: "32-bit Murmur3 hash, x86 variant, seeded with 0"). Layer: iceberg.
#pragma once

#include <cstdint>
#include <string_view>

namespace floe::iceberg {

// MurmurHash3_x86_32 of `bytes` with `seed`, as a signed value (Java's int), so that the
// spec's test vectors compare directly. Pure function, thread-safe.
int32_t murmur3_x86_32(std::string_view bytes, uint32_t seed = 0);

// The hash of an 8-byte little-endian long: Iceberg's hashLong, used for int, long, date,
// time and timestamps. Equal to murmur3_x86_32 over those 8 bytes.
int32_t murmur3_hash_long(int64_t v);

}  // namespace floe::iceberg
