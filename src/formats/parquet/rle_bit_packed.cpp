#include "formats/parquet/rle_bit_packed.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/error.h"
#include "formats/parquet/bit_packing.h"

namespace floe::parquet {
namespace {

constexpr std::string_view kWhat = "RLE/bit-packed data";


}  // namespace

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width)
    : data_(data), size_(size), bit_width_(bit_width) {
  FLOE_CORRUPT_IF(bit_width < 0 || bit_width > 32, "{}: bit width {} is not in 0..32", kWhat,
                  bit_width);
}

bool RleBitPackedDecoder::next_run() {
  if (pos_ >= size_) return false;
  ByteReader r(data_ + pos_, size_ - pos_, kWhat);
  const uint64_t header = r.uvarint();
  const size_t avail = r.remaining();
  if (header & 1) {
    const uint64_t groups = header >> 1;
    if (bit_width_ == 0) {
      packed_count_ = groups > SIZE_MAX / 8 ? SIZE_MAX : size_t(groups) * 8;
    } else if (groups <= avail / size_t(bit_width_)) {
      packed_count_ = size_t(groups) * 8;
    } else {
      // Truncated last run: keep the whole values that are present.
      packed_count_ = avail * 8 / size_t(bit_width_);
    }
    packed_ = r.current();
    packed_index_ = 0;
    r.skip(packed_size(packed_count_, bit_width_));
  } else {
    const size_t value_bytes = size_t(bit_width_ + 7) / 8;
    r.need(value_bytes);
    uint32_t v = 0;
    for (size_t i = 0; i < value_bytes; ++i) v |= uint32_t(r.u8()) << (8 * i);
    FLOE_CORRUPT_IF(bit_width_ < 32 && (v >> bit_width_) != 0,
                    "{}: RLE value {} does not fit in bit width {}", kWhat, v, bit_width_);
    rle_value_ = v;
    rle_left_ = size_t(header >> 1);
  }
  pos_ += r.position();
  return true;
}

size_t RleBitPackedDecoder::get_batch(uint32_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      const size_t k = std::min(rle_left_, n - done);
      std::fill_n(out + done, k, rle_value_);
      rle_left_ -= k;
      done += k;
    } else if (packed_index_ < packed_count_) {
      const size_t k = std::min(packed_count_ - packed_index_, n - done);
      unpack_bits(packed_, packed_index_, k, bit_width_, out + done);
      packed_index_ += k;
      done += k;
    } else if (!next_run()) {
      break;
    }
  }
  return done;
}

size_t RleBitPackedDecoder::skip(size_t n) {
  size_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      const size_t k = std::min(rle_left_, n - done);
      rle_left_ -= k;
      done += k;
    } else if (packed_index_ < packed_count_) {
      const size_t k = std::min(packed_count_ - packed_index_, n - done);
      packed_index_ += k;
      done += k;
    } else if (!next_run()) {
      break;
    }
  }
  return done;
}

size_t RleBitPackedDecoder::skip_repeats(uint32_t value, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      if (rle_value_ != value) break;
      const size_t k = std::min(rle_left_, n - done);
      rle_left_ -= k;
      done += k;
    } else if (packed_index_ < packed_count_ || !next_run()) {
      break;
    }
  }
  return done;
}

RleBitPackedEncoder::RleBitPackedEncoder(int bit_width) : bit_width_(bit_width) {
  FLOE_CHECK(bit_width >= 0 && bit_width <= 32, "bit width {}", bit_width);
}

void RleBitPackedEncoder::put(const uint32_t* values, size_t n) {
  uint32_t all = 0;
  for (size_t i = 0; i < n; ++i) all |= values[i];
  FLOE_CHECK(bit_width_of(all) <= bit_width_, "value does not fit in bit width {}", bit_width_);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t v = values[i];
    if (v == current_ && repeat_ > 0) {
      if (++repeat_ > 8) continue;  // inside an RLE run: nothing to buffer
    } else {
      if (repeat_ >= 8) flush_repeat();
      current_ = v;
      repeat_ = 1;
    }
    group_[group_size_++] = v;
    if (group_size_ == 8) flush_group();
  }
}

void RleBitPackedEncoder::flush_group() {
  if (repeat_ >= 8) {
    // The group is the start of an RLE run; the open literal run ends before it.
    group_size_ = 0;
    flush_literals();
    return;
  }
  for (size_t i = group_size_; i < 8; ++i) group_[i] = 0;
  const size_t old = literals_.size();
  literals_.resize(old + size_t(bit_width_));
  pack_bits(group_, 8, bit_width_, literals_.data() + old);
  ++literal_groups_;
  group_size_ = 0;
  repeat_ = 0;
}

void RleBitPackedEncoder::flush_literals() {
  if (literal_groups_ == 0) return;
  put_uvarint(encoded_, (uint64_t(literal_groups_) << 1) | 1);
  encoded_.append(literals_.data(), literals_.size());
  literals_.clear();
  literal_groups_ = 0;
}

void RleBitPackedEncoder::flush_repeat() {
  put_uvarint(encoded_, uint64_t(repeat_) << 1);
  const size_t value_bytes = size_t(bit_width_ + 7) / 8;
  for (size_t i = 0; i < value_bytes; ++i) encoded_.push(uint8_t(current_ >> (8 * i)));
  repeat_ = 0;
}

void RleBitPackedEncoder::finish(Buffer& out) {
  if (repeat_ >= 8) {
    flush_literals();
    flush_repeat();
  } else if (group_size_ > 0) {
    if (literal_groups_ == 0 && repeat_ == group_size_) {
      flush_repeat();  // a short final run of one value: RLE beats a padded group
    } else {
      flush_group();
      flush_literals();
    }
  } else {
    flush_literals();
  }
  out.append(encoded_.data(), encoded_.size());
  encoded_.clear();
  literals_.clear();
  literal_groups_ = 0;
  group_size_ = 0;
  repeat_ = 0;
  current_ = 0;
}

RleBitPackedDecoder open_length_prefixed(const uint8_t* data, size_t size, int bit_width,
                                         size_t& consumed) {
  ByteReader r(data, size, "length-prefixed RLE/bit-packed levels");
  const uint32_t length = r.fixed<uint32_t>();
  r.need(length);
  consumed = 4 + size_t(length);
  return RleBitPackedDecoder(data + 4, length, bit_width);
}

RleBitPackedDecoder open_bit_width_prefixed(const uint8_t* data, size_t size) {
  ByteReader r(data, size, "RLE dictionary indices");
  const int bit_width = r.u8();
  FLOE_CORRUPT_IF(bit_width > 32, "RLE dictionary indices: bit width {} is not in 0..32",
                  bit_width);
  return RleBitPackedDecoder(data + 1, size - 1, bit_width);
}

void encode_length_prefixed(const uint32_t* values, size_t n, int bit_width, Buffer& out) {
  const size_t at = out.size();
  out.resize(at + 4);
  RleBitPackedEncoder enc(bit_width);
  enc.put(values, n);
  enc.finish(out);
  const size_t length = out.size() - at - 4;
  FLOE_CHECK(length <= UINT32_MAX, "levels of {} bytes", length);
  store_le<uint32_t>(out.data() + at, uint32_t(length));
}

void encode_bit_width_prefixed(const uint32_t* values, size_t n, int bit_width, Buffer& out) {
  out.push(uint8_t(bit_width));
  RleBitPackedEncoder enc(bit_width);
  enc.put(values, n);
  enc.finish(out);
}

}  // namespace floe::parquet
