#include "formats/parquet/byte_array_encodings.h"

#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "base/error.h"

namespace floe::parquet {
namespace {

constexpr int64_t kMaxOffset = INT32_MAX;

// Valid data that floe cannot hold: a column vector's strings use 32-bit offsets.
[[noreturn]] void throw_too_large(const char* encoding) {
  throw UnsupportedError(fmt::format(
      "{}: more than 2 GiB of byte-array values in one column chunk; floe's column vectors "
      "hold at most 2 GiB of strings",
      encoding));
}

int64_t last_offset(const Buffer& offsets) {
  FLOE_CHECK(offsets.size() >= 4 && offsets.size() % 4 == 0,
             "offsets buffer of {} bytes does not hold int32 offsets starting with 0",
             offsets.size());
  return load_le<int32_t>(offsets.data() + offsets.size() - 4);
}

// Grows `offsets` by n slots and undoes that if the decode that fills them throws.
class OffsetsAppend {
 public:
  OffsetsAppend(Buffer& offsets, size_t n) : offsets_(offsets), start_(offsets.size()) {
    offsets_.resize(start_ + n * 4);
  }
  ~OffsetsAppend() {
    if (!done_) offsets_.resize(start_);
  }
  int32_t* slots() { return reinterpret_cast<int32_t*>(offsets_.data() + start_); }
  void commit() { done_ = true; }

 private:
  Buffer& offsets_;
  size_t start_;
  bool done_ = false;
};

constexpr size_t kChunk = 512;

}  // namespace

void PlainByteArrayDecoder::decode(size_t n, Buffer& offsets, Buffer& bytes) {
  const int64_t base = last_offset(offsets);
  FLOE_CORRUPT_IF(n > (size_ - pos_) / 4, "PLAIN byte arrays: {} values cannot fit in {} bytes",
                  n, size_ - pos_);
  OffsetsAppend append(offsets, n);
  int32_t* off = append.slots();
  // Pass 1: validate every length and write the offsets.
  size_t p = pos_;
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    FLOE_CORRUPT_IF(size_ - p < 4, "PLAIN byte arrays: value {} of {} is truncated", i, n);
    const uint32_t len = load_le<uint32_t>(data_ + p);
    p += 4;
    FLOE_CORRUPT_IF(len > size_ - p,
                    "PLAIN byte arrays: value length {} at offset {} exceeds the {} bytes left",
                    int32_t(len), p - 4, size_ - p);
    p += len;
    total += len;
    if (base + total > kMaxOffset) throw_too_large("PLAIN");
    off[i] = int32_t(base + total);
  }
  // Pass 2: copy.
  const size_t old = bytes.size();
  bytes.resize(old + size_t(total));
  uint8_t* dst = bytes.data() + old;
  p = pos_;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t len = load_le<uint32_t>(data_ + p);
    if (len) std::memcpy(dst, data_ + p + 4, len);
    dst += len;
    p += 4 + size_t(len);
  }
  pos_ = p;
  append.commit();
}

void PlainByteArrayDecoder::skip(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    FLOE_CORRUPT_IF(size_ - pos_ < 4, "PLAIN byte arrays: value {} of {} is truncated", i, n);
    const uint32_t len = load_le<uint32_t>(data_ + pos_);
    FLOE_CORRUPT_IF(len > size_ - pos_ - 4, "PLAIN byte arrays: value length {} exceeds the data",
                    int32_t(len));
    pos_ += 4 + size_t(len);
  }
}

void DeltaLengthByteArrayDecoder::init(const uint8_t* data, size_t size) {
  lengths_.init(data, size);
  data_ = data;
  size_ = size;
  pos_ = lengths_.bytes_consumed();
}

void DeltaLengthByteArrayDecoder::decode(size_t n, Buffer& offsets, Buffer& bytes) {
  const int64_t base = last_offset(offsets);
  FLOE_CORRUPT_IF(n > values_left(), "DELTA_LENGTH_BYTE_ARRAY: {} values requested, {} remain", n,
                  values_left());
  OffsetsAppend append(offsets, n);
  int32_t* off = append.slots();
  lengths_.decode(off, n);
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    FLOE_CORRUPT_IF(off[i] < 0, "DELTA_LENGTH_BYTE_ARRAY: negative length {}", off[i]);
    total += off[i];
    if (base + total > kMaxOffset) throw_too_large("DELTA_LENGTH_BYTE_ARRAY");
    off[i] = int32_t(base + total);
  }
  FLOE_CORRUPT_IF(uint64_t(total) > size_ - pos_,
                  "DELTA_LENGTH_BYTE_ARRAY: values need {} bytes, {} remain", total, size_ - pos_);
  bytes.append(data_ + pos_, size_t(total));
  pos_ += size_t(total);
  append.commit();
}

void DeltaLengthByteArrayDecoder::skip(size_t n) {
  FLOE_CORRUPT_IF(n > values_left(), "DELTA_LENGTH_BYTE_ARRAY: {} values skipped, {} remain", n,
                  values_left());
  scratch_.resize(kChunk * 4);
  int32_t* len = scratch_.as<int32_t>();
  while (n > 0) {
    const size_t k = std::min(n, kChunk);
    lengths_.decode(len, k);
    for (size_t i = 0; i < k; ++i) {
      FLOE_CORRUPT_IF(len[i] < 0 || size_t(len[i]) > size_ - pos_,
                      "DELTA_LENGTH_BYTE_ARRAY: length {} exceeds the data", len[i]);
      pos_ += size_t(len[i]);
    }
    n -= k;
  }
}

void DeltaByteArrayDecoder::init(const uint8_t* data, size_t size) {
  prefixes_.init(data, size);
  const size_t p = prefixes_.bytes_consumed();
  suffixes_.init(data + p, size - p);
  FLOE_CORRUPT_IF(suffixes_.total_values() != prefixes_.total_values(),
                  "DELTA_BYTE_ARRAY: {} prefix lengths but {} suffixes", prefixes_.total_values(),
                  suffixes_.total_values());
  last_.clear();
}

void DeltaByteArrayDecoder::decode(size_t n, Buffer& offsets, Buffer& bytes) {
  const int64_t base = last_offset(offsets);
  FLOE_CORRUPT_IF(n > values_left(), "DELTA_BYTE_ARRAY: {} values requested, {} remain", n,
                  values_left());
  prefix_scratch_.resize(n * 4);
  int32_t* prefix = prefix_scratch_.as<int32_t>();
  prefixes_.decode(prefix, n);
  suffix_offsets_.clear();
  suffix_offsets_.push<int32_t>(0);
  suffix_bytes_.clear();
  suffixes_.decode(n, suffix_offsets_, suffix_bytes_);
  const int32_t* soff = suffix_offsets_.as<int32_t>();

  OffsetsAppend append(offsets, n);
  int32_t* off = append.slots();
  int64_t prev_len = int64_t(last_.size());
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    FLOE_CORRUPT_IF(prefix[i] < 0 || prefix[i] > prev_len,
                    "DELTA_BYTE_ARRAY: prefix length {} with a previous value of {} bytes",
                    prefix[i], prev_len);
    prev_len = int64_t(prefix[i]) + (soff[i + 1] - soff[i]);
    total += prev_len;
    if (base + total > kMaxOffset) throw_too_large("DELTA_BYTE_ARRAY");
    off[i] = int32_t(base + total);
  }
  const size_t old = bytes.size();
  bytes.resize(old + size_t(total));
  uint8_t* dst = bytes.data() + old;
  const uint8_t* prev = reinterpret_cast<const uint8_t*>(last_.data());
  size_t len = last_.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t p = size_t(prefix[i]);
    const size_t s = size_t(soff[i + 1] - soff[i]);
    if (p) std::memcpy(dst, prev, p);
    if (s) std::memcpy(dst + p, suffix_bytes_.data() + soff[i], s);
    prev = dst;
    len = p + s;
    dst += len;
  }
  if (n > 0) last_.assign(reinterpret_cast<const char*>(prev), len);
  append.commit();
}

void encode_plain_byte_array(const int32_t* offsets, const uint8_t* bytes, size_t n, Buffer& out) {
  if (n == 0) return;
  out.reserve(out.size() + 4 * n + size_t(offsets[n] - offsets[0]));
  for (size_t i = 0; i < n; ++i) {
    const uint32_t len = uint32_t(offsets[i + 1] - offsets[i]);
    out.push<uint32_t>(len);
    out.append(bytes + offsets[i], len);
  }
}

void encode_delta_length_byte_array(const int32_t* offsets, const uint8_t* bytes, size_t n,
                                    Buffer& out) {
  DeltaBinaryPackedEncoder<int32_t> lengths;
  int32_t chunk[kChunk];
  for (size_t i = 0; i < n; i += kChunk) {
    const size_t k = std::min(kChunk, n - i);
    for (size_t j = 0; j < k; ++j) chunk[j] = offsets[i + j + 1] - offsets[i + j];
    lengths.put(chunk, k);
  }
  lengths.finish(out);
  if (n > 0) out.append(bytes + offsets[0], size_t(offsets[n] - offsets[0]));
}

void encode_delta_byte_array(const int32_t* offsets, const uint8_t* bytes, size_t n, Buffer& out) {
  DeltaBinaryPackedEncoder<int32_t> prefixes;
  DeltaBinaryPackedEncoder<int32_t> suffix_lengths;
  Buffer suffixes;
  int32_t pre[kChunk];
  int32_t suf[kChunk];
  const uint8_t* prev = bytes;
  size_t prev_len = 0;
  for (size_t i = 0; i < n; i += kChunk) {
    const size_t k = std::min(kChunk, n - i);
    for (size_t j = 0; j < k; ++j) {
      const uint8_t* v = bytes + offsets[i + j];
      const size_t len = size_t(offsets[i + j + 1] - offsets[i + j]);
      const size_t max = std::min(len, prev_len);
      size_t p = 0;
      while (p < max && v[p] == prev[p]) ++p;
      pre[j] = int32_t(p);
      suf[j] = int32_t(len - p);
      suffixes.append(v + p, len - p);
      prev = v;
      prev_len = len;
    }
    prefixes.put(pre, k);
    suffix_lengths.put(suf, k);
  }
  prefixes.finish(out);
  suffix_lengths.finish(out);
  out.append(suffixes.data(), suffixes.size());
}

}  // namespace floe::parquet
