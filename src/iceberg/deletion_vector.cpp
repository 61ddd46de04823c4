#include "iceberg/deletion_vector.h"

#include <roaring/roaring.h>
#include <zlib.h>

#include "base/error.h"

namespace floe::iceberg {

namespace {

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

constexpr uint8_t kMagic[4] = {0xD1, 0xD3, 0x39, 0x64};

}  // namespace

std::vector<int64_t> decode_deletion_vector(std::span<const uint8_t> blob,
                                            const std::string& what) {
  FLOE_CORRUPT_IF(blob.size() < 12, "{}: deletion vector of {} bytes is too short", what,
                  blob.size());
  uint32_t length = load_be32(blob.data());
  FLOE_CORRUPT_IF(length < 4 || uint64_t(length) + 8 != blob.size(),
                  "{}: deletion vector says {} bytes, the blob has {}", what, length, blob.size());
  FLOE_CORRUPT_IF(std::memcmp(blob.data() + 4, kMagic, 4) != 0,
                  "{}: deletion vector lacks its magic bytes", what);
  uint32_t stored_crc = load_be32(blob.data() + 4 + length);
  uint32_t crc = uint32_t(::crc32(0L, blob.data() + 4, length));
  FLOE_CORRUPT_IF(crc != stored_crc, "{}: deletion vector CRC mismatch", what);

  const uint8_t* p = blob.data() + 8;
  size_t left = length - 4;
  FLOE_CORRUPT_IF(left < 8, "{}: deletion vector has no bitmap count", what);
  uint64_t count;
  std::memcpy(&count, p, 8);
  p += 8;
  left -= 8;
  FLOE_CORRUPT_IF(count > left / 4, "{}: deletion vector claims {} bitmaps in {} bytes", what,
                  count, left);
  std::vector<int64_t> out;
  int64_t previous_key = -1;
  for (uint64_t i = 0; i < count; ++i) {
    FLOE_CORRUPT_IF(left < 4, "{}: deletion vector ends inside bitmap {}", what, i);
    uint32_t key;
    std::memcpy(&key, p, 4);
    p += 4;
    left -= 4;
    FLOE_CORRUPT_IF(key > 0x7FFFFFFFu, "{}: deletion vector position beyond 2^63", what);
    FLOE_CORRUPT_IF(int64_t(key) <= previous_key, "{}: deletion vector keys out of order", what);
    previous_key = key;
    const char* bytes = reinterpret_cast<const char*>(p);
    size_t size = roaring_bitmap_portable_deserialize_size(bytes, left);
    FLOE_CORRUPT_IF(size == 0, "{}: deletion vector bitmap {} is malformed", what, i);
    roaring_bitmap_t* bitmap = roaring_bitmap_portable_deserialize_safe(bytes, left);
    FLOE_CORRUPT_IF(bitmap == nullptr, "{}: deletion vector bitmap {} is malformed", what, i);
    uint64_t n = roaring_bitmap_get_cardinality(bitmap);
    size_t base = out.size();
    out.resize(base + n);
    std::vector<uint32_t> values(n);
    roaring_bitmap_to_uint32_array(bitmap, values.data());
    roaring_bitmap_free(bitmap);
    for (uint64_t k = 0; k < n; ++k) out[base + k] = (int64_t(key) << 32) | values[k];
    p += size;
    left -= size;
  }
  FLOE_CORRUPT_IF(left != 0, "{}: {} stray bytes after the deletion vector", what, left);
  return out;
}

std::vector<int64_t> read_deletion_vector(io::FileIO& io, const DataFile& delete_file) {
  const std::string& what = delete_file.file_path;
  if (!delete_file.content_offset || !delete_file.content_size_in_bytes)
    throw CorruptDataError(fmt::format(
        "{}: deletion vector entry lacks content_offset or content_size_in_bytes", what));
  auto in = io.open_input(delete_file.file_path);
  int64_t off = *delete_file.content_offset, len = *delete_file.content_size_in_bytes;
  FLOE_CORRUPT_IF(off < 0 || len < 0 || uint64_t(off) + uint64_t(len) > in->size(),
                  "{}: deletion vector at {}+{} is outside the {}-byte file", what, off, len,
                  in->size());
  return decode_deletion_vector(in->read_at(uint64_t(off), uint64_t(len)), what);
}

}  // namespace floe::iceberg
