#include "formats/parquet/column_chunk_reader.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/bytes.h"
#include "base/short_copy.h"
#include "formats/compression/codec.h"
#include "formats/parquet/bit_packing.h"
#include "formats/parquet/byte_array_encodings.h"
#include "formats/parquet/byte_stream_split.h"
#include "formats/parquet/delta_binary_packed.h"
#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/rle_bit_packed.h"

namespace floe::parquet {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

int64_t int96_to_micros(const uint8_t* p) {
  int64_t nanos_of_day = load_le<int64_t>(p);
  int32_t julian_day = load_le<int32_t>(p + 8);
  constexpr int64_t kJulianEpochDay = 2440588;
  // Unsigned arithmetic: out-of-range garbage wraps instead of being undefined.
  return int64_t(uint64_t(int64_t(julian_day) - kJulianEpochDay) * 86400000000ULL +
                 uint64_t(nanos_of_day / 1000));
}

namespace {

// The physical representation of a leaf's values before conversion to its floe type.
DataType physical_type(const SchemaElement& e) {
  switch (*e.type) {
    case Type::kBoolean: return DataType(TypeId::kBoolean);
    case Type::kInt32: return DataType(TypeId::kInt32);
    case Type::kInt64: return DataType(TypeId::kInt64);
    case Type::kInt96: return DataType::timestamp(columnar::TimeUnit::kMicro);
    case Type::kFloat: return DataType(TypeId::kFloat32);
    case Type::kDouble: return DataType(TypeId::kFloat64);
    case Type::kByteArray: return DataType(TypeId::kBinary);
    case Type::kFixedLenByteArray: return DataType::fixed_binary(*e.type_length);
  }
  return DataType();
}

// True when the physical values are already laid out as the floe type wants them.
bool same_layout(const DataType& phys, const DataType& target) {
  TypeId p = phys.id(), t = target.id();
  switch (p) {
    case TypeId::kInt32:
      return t == TypeId::kInt32 || t == TypeId::kDate || t == TypeId::kUInt32;
    case TypeId::kInt64:
      return t == TypeId::kInt64 || t == TypeId::kUInt64 || t == TypeId::kTimestamp ||
             t == TypeId::kTimestampTz || (t == TypeId::kTime);
    case TypeId::kBinary: return t == TypeId::kBinary || t == TypeId::kString;
    case TypeId::kFixedBinary: return t == TypeId::kFixedBinary || t == TypeId::kUuid;
    case TypeId::kTimestamp: return t == TypeId::kTimestamp;  // INT96
    default: return p == t;
  }
}

__int128 big_endian_to_int128(const uint8_t* p, size_t n, const std::string& path) {
  if (n == 0) return 0;
  if (n > 16) {
    // Only sign extension may precede the last 16 bytes.
    uint8_t fill = (p[0] & 0x80) ? 0xff : 0x00;
    for (size_t i = 0; i < n - 16; ++i)
      FLOE_CORRUPT_IF(p[i] != fill, "column '{}': decimal of {} bytes does not fit 38 digits",
                      path, n);
    p += n - 16;
    n = 16;
  }
  unsigned __int128 v = (p[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return static_cast<__int128>(v);
}

float half_to_float(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31;
  int exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      float f = std::ldexp(float(mant), -24);
      return sign ? -f : f;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | (uint32_t(exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Appends the physical values in `phys` to `out` (the leaf's floe type), converting.
void convert_append(const Column& phys, Column& out, const std::string& path) {
  const DataType& t = out.type();
  int64_t n = phys.size();
  if (same_layout(phys.type(), t)) {
    out.append_column(phys);
    return;
  }
  Buffer& dst = out.data_buffer();
  size_t old = dst.size();
  TypeId pid = phys.type().id();
  auto grow = [&](size_t width) {
    dst.resize(old + size_t(n) * width);
    return dst.data() + old;
  };
  switch (t.id()) {
    case TypeId::kInt8:
    case TypeId::kUInt8: {
      uint8_t* d = grow(1);
      const int32_t* s = phys.values<int32_t>();
      for (int64_t i = 0; i < n; ++i) d[i] = uint8_t(s[i]);
      break;
    }
    case TypeId::kInt16:
    case TypeId::kUInt16: {
      auto* d = reinterpret_cast<uint16_t*>(grow(2));
      const int32_t* s = phys.values<int32_t>();
      for (int64_t i = 0; i < n; ++i) d[i] = uint16_t(s[i]);
      break;
    }
    case TypeId::kUInt64: {  // UINT_32 annotated on INT64 and similar widenings
      auto* d = reinterpret_cast<uint64_t*>(grow(8));
      const int32_t* s = phys.values<int32_t>();
      for (int64_t i = 0; i < n; ++i) d[i] = uint32_t(s[i]);
      break;
    }
    case TypeId::kTime: {  // TIME(MILLIS) in INT32 → micros
      auto* d = reinterpret_cast<int64_t*>(grow(8));
      const int32_t* s = phys.values<int32_t>();
      for (int64_t i = 0; i < n; ++i) d[i] = int64_t(s[i]) * 1000;
      break;
    }
    case TypeId::kFloat32: {  // FLOAT16
      auto* d = reinterpret_cast<float*>(grow(4));
      const uint8_t* s = phys.data_buffer().data();
      for (int64_t i = 0; i < n; ++i) d[i] = half_to_float(load_le<uint16_t>(s + 2 * i));
      break;
    }
    case TypeId::kDecimal: {
      auto* d = reinterpret_cast<__int128*>(grow(16));
      if (pid == TypeId::kInt32) {
        const int32_t* s = phys.values<int32_t>();
        for (int64_t i = 0; i < n; ++i) d[i] = s[i];
      } else if (pid == TypeId::kInt64) {
        const int64_t* s = phys.values<int64_t>();
        for (int64_t i = 0; i < n; ++i) d[i] = s[i];
      } else if (pid == TypeId::kFixedBinary) {
        int w = phys.type().width();
        const uint8_t* s = phys.data_buffer().data();
        for (int64_t i = 0; i < n; ++i) d[i] = big_endian_to_int128(s + i * w, size_t(w), path);
      } else {
        const int32_t* o = phys.offsets();
        const uint8_t* s = phys.data_buffer().data();
        for (int64_t i = 0; i < n; ++i)
          d[i] = big_endian_to_int128(s + o[i], size_t(o[i + 1] - o[i]), path);
      }
      break;
    }
    case TypeId::kNull: break;
    default:
      throw UnsupportedError(fmt::format("column '{}': cannot read {} values as {}", path,
                                         phys.type().to_string(), t.to_string()));
  }
  if (out.has_validity()) out.validity_buffer().resize_zeroed(bitmap_bytes(out.size() + n));
  if (out.has_validity())
    for (int64_t i = 0; i < n; ++i) bit_set(out.validity_buffer().data(), out.size() + i);
  out.set_size(out.size() + n, out.null_count());
}

class ChunkDecoder {
 public:
  ChunkDecoder(const LeafInfo& leaf, const ColumnMetaData& meta, LeafData& out,
               int64_t memory_limit)
      : memory_left_(memory_limit),
        leaf_(leaf),
        meta_(meta),
        out_(out),
        phys_type_(physical_type(*leaf.element)),
        codec_(to_compression_codec(meta.codec)),
        direct_(same_layout(phys_type_, leaf.type)) {
    out_.implicit_def = leaf.max_def;
  }

  void dictionary_page(const PageHeader& h, std::span<const uint8_t> payload) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    FLOE_CORRUPT_IF(d.num_values < 0, "dictionary page with {} values", d.num_values);
    charge(int64_t(d.num_values) * (phys_type_.byte_width() + 4));
    FLOE_CORRUPT_IF(has_dictionary_, "a second dictionary page in one column chunk");
    FLOE_CORRUPT_IF(d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary,
                    "dictionary page encoded as {}", encoding_name(d.encoding));
    std::span<const uint8_t> data = decompress(payload, h.uncompressed_page_size, true);
    Column phys(phys_type_);
    decode_plain(data.data(), data.size(), size_t(d.num_values), phys);
    dictionary_ = Column(leaf_.type);
    convert_append(phys, dictionary_, leaf_.path);
    has_dictionary_ = true;
  }

  // Returns the number of level entries (values incl. nulls) in the page.
  int64_t data_page_v1(const PageHeader& h, std::span<const uint8_t> payload) {
    const DataPageHeader& d = *h.data_page_header;
    FLOE_CORRUPT_IF(d.num_values < 0, "data page with {} values", d.num_values);
    charge_page(d.num_values);
    std::span<const uint8_t> data = decompress(payload, h.uncompressed_page_size, true);
    size_t pos = 0;
    size_t n = size_t(d.num_values);
    if (leaf_.max_rep > 0) pos += decode_levels_v1(d.repetition_level_encoding, data, pos, n,
                                                   leaf_.max_rep, out_.rep_levels);
    size_t non_null = n;
    if (leaf_.max_def > 0) {
      if (d.definition_level_encoding == Encoding::kRle) {
        size_t consumed = 0;
        RleBitPackedDecoder dec = open_length_prefixed(
            data.data() + pos, data.size() - pos, bit_width_of(uint64_t(leaf_.max_def)), consumed);
        non_null = decode_def_levels(dec, n);
        pos += consumed;
      } else {
        materialize_def_levels();
        size_t before = out_.def_levels.size() / 2;
        pos += decode_levels_v1(d.definition_level_encoding, data, pos, n, leaf_.max_def,
                                out_.def_levels);
        non_null = count_defined(before, n);
      }
    }
    decode_values(d.encoding, data.data() + pos, data.size() - pos, non_null);
    out_.num_entries += int64_t(n);
    return int64_t(n);
  }

  int64_t data_page_v2(const PageHeader& h, std::span<const uint8_t> payload) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    FLOE_CORRUPT_IF(d.num_values < 0 || d.num_nulls < 0 || d.num_nulls > d.num_values ||
                        d.definition_levels_byte_length < 0 ||
                        d.repetition_levels_byte_length < 0,
                    "data page v2 header has negative or inconsistent counts");
    charge_page(d.num_values);
    size_t rep_len = size_t(d.repetition_levels_byte_length);
    size_t def_len = size_t(d.definition_levels_byte_length);
    FLOE_CORRUPT_IF(rep_len + def_len > payload.size(),
                    "data page v2 levels ({} + {} bytes) exceed the page ({} bytes)", rep_len,
                    def_len, payload.size());
    size_t n = size_t(d.num_values);
    if (leaf_.max_rep > 0)
      decode_levels_raw(payload.data(), rep_len, n, leaf_.max_rep, out_.rep_levels);
    size_t non_null = n;
    if (leaf_.max_def > 0) {
      RleBitPackedDecoder dec(payload.data() + rep_len, def_len,
                              bit_width_of(uint64_t(leaf_.max_def)));
      non_null = decode_def_levels(dec, n);
    }
    std::span<const uint8_t> values = payload.subspan(rep_len + def_len);
    int64_t uncompressed = int64_t(h.uncompressed_page_size) - int64_t(rep_len + def_len);
    FLOE_CORRUPT_IF(uncompressed < 0, "data page v2: uncompressed size {} < levels size {}",
                    h.uncompressed_page_size, rep_len + def_len);
    bool compressed = d.is_compressed.value_or(true);
    std::span<const uint8_t> data = decompress(values, uncompressed, compressed);
    decode_values(d.encoding, data.data(), data.size(), non_null);
    out_.num_entries += int64_t(n);
    return int64_t(n);
  }

 private:
  // Accounts for memory decoding is about to allocate; refuses past the limit.
  void charge(int64_t bytes) {
    memory_left_ -= bytes;
    charged_ += bytes;
    if (memory_left_ < 0)
      throw UnsupportedError(fmt::format(
          "decoding needs more memory than the {} MiB allowed for one column chunk "
          "(the page headers claim it; the file may be corrupt)",
          limit_mib()));
  }
  void charge_page(int64_t n) {
    int64_t per_value = 4 + std::max(phys_type_.byte_width(), 4) +
                        (leaf_.max_def > 0 ? 2 : 0) + (leaf_.max_rep > 0 ? 2 : 0);
    charge(n * per_value);
  }
  int64_t limit_mib() const { return (memory_left_ + charged_) >> 20; }

  std::span<const uint8_t> decompress(std::span<const uint8_t> in, int64_t uncompressed_size,
                                      bool compressed) {
    FLOE_CORRUPT_IF(uncompressed_size < 0, "page with negative uncompressed size {}",
                    uncompressed_size);
    if (!compressed || codec_ == compression::Codec::kUncompressed) return in;
    FLOE_CORRUPT_IF(uncompressed_size > (int64_t(1) << 31),
                    "page claims {} uncompressed bytes", uncompressed_size);
    // The scratch buffer is reused page after page: charge only its growth.
    if (size_t(uncompressed_size) > scratch_.size()) charge(uncompressed_size - int64_t(scratch_.size()));
    scratch_.resize(size_t(uncompressed_size));
    if (uncompressed_size == 0 && in.empty()) return {scratch_.data(), 0};
    compression::decompress(codec_, in, scratch_.data(), size_t(uncompressed_size));
    return {scratch_.data(), size_t(uncompressed_size)};
  }

  size_t decode_levels_v1(Encoding enc, std::span<const uint8_t> data, size_t pos, size_t n,
                          int16_t max_level, Buffer& out) {
    int width = bit_width_of(uint64_t(max_level));
    if (enc == Encoding::kRle) {
      size_t consumed = 0;
      RleBitPackedDecoder dec =
          open_length_prefixed(data.data() + pos, data.size() - pos, width, consumed);
      append_levels(dec, n, max_level, out);
      return consumed;
    }
    if (enc == Encoding::kBitPacked) {
      // Deprecated MSB-first packing of levels.
      size_t bytes = (n * size_t(width) + 7) / 8;
      FLOE_CORRUPT_IF(bytes > data.size() - pos, "BIT_PACKED levels need {} bytes", bytes);
      size_t old = out.size();
      out.resize(old + n * 2);
      auto* dst = reinterpret_cast<int16_t*>(out.data() + old);
      const uint8_t* src = data.data() + pos;
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int b = 0; b < width; ++b) {
          size_t bit = i * size_t(width) + size_t(b);
          v = (v << 1) | ((src[bit / 8] >> (7 - bit % 8)) & 1);
        }
        FLOE_CORRUPT_IF(v > uint32_t(max_level), "level {} above the maximum {}", v, max_level);
        dst[i] = int16_t(v);
      }
      return bytes;
    }
    throw CorruptDataError(fmt::format("levels encoded as {}", encoding_name(enc)));
  }

  void decode_levels_raw(const uint8_t* data, size_t size, size_t n, int16_t max_level,
                         Buffer& out) {
    RleBitPackedDecoder dec(data, size, bit_width_of(uint64_t(max_level)));
    append_levels(dec, n, max_level, out);
  }

  void append_levels(RleBitPackedDecoder& dec, size_t n, int16_t max_level, Buffer& out) {
    size_t old = out.size();
    out.resize(old + n * 2);
    auto* dst = reinterpret_cast<int16_t*>(out.data() + old);
    uint32_t tmp[1024];
    size_t done = 0;
    while (done < n) {
      size_t want = std::min<size_t>(1024, n - done);
      size_t got = dec.get_batch(tmp, want);
      FLOE_CORRUPT_IF(got < want, "page has {} levels, expected {}", done + got, n);
      for (size_t i = 0; i < got; ++i) {
        FLOE_CORRUPT_IF(tmp[i] > uint32_t(max_level), "level {} above the maximum {}", tmp[i],
                        max_level);
        dst[done + i] = int16_t(tmp[i]);
      }
      done += got;
    }
  }

  // Decodes a page's n definition levels; returns how many entries are defined. While every
  // level so far is the maximum none is written (LeafData::implicit_def stands for them),
  // so a column without NULLs costs no level per value.
  size_t decode_def_levels(RleBitPackedDecoder& dec, size_t n) {
    size_t same = 0;
    if (out_.def_levels.empty()) {
      same = dec.skip_repeats(uint32_t(leaf_.max_def), n);
      if (same == n) return n;
      materialize_def_levels(same);
    }
    size_t before = out_.def_levels.size() / 2;
    append_levels(dec, n - same, leaf_.max_def, out_.def_levels);
    return same + count_defined(before, n - same);
  }

  // Writes out the levels implicit_def stands for: the entries of the pages before and the
  // first `more` of this page (before levels that differ follow).
  void materialize_def_levels(size_t more = 0) {
    size_t n = size_t(out_.num_entries) + more;
    if (!out_.def_levels.empty() || n == 0) return;
    out_.def_levels.resize(n * 2);
    std::fill_n(reinterpret_cast<int16_t*>(out_.def_levels.data()), n, leaf_.max_def);
  }

  size_t count_defined(size_t first, size_t n) const {
    const auto* d = reinterpret_cast<const int16_t*>(out_.def_levels.data()) + first;
    size_t c = 0;
    for (size_t i = 0; i < n; ++i) c += d[i] == leaf_.max_def;
    return c;
  }

  // Decodes n values into `phys` (physical type) or straight into the output.
  void decode_values(Encoding enc, const uint8_t* data, size_t size, size_t n) {
    if (enc == Encoding::kRleDictionary || enc == Encoding::kPlainDictionary) {
      FLOE_CORRUPT_IF(!has_dictionary_, "dictionary-encoded page without a dictionary page");
      decode_dictionary_indices(data, size, n);
      return;
    }
    Column phys_owned(phys_type_);
    Column& target = direct_ ? out_.values : phys_owned;
    switch (enc) {
      case Encoding::kPlain: decode_plain(data, size, n, target); break;
      case Encoding::kRle: decode_rle_booleans(data, size, n, target); break;
      case Encoding::kDeltaBinaryPacked: decode_delta(data, size, n, target); break;
      case Encoding::kDeltaLengthByteArray: {
        require_type(Type::kByteArray, enc);
        DeltaLengthByteArrayDecoder dec;
        dec.init(data, size);
        dec.decode(n, target.offsets_buffer(), target.data_buffer());
        finish(target, n);
        break;
      }
      case Encoding::kDeltaByteArray: {
        DeltaByteArrayDecoder dec;
        dec.init(data, size);
        if (*leaf_.element->type == Type::kByteArray) {
          dec.decode(n, target.offsets_buffer(), target.data_buffer());
        } else {
          require_type(Type::kFixedLenByteArray, enc);
          Buffer offs, bytes;
          offs.push<int32_t>(0);
          dec.decode(n, offs, bytes);
          size_t w = size_t(*leaf_.element->type_length);
          FLOE_CORRUPT_IF(bytes.size() != n * w, "DELTA_BYTE_ARRAY values are not {} bytes", w);
          target.data_buffer().append(bytes.data(), bytes.size());
        }
        finish(target, n);
        break;
      }
      case Encoding::kByteStreamSplit: {
        int w = phys_type_.byte_width();
        FLOE_CORRUPT_IF(w <= 0 || *leaf_.element->type == Type::kBoolean ||
                            *leaf_.element->type == Type::kInt96,
                        "BYTE_STREAM_SPLIT on a {} column", type_name(*leaf_.element->type));
        size_t count = byte_stream_split_count(size, size_t(w));
        FLOE_CORRUPT_IF(count < n, "BYTE_STREAM_SPLIT page holds {} values, needs {}", count, n);
        Buffer& dst = target.data_buffer();
        size_t old = dst.size();
        dst.resize(old + n * size_t(w));
        byte_stream_split_decode(data, size, size_t(w), 0, n, dst.data() + old);
        finish(target, n);
        break;
      }
      default:
        throw UnsupportedError(fmt::format("column '{}': encoding {} is not supported", leaf_.path,
                                           encoding_name(enc)));
    }
    if (!direct_) convert_append(phys_owned, out_.values, leaf_.path);
  }

  void require_type(Type t, Encoding enc) {
    FLOE_CORRUPT_IF(*leaf_.element->type != t, "encoding {} on a {} column", encoding_name(enc),
                    type_name(*leaf_.element->type));
  }

  static void finish(Column& c, size_t n) {
    if (c.has_validity()) {
      c.validity_buffer().resize_zeroed(bitmap_bytes(c.size() + int64_t(n)));
      for (size_t i = 0; i < n; ++i) bit_set(c.validity_buffer().data(), c.size() + int64_t(i));
    }
    c.set_size(c.size() + int64_t(n), c.null_count());
  }

  void decode_plain(const uint8_t* data, size_t size, size_t n, Column& target) {
    switch (*leaf_.element->type) {
      case Type::kBoolean: {
        FLOE_CORRUPT_IF((n + 7) / 8 > size, "PLAIN booleans: {} values need {} bytes, page has {}",
                        n, (n + 7) / 8, size);
        Buffer& dst = target.data_buffer();
        size_t old = dst.size();
        dst.resize(old + n);
        for (size_t i = 0; i < n; ++i) dst.data()[old + i] = (data[i >> 3] >> (i & 7)) & 1;
        break;
      }
      case Type::kInt96: {
        FLOE_CORRUPT_IF(n * 12 > size, "PLAIN INT96: {} values need {} bytes, page has {}", n,
                        n * 12, size);
        Buffer& dst = target.data_buffer();
        size_t old = dst.size();
        dst.resize(old + n * 8);
        auto* d = reinterpret_cast<int64_t*>(dst.data() + old);
        for (size_t i = 0; i < n; ++i) d[i] = int96_to_micros(data + 12 * i);
        break;
      }
      case Type::kByteArray: {
        PlainByteArrayDecoder dec(data, size);
        dec.decode(n, target.offsets_buffer(), target.data_buffer());
        break;
      }
      default: {
        size_t w = size_t(phys_type_.byte_width());
        FLOE_CORRUPT_IF(w != 0 && n > size / w, "PLAIN {}: {} values need {} bytes, page has {}",
                        type_name(*leaf_.element->type), n, n * w, size);
        target.data_buffer().append(data, n * w);
      }
    }
    finish(target, n);
  }

  void decode_rle_booleans(const uint8_t* data, size_t size, size_t n, Column& target) {
    FLOE_CORRUPT_IF(*leaf_.element->type != Type::kBoolean, "RLE values on a {} column",
                    type_name(*leaf_.element->type));
    size_t consumed = 0;
    RleBitPackedDecoder dec = open_length_prefixed(data, size, 1, consumed);
    Buffer& dst = target.data_buffer();
    size_t old = dst.size();
    dst.resize(old + n);
    uint32_t tmp[1024];
    size_t done = 0;
    while (done < n) {
      size_t want = std::min<size_t>(1024, n - done);
      size_t got = dec.get_batch(tmp, want);
      FLOE_CORRUPT_IF(got < want, "RLE booleans: page has {} values, expected {}", done + got, n);
      for (size_t i = 0; i < got; ++i) dst.data()[old + done + i] = uint8_t(tmp[i] != 0);
      done += got;
    }
    finish(target, n);
  }

  void decode_delta(const uint8_t* data, size_t size, size_t n, Column& target) {
    Buffer& dst = target.data_buffer();
    size_t old = dst.size();
    if (*leaf_.element->type == Type::kInt32) {
      DeltaBinaryPackedDecoder<int32_t> dec;
      dec.init(data, size);
      dst.resize(old + n * 4);
      dec.decode(reinterpret_cast<int32_t*>(dst.data() + old), n);
    } else if (*leaf_.element->type == Type::kInt64) {
      DeltaBinaryPackedDecoder<int64_t> dec;
      dec.init(data, size);
      dst.resize(old + n * 8);
      dec.decode(reinterpret_cast<int64_t*>(dst.data() + old), n);
    } else {
      throw CorruptDataError(
          fmt::format("DELTA_BINARY_PACKED on a {} column", type_name(*leaf_.element->type)));
    }
    finish(target, n);
  }

  void decode_dictionary_indices(const uint8_t* data, size_t size, size_t n) {
    if (n == 0) return;
    FLOE_CORRUPT_IF(size < 1, "dictionary indices: empty page for {} values", n);
    RleBitPackedDecoder dec = open_bit_width_prefixed(data, size);
    indices_.resize(n * 4);
    auto* idx = reinterpret_cast<uint32_t*>(indices_.data());
    size_t got = dec.get_batch(idx, n);
    FLOE_CORRUPT_IF(got < n, "dictionary indices: page has {} of {} values", got, n);
    uint32_t dict_size = uint32_t(dictionary_.size());
    uint32_t bad = 0;
    for (size_t i = 0; i < n; ++i) bad |= idx[i] >= dict_size;
    if (bad) {
      for (size_t i = 0; i < n; ++i)
        FLOE_CORRUPT_IF(idx[i] >= dict_size, "dictionary index {} out of range ({} entries)",
                        idx[i], dict_size);
    }
    if (keep_indices_) {  // the caller gathers the values it wants
      out_.dictionary_indices.append(idx, n * 4);
      out_.indexed = true;
      return;
    }
    Column& out = out_.values;
    if (leaf_.type.is_variable_width()) {
      const int32_t* doff = dictionary_.offsets();
      const uint8_t* dbytes = dictionary_.data_buffer().data();
      size_t total = 0;
      for (size_t i = 0; i < n; ++i) total += size_t(doff[idx[i] + 1] - doff[idx[i]]);
      charge(int64_t(total));
      int64_t base = out.offsets()[out.size()];
      if (int64_t(base) + int64_t(total) > std::numeric_limits<int32_t>::max())
        throw UnsupportedError(
            fmt::format("column '{}': more than 2 GiB of strings in one row group", leaf_.path));
      Buffer& bytes = out.data_buffer();
      size_t bpos = bytes.size();
      bytes.resize(bpos + total);
      Buffer& offs = out.offsets_buffer();
      size_t opos = offs.size();
      offs.resize(opos + n * 4);
      auto* o = reinterpret_cast<int32_t*>(offs.data() + opos);
      int32_t cur = int32_t(base);
      for (size_t i = 0; i < n; ++i) {
        int32_t len = doff[idx[i] + 1] - doff[idx[i]];
        copy_short(bytes.data() + bpos, dbytes + doff[idx[i]], size_t(len));
        bpos += size_t(len);
        cur += len;
        o[i] = cur;
      }
    } else {
      size_t w = size_t(leaf_.type.byte_width());
      Buffer& dst = out.data_buffer();
      size_t old = dst.size();
      dst.resize(old + n * w);
      const uint8_t* src = dictionary_.data_buffer().data();
      uint8_t* d = dst.data() + old;
      switch (w) {
        case 4:
          for (size_t i = 0; i < n; ++i)
            reinterpret_cast<uint32_t*>(d)[i] = reinterpret_cast<const uint32_t*>(src)[idx[i]];
          break;
        case 8:
          for (size_t i = 0; i < n; ++i)
            reinterpret_cast<uint64_t*>(d)[i] = reinterpret_cast<const uint64_t*>(src)[idx[i]];
          break;
        case 16:  // decimals: a fixed-size copy, not a call per value
          for (size_t i = 0; i < n; ++i) std::memcpy(d + i * 16, src + size_t(idx[i]) * 16, 16);
          break;
        case 0: break;  // a zero-width FIXED_LEN_BYTE_ARRAY: every value is empty, nothing to copy
        default:
          for (size_t i = 0; i < n; ++i) std::memcpy(d + i * w, src + size_t(idx[i]) * w, w);
      }
    }
    finish(out, n);
  }

 public:
  // Empties the output for the next page's levels and values (the dictionary and the
  // decompression buffer stay).
  void start_page() {
    out_.def_levels.clear();
    out_.rep_levels.clear();
    out_.num_entries = 0;
    out_.values = Column(leaf_.type);
    out_.dictionary_indices.clear();
    out_.indexed = false;
  }
  // Dictionary-encoded pages leave their values as indices (LeafData::indexed).
  void keep_dictionary_indices() { keep_indices_ = true; }
  const Column& dictionary() const { return dictionary_; }

 private:
  int64_t memory_left_;
  int64_t charged_ = 0;
  const LeafInfo& leaf_;
  const ColumnMetaData& meta_;
  LeafData& out_;
  DataType phys_type_;
  compression::Codec codec_;
  bool direct_;
  bool has_dictionary_ = false;
  bool keep_indices_ = false;
  Column dictionary_;
  Buffer scratch_;
  Buffer indices_;
};

// Sizes the output buffers once from the chunk's metadata, so decoding does not grow and
// copy them page after page. Claims beyond the memory limit are left to the decoder's
// accounting (which refuses them).
void reserve_for_chunk(const LeafInfo& leaf, const ColumnMetaData& meta, int64_t memory_limit,
                       LeafData& out, double share = 1.0) {
  int64_t n = int64_t(std::ceil(double(meta.num_values) * share));
  int64_t w = std::max(leaf.type.byte_width(), 4);
  if (n <= 0 || n * (w + 4) > memory_limit / 4) return;
  out.values.reserve(n);
  if (leaf.max_def > 0) out.def_levels.reserve(size_t(n) * 2);
  if (leaf.max_rep > 0) out.rep_levels.reserve(size_t(n) * 2);
  if (leaf.type.is_variable_width() && meta.total_uncompressed_size > 0 &&
      meta.total_uncompressed_size < memory_limit / 4)
    out.values.data_buffer().reserve(size_t(double(meta.total_uncompressed_size) * share));
}

// The page at `offset` (its header and payload), reading at most `max_size` bytes.
std::pair<PageHeader, std::span<const uint8_t>> read_page_at(io::InputFile& file, int64_t offset,
                                                             int64_t max_size) {
  FLOE_CORRUPT_IF(offset < 0 || uint64_t(offset) >= file.size(),
                  "page offset {} outside the {}-byte file", offset, file.size());
  uint64_t avail = std::min<uint64_t>(uint64_t(max_size), file.size() - uint64_t(offset));
  std::span<const uint8_t> bytes = file.read_at(uint64_t(offset), avail);
  ByteReader cursor(bytes, "page");
  PageHeader h = read_page_header(cursor);
  FLOE_CORRUPT_IF(h.compressed_page_size < 0 || size_t(h.compressed_page_size) > cursor.remaining(),
                  "page of {} bytes at offset {} overruns its bounds", h.compressed_page_size,
                  offset);
  return {h, cursor.bytes(size_t(h.compressed_page_size))};
}

// The dictionary page, if any, sits before the first data page the offset index names.
void read_dictionary_before(io::InputFile& file, const ColumnMetaData& meta,
                            const std::vector<PageLocation>& pages, ChunkDecoder& decoder) {
  int64_t chunk_start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < chunk_start)
    chunk_start = *meta.dictionary_page_offset;
  if (!pages.empty() && pages[0].offset > chunk_start) {
    auto [h, payload] = read_page_at(file, chunk_start, pages[0].offset - chunk_start);
    if (h.type == PageType::kDictionaryPage) decoder.dictionary_page(h, payload);
  }
}

// Decodes the data page an offset index entry locates; returns its level entries.
int64_t decode_indexed_page(io::InputFile& file, const PageLocation& page, ChunkDecoder& decoder) {
  auto [h, payload] = read_page_at(file, page.offset, int64_t(page.compressed_page_size) + 256);
  switch (h.type) {
    case PageType::kDataPage: return decoder.data_page_v1(h, payload);
    case PageType::kDataPageV2: return decoder.data_page_v2(h, payload);
    default: FLOE_CORRUPT_IF(true, "offset index points at a {} page", page_type_name(h.type));
  }
  return 0;
}

}  // namespace

Column decode_statistics_value(const LeafInfo& leaf, std::span<const uint8_t> bytes) {
  Type physical = *leaf.element->type;
  Column phys(physical_type(*leaf.element));
  if (physical == Type::kByteArray) {
    phys.append_string({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  } else if (physical == Type::kBoolean) {
    FLOE_CORRUPT_IF(bytes.size() != 1, "BOOLEAN statistic of {} bytes", bytes.size());
    phys.append_bool(bytes[0] & 1);
  } else if (physical == Type::kInt96) {
    FLOE_CORRUPT_IF(bytes.size() != 12, "INT96 statistic of {} bytes", bytes.size());
    phys.append<int64_t>(int96_to_micros(bytes.data()));
  } else {
    size_t w = size_t(phys.type().byte_width());
    FLOE_CORRUPT_IF(bytes.size() != w, "{} statistic of {} bytes, expected {}",
                    type_name(physical), bytes.size(), w);
    phys.append_fixed({reinterpret_cast<const char*>(bytes.data()), w});
  }
  Column out(leaf.type);
  convert_append(phys, out, leaf.path);
  return out;
}

LeafData read_column_chunk(io::InputFile& file, const ColumnChunk& chunk, const LeafInfo& leaf,
                           int64_t row_group_rows, int64_t slack_bytes,
                           int64_t memory_limit) {
  try {
    if (chunk.encrypted)
      throw UnsupportedError("the column is encrypted; floe does not decrypt Parquet files");
    if (chunk.file_path)
      throw UnsupportedError(
          fmt::format("the column chunk lives in another file ('{}')", *chunk.file_path));
    FLOE_CORRUPT_IF(!chunk.meta_data, "column chunk without metadata");
    const ColumnMetaData& meta = *chunk.meta_data;
    FLOE_CORRUPT_IF(meta.type != *leaf.element->type,
                    "column chunk type {} differs from the schema's {}", type_name(meta.type),
                    type_name(*leaf.element->type));
    int64_t start = meta.data_page_offset;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
        *meta.dictionary_page_offset < start)
      start = *meta.dictionary_page_offset;
    FLOE_CORRUPT_IF(start < 0 || meta.total_compressed_size < 0 ||
                        uint64_t(start) > file.size() ||
                        uint64_t(meta.total_compressed_size) > file.size() - uint64_t(start),
                    "column chunk at offset {} of {} bytes lies outside the {}-byte file", start,
                    meta.total_compressed_size, file.size());
    FLOE_CORRUPT_IF(meta.num_values < 0, "column chunk with {} values", meta.num_values);
    uint64_t length = uint64_t(meta.total_compressed_size);
    length = std::min<uint64_t>(length + uint64_t(slack_bytes), file.size() - uint64_t(start));
    std::span<const uint8_t> bytes = file.read_at(uint64_t(start), length);

    LeafData out;
    out.values = Column(leaf.type);
    reserve_for_chunk(leaf, meta, memory_limit, out);
    ChunkDecoder decoder(leaf, meta, out, memory_limit);
    ByteReader cursor(bytes, "column chunk");
    int64_t remaining = meta.num_values;
    while (remaining > 0) {
      FLOE_CORRUPT_IF(cursor.remaining() == 0,
                      "column chunk ends with {} of {} values still missing", remaining,
                      meta.num_values);
      PageHeader h = read_page_header(cursor);
      FLOE_CORRUPT_IF(h.compressed_page_size < 0 ||
                          size_t(h.compressed_page_size) > cursor.remaining(),
                      "page of {} bytes at chunk offset {} overruns the chunk ({} bytes left)",
                      h.compressed_page_size, cursor.position(), cursor.remaining());
      std::span<const uint8_t> payload = cursor.bytes(size_t(h.compressed_page_size));
      switch (h.type) {
        case PageType::kDictionaryPage: decoder.dictionary_page(h, payload); break;
        case PageType::kDataPage: remaining -= decoder.data_page_v1(h, payload); break;
        case PageType::kDataPageV2: remaining -= decoder.data_page_v2(h, payload); break;
        default: break;  // index pages carry nothing floe needs
      }
    }
    FLOE_CORRUPT_IF(remaining < 0, "pages hold more values than the column chunk's {}",
                    meta.num_values);
    // Every entry with repetition level 0 starts a row.
    int64_t rows = out.num_entries;
    if (leaf.max_rep > 0) {
      rows = 0;
      const auto* rep = reinterpret_cast<const int16_t*>(out.rep_levels.data());
      for (int64_t i = 0; i < out.num_entries; ++i) rows += rep[i] == 0;
      FLOE_CORRUPT_IF(out.num_entries > 0 && rep[0] != 0,
                      "the first repetition level is {}, not 0", rep[0]);
    }
    FLOE_CORRUPT_IF(rows != row_group_rows, "column has {} rows, its row group {}", rows,
                    row_group_rows);
    return out;
  } catch (const Error& e) {
    throw with_context(e, fmt::format("{}: column '{}'", file.path(), leaf.path));
  }
}

}  // namespace floe::parquet

namespace floe::parquet {

LeafData read_column_chunk_pages(io::InputFile& file, const ColumnChunk& chunk,
                                 const LeafInfo& leaf, int64_t row_group_rows,
                                 const OffsetIndex& index, const std::vector<RowRange>& ranges,
                                 std::vector<RowRange>* decoded, int64_t memory_limit) {
  try {
    if (chunk.encrypted)
      throw UnsupportedError("the column is encrypted; floe does not decrypt Parquet files");
    FLOE_CORRUPT_IF(!chunk.meta_data, "column chunk without metadata");
    const ColumnMetaData& meta = *chunk.meta_data;
    LeafData out;
    out.values = Column(leaf.type);
    const auto& pages = index.page_locations;
    // The pages that hold wanted rows, and the rows they cover.
    std::vector<size_t> wanted;
    int64_t page_rows = 0;
    decoded->clear();
    for (size_t k = 0, r = 0; k < pages.size(); ++k) {
      int64_t first = pages[k].first_row_index;
      int64_t end = k + 1 < pages.size() ? pages[k + 1].first_row_index : row_group_rows;
      FLOE_CORRUPT_IF(first < 0 || end < first || end > row_group_rows,
                      "offset index: page {} covers rows {}..{} of {}", k, first, end,
                      row_group_rows);
      while (r < ranges.size() && ranges[r].end <= first) ++r;
      if (r == ranges.size()) break;
      if (ranges[r].begin >= end) continue;  // no wanted row in this page
      wanted.push_back(k);
      page_rows += end - first;
      if (!decoded->empty() && decoded->back().end == first)
        decoded->back().end = end;
      else
        decoded->push_back({first, end});
    }
    // Their share of the chunk's rows sizes the output once, as for a whole chunk.
    if (row_group_rows > 0 && page_rows > 0)
      reserve_for_chunk(leaf, meta, memory_limit, out,
                        std::min(1.0, double(page_rows) / double(row_group_rows)));
    ChunkDecoder decoder(leaf, meta, out, memory_limit);
    read_dictionary_before(file, meta, pages, decoder);
    for (size_t k : wanted) decode_indexed_page(file, pages[k], decoder);
    int64_t rows = out.num_entries;
    if (leaf.max_rep > 0) {
      rows = 0;
      const auto* rep = reinterpret_cast<const int16_t*>(out.rep_levels.data());
      for (int64_t i = 0; i < out.num_entries; ++i) rows += rep[i] == 0;
    }
    FLOE_CORRUPT_IF(rows != page_rows, "pages hold {} rows, the offset index says {}", rows,
                    page_rows);
    return out;
  } catch (const Error& e) {
    throw with_context(e, fmt::format("{}: column '{}'", file.path(), leaf.path));
  }
}

}  // namespace floe::parquet

namespace floe::parquet {

struct PageDecoder::Impl {
  Impl(const LeafInfo& leaf, const ColumnMetaData& meta, int64_t memory_limit)
      : decoder(leaf, meta, out, memory_limit) {}
  LeafData out;
  ChunkDecoder decoder;
};

PageDecoder::PageDecoder(io::InputFile& file, const ColumnChunk& chunk, const LeafInfo& leaf,
                         const OffsetIndex& index, int64_t memory_limit)
    : file_(file), leaf_(leaf) {
  try {
    if (chunk.encrypted)
      throw UnsupportedError("the column is encrypted; floe does not decrypt Parquet files");
    FLOE_CORRUPT_IF(!chunk.meta_data, "column chunk without metadata");
    FLOE_CORRUPT_IF(chunk.meta_data->type != *leaf.element->type,
                    "column chunk type {} differs from the schema's {}",
                    type_name(chunk.meta_data->type), type_name(*leaf.element->type));
    impl_ = std::make_unique<Impl>(leaf, *chunk.meta_data, memory_limit);
    impl_->out.values = Column(leaf.type);
    read_dictionary_before(file, *chunk.meta_data, index.page_locations, impl_->decoder);
  } catch (const Error& e) {
    throw with_context(e, fmt::format("{}: column '{}'", file.path(), leaf.path));
  }
}

PageDecoder::~PageDecoder() = default;

void PageDecoder::keep_dictionary_indices() { impl_->decoder.keep_dictionary_indices(); }

const columnar::Column& PageDecoder::dictionary() const { return impl_->decoder.dictionary(); }

LeafData& PageDecoder::decode(const PageLocation& page) {
  try {
    impl_->decoder.start_page();
    decode_indexed_page(file_, page, impl_->decoder);
    return impl_->out;
  } catch (const Error& e) {
    throw with_context(e, fmt::format("{}: column '{}'", file_.path(), leaf_.path));
  }
}

}  // namespace floe::parquet
