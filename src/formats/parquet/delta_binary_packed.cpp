#include "formats/parquet/delta_binary_packed.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/error.h"
#include "formats/parquet/bit_packing.h"

namespace floe::parquet {
namespace {

constexpr std::string_view kWhat = "DELTA_BINARY_PACKED data";
// Larger blocks are legal in principle but never written; the cap keeps
// values_per_miniblock * bit_width far from overflow.
constexpr uint64_t kMaxBlockSize = uint64_t(1) << 32;


void put_zigzag(Buffer& out, int64_t v) {
  put_uvarint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63));
}

}  // namespace

template <typename T>
void DeltaBinaryPackedDecoder<T>::init(const uint8_t* data, size_t size) {
  *this = DeltaBinaryPackedDecoder();
  data_ = data;
  size_ = size;
  ByteReader r(data, size, kWhat);
  const uint64_t block_size = r.uvarint();
  const uint64_t miniblocks = r.uvarint();
  total_ = r.uvarint();
  last_ = U(uint64_t(r.zigzag_varint()));  // wraps to T's width, as deltas do
  FLOE_CORRUPT_IF(block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize,
                  "{}: block size {} is not a positive multiple of 128", kWhat, block_size);
  FLOE_CORRUPT_IF(miniblocks == 0 || block_size % miniblocks != 0 ||
                      (block_size / miniblocks) % 32 != 0,
                  "{}: {} miniblocks do not split a block of {} into multiples of 32", kWhat,
                  miniblocks, block_size);
  block_size_ = size_t(block_size);
  miniblocks_ = size_t(miniblocks);
  values_per_miniblock_ = block_size_ / miniblocks_;
  cursor_.pos = r.position();
  cursor_.next_miniblock = miniblocks_;
  cursor_.unentered = total_ == 0 ? 0 : total_ - 1;
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::enter(Cursor& c, const uint8_t*& mb_data, int& width,
                                        size_t& count) const {
  if (c.next_miniblock == miniblocks_) {
    ByteReader r(data_ + c.pos, size_ - c.pos, kWhat);
    c.min_delta = U(uint64_t(r.zigzag_varint()));
    c.widths = r.bytes(miniblocks_).data();
    c.pos += r.position();
    c.next_miniblock = 0;
  }
  width = c.widths[c.next_miniblock++];
  FLOE_CORRUPT_IF(width > int(sizeof(T) * 8), "{}: miniblock bit width {} exceeds {}", kWhat,
                  width, sizeof(T) * 8);
  count = size_t(std::min<uint64_t>(values_per_miniblock_, c.unentered));
  c.unentered -= count;
  const size_t avail = size_ - c.pos;
  FLOE_CORRUPT_IF(packed_size(count, width) > avail,
                  "{}: miniblock of {} values at offset {} is truncated", kWhat, count, c.pos);
  mb_data = data_ + c.pos;
  // The last miniblock is padded to full size; tolerate writers that cut the padding.
  c.pos += std::min(packed_size(values_per_miniblock_, width), avail);
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::decode(T* out, size_t n) {
  FLOE_CORRUPT_IF(n > total_ - emitted_, "{}: {} values requested, {} remain", kWhat, n,
                  total_ - emitted_);
  if (n == 0) return;
  size_t i = 0;
  if (emitted_ == 0) out[i++] = T(last_);
  U* u = reinterpret_cast<U*>(out);
  while (i < n) {
    if (mb_pos_ == mb_count_) {
      enter(cursor_, mb_data_, mb_width_, mb_count_);
      mb_pos_ = 0;
      continue;
    }
    const size_t k = std::min(n - i, mb_count_ - mb_pos_);
    unpack_bits(mb_data_, mb_pos_, k, mb_width_, u + i);
    U last = last_;
    const U min_delta = cursor_.min_delta;
    for (size_t j = i; j < i + k; ++j) {
      last += min_delta + u[j];
      u[j] = last;
    }
    last_ = last;
    mb_pos_ += k;
    i += k;
  }
  emitted_ += n;
}

template <typename T>
size_t DeltaBinaryPackedDecoder<T>::bytes_consumed() const {
  Cursor c = cursor_;
  while (c.unentered > 0) {
    const uint8_t* mb;
    int width;
    size_t count;
    enter(c, mb, width, count);
  }
  return c.pos;
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::put(const T* values, size_t n) {
  size_t i = 0;
  if (total_ == 0 && n > 0) {
    first_ = last_ = U(values[0]);
    i = 1;
  }
  total_ += n;
  U last = last_;
  while (i < n) {
    const size_t k = std::min(n - i, kBlockSize - num_deltas_);
    for (size_t j = 0; j < k; ++j) {
      const U v = U(values[i + j]);
      deltas_[num_deltas_ + j] = v - last;
      last = v;
    }
    num_deltas_ += k;
    i += k;
    if (num_deltas_ == kBlockSize) flush_block();
  }
  last_ = last;
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::flush_block() {
  if (num_deltas_ == 0) return;
  T min_delta = T(deltas_[0]);
  for (size_t i = 1; i < num_deltas_; ++i) min_delta = std::min(min_delta, T(deltas_[i]));
  const U base = U(min_delta);
  U rel[kBlockSize];
  for (size_t i = 0; i < kBlockSize; ++i) rel[i] = i < num_deltas_ ? U(deltas_[i] - base) : 0;
  uint8_t widths[kMiniblocks] = {};
  for (size_t m = 0; m * kValuesPerMiniblock < num_deltas_; ++m) {
    U all = 0;
    for (size_t i = 0; i < kValuesPerMiniblock; ++i) all |= rel[m * kValuesPerMiniblock + i];
    widths[m] = uint8_t(bit_width_of(all));
  }
  put_zigzag(blocks_, int64_t(min_delta));
  blocks_.append(widths, kMiniblocks);
  for (size_t m = 0; m * kValuesPerMiniblock < num_deltas_; ++m) {
    const size_t at = blocks_.size();
    blocks_.resize(at + 4 * size_t(widths[m]));
    pack_bits(rel + m * kValuesPerMiniblock, kValuesPerMiniblock, widths[m], blocks_.data() + at);
  }
  num_deltas_ = 0;
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::finish(Buffer& out) {
  flush_block();
  put_uvarint(out, kBlockSize);
  put_uvarint(out, kMiniblocks);
  put_uvarint(out, total_);
  put_zigzag(out, int64_t(T(first_)));
  out.append(blocks_.data(), blocks_.size());
  blocks_.clear();
  total_ = 0;
  first_ = last_ = 0;
}

template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;
template class DeltaBinaryPackedEncoder<int32_t>;
template class DeltaBinaryPackedEncoder<int64_t>;

}  // namespace floe::parquet
