// Little-endian loads and stores on unaligned bytes, and a bounds-checked cursor
// over untrusted input. Layer: base. Every reader of file bytes goes through these.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "base/buffer.h"
#include "base/error.h"

namespace floe {

template <typename T>
inline T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;  // x86-64 and aarch64 are little-endian; floe targets only those.
}

template <typename T>
inline void store_le(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Appends v as an unsigned LEB128 varint (the form ByteReader::uvarint reads).
inline void put_uvarint(Buffer& out, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = uint8_t(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = uint8_t(v);
  out.append(tmp, n);
}

// A read cursor over bytes that came from outside: every read checks the bounds and
// throws CorruptDataError naming `what` instead of reading past the end.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size, std::string_view what = "buffer")
      : data_(data), size_(size), what_(what) {}
  explicit ByteReader(std::span<const uint8_t> s, std::string_view what = "buffer")
      : ByteReader(s.data(), s.size(), what) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  const uint8_t* current() const { return data_ + pos_; }

  void need(size_t n) const {
    FLOE_CORRUPT_IF(n > size_ - pos_, "{}: needs {} bytes at offset {}, only {} remain", what_, n,
                    pos_, size_ - pos_);
  }
  void skip(size_t n) {
    need(n);
    pos_ += n;
  }
  uint8_t u8() {
    need(1);
    return data_[pos_++];
  }
  template <typename T>
  T fixed() {
    need(sizeof(T));
    T v = load_le<T>(data_ + pos_);
    pos_ += sizeof(T);
    return v;
  }
  std::span<const uint8_t> bytes(size_t n) {
    need(n);
    std::span<const uint8_t> s(data_ + pos_, n);
    pos_ += n;
    return s;
  }
  // Unsigned LEB128 varint, at most 10 bytes.
  uint64_t uvarint() {
    uint64_t result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      uint8_t b = u8();
      result |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
    FLOE_CORRUPT_IF(true, "{}: varint longer than 10 bytes at offset {}", what_, pos_);
    return 0;
  }
  int64_t zigzag_varint() {
    uint64_t u = uvarint();
    return int64_t(u >> 1) ^ -int64_t(u & 1);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string_view what_;
};

}  // namespace floe
