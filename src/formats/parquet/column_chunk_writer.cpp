#include "formats/parquet/column_chunk_writer.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "base/bytes.h"
#include "formats/compression/codec.h"
#include "formats/parquet/bit_packing.h"
#include "formats/parquet/byte_array_encodings.h"
#include "formats/parquet/byte_stream_split.h"
#include "formats/parquet/delta_binary_packed.h"
#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/rle_bit_packed.h"

namespace floe::parquet {

using columnar::Column;
using columnar::TypeId;
using LK = LogicalType::Kind;

namespace {

// ---------------------------------------------------------------------------------------
// Physical values: the leaf's non-null values in the plain layout of its physical type
// (BOOLEAN one byte per value), borrowed from the source column when the layouts agree.

struct PhysicalValues {
  Type type = Type::kInt32;
  size_t width = 0;  // bytes per value; 0 for BYTE_ARRAY
  const uint8_t* data = nullptr;
  const int32_t* offsets = nullptr;  // BYTE_ARRAY: count + 1 offsets into data
  int64_t count = 0;
  Buffer owned_data;
  Buffer owned_offsets;

  const uint8_t* fixed(int64_t i) const { return data + size_t(i) * width; }
  std::string_view value(int64_t i) const {
    if (type == Type::kByteArray)
      return {reinterpret_cast<const char*>(data) + offsets[i],
              size_t(offsets[i + 1] - offsets[i])};
    return {reinterpret_cast<const char*>(fixed(i)), width};
  }
  // Size of the values' PLAIN encoding.
  int64_t plain_bytes() const {
    if (type == Type::kByteArray) return 4 * count + int64_t(offsets[count] - offsets[0]);
    if (type == Type::kBoolean) return (count + 7) / 8;
    return count * int64_t(width);
  }
};

template <typename Src, typename Dst, typename F>
void convert_values(const ShreddedLeaf& s, Buffer& out, F f) {
  out.resize(size_t(s.num_values) * sizeof(Dst));
  Dst* d = out.as<Dst>();
  const Src* src = s.values->values<Src>();
  const int64_t n = s.num_values;
  if (s.contiguous) {
    src += s.first_row;
    for (int64_t i = 0; i < n; ++i) d[i] = f(src[i]);
  } else {
    const uint32_t* rows = s.rows.as<uint32_t>();
    for (int64_t i = 0; i < n; ++i) d[i] = f(src[rows[i]]);
  }
}

// INT_8/16 and UINT_8/16 are stored as INT32 (sign- or zero-extended by T).
template <typename T>
void widen_to_int32(const ShreddedLeaf& s, Buffer& out) {
  convert_values<T, int32_t>(s, out, [](T v) { return int32_t(v); });
}

template <typename T>
void gather_as(const ShreddedLeaf& s, Buffer& out) {
  convert_values<T, T>(s, out, [](T v) { return v; });
}

void gather_fixed(const ShreddedLeaf& s, size_t w, Buffer& out) {
  switch (w) {
    case 1: gather_as<uint8_t>(s, out); return;
    case 4: gather_as<uint32_t>(s, out); return;
    case 8: gather_as<uint64_t>(s, out); return;
    default: break;
  }
  out.resize(size_t(s.num_values) * w);
  const uint8_t* src = s.values->data_buffer().data();
  for (int64_t i = 0; i < s.num_values; ++i)
    std::memcpy(out.data() + size_t(i) * w, src + size_t(s.row(i)) * w, w);
}

void gather_byte_arrays(const ShreddedLeaf& s, PhysicalValues& pv) {
  const Column& col = *s.values;
  const int32_t* so = col.offsets();
  const uint8_t* sb = col.data_buffer().data();
  pv.data = sb;
  if (s.contiguous) {
    pv.offsets = so + s.first_row;
    return;
  }
  // Nulls usually hold no bytes, so the selected values already lie back to back and only
  // their offsets need gathering.
  const int64_t n = s.num_values;
  const uint32_t* rows = s.rows.as<uint32_t>();
  pv.owned_offsets.resize(size_t(n + 1) * 4);
  int32_t* o = pv.owned_offsets.as<int32_t>();
  o[0] = n > 0 ? so[rows[0]] : 0;
  bool adjacent = true;
  for (int64_t k = 0; k < n; ++k) {
    adjacent &= so[rows[k]] == o[k];
    o[k + 1] = so[rows[k] + 1];
  }
  if (!adjacent) {
    pv.owned_data.clear();
    o[0] = 0;
    for (int64_t k = 0; k < n; ++k) {
      uint32_t r = rows[k];
      pv.owned_data.append(sb + so[r], size_t(so[r + 1] - so[r]));
      o[k + 1] = int32_t(pv.owned_data.size());
    }
    pv.data = pv.owned_data.data();
  }
  pv.offsets = o;
}

[[noreturn]] void throw_decimal_range(const LeafInfo& leaf) {
  throw InvalidInputError(fmt::format(
      "column '{}': a {} value does not fit its precision", leaf.path, leaf.type.to_string()));
}

PhysicalValues physical_values(const ShreddedLeaf& s, const LeafInfo& leaf) {
  PhysicalValues pv;
  pv.type = *leaf.element->type;
  pv.count = s.num_values;
  switch (pv.type) {
    case Type::kBoolean: pv.width = 1; break;
    case Type::kInt32:
    case Type::kFloat: pv.width = 4; break;
    case Type::kInt64:
    case Type::kDouble: pv.width = 8; break;
    case Type::kFixedLenByteArray: pv.width = size_t(leaf.element->type_length.value_or(0)); break;
    case Type::kByteArray: gather_byte_arrays(s, pv); return pv;
    case Type::kInt96:
      throw UnsupportedError(fmt::format("column '{}': floe does not write INT96", leaf.path));
  }
  const columnar::DataType& t = s.values->type();
  Buffer& o = pv.owned_data;
  pv.data = nullptr;
  switch (t.id()) {
    case TypeId::kNull:
      o.resize_zeroed(size_t(s.num_values) * 4);
      break;
    case TypeId::kInt8: widen_to_int32<int8_t>(s, o); break;
    case TypeId::kUInt8: widen_to_int32<uint8_t>(s, o); break;
    case TypeId::kInt16: widen_to_int32<int16_t>(s, o); break;
    case TypeId::kUInt16: widen_to_int32<uint16_t>(s, o); break;
    case TypeId::kDecimal: {
      bool bad = false;
      if (pv.type == Type::kInt32) {
        convert_values<__int128, int32_t>(s, o, [&](__int128 v) {
          bad |= v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max();
          return int32_t(v);
        });
      } else if (pv.type == Type::kInt64) {
        convert_values<__int128, int64_t>(s, o, [&](__int128 v) {
          bad |= v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max();
          return int64_t(v);
        });
      } else {  // FIXED_LEN_BYTE_ARRAY(16), big-endian two's complement
        FLOE_CHECK(pv.width == 16, "decimal leaf '{}' of width {}", leaf.path, pv.width);
        o.resize(size_t(s.num_values) * 16);
        const __int128* src = s.values->values<__int128>();
        for (int64_t i = 0; i < s.num_values; ++i) {
          auto u = static_cast<unsigned __int128>(src[s.row(i)]);
          uint8_t* p = o.data() + size_t(i) * 16;
          for (int b = 15; b >= 0; --b, u >>= 8) p[b] = uint8_t(u);
        }
      }
      if (bad) throw_decimal_range(leaf);
      break;
    }
    case TypeId::kTime:
      if (t.unit() == columnar::TimeUnit::kMilli) {  // the schema says TIME(MICROS)
        convert_values<int64_t, int64_t>(s, o, [](int64_t v) { return v * 1000; });
        break;
      }
      [[fallthrough]];
    default: {
      // Same layout: int32/uint32/date, int64/uint64/time/timestamps, floats, fixed, uuid,
      // boolean.
      FLOE_CHECK(size_t(t.byte_width()) == pv.width, "column '{}': {} values as {}", leaf.path,
                 t.to_string(), type_name(pv.type));
      if (s.contiguous) {
        pv.data = s.values->data_buffer().data() + size_t(s.first_row) * pv.width;
        return pv;
      }
      gather_fixed(s, pv.width, o);
    }
  }
  pv.data = o.data();
  return pv;
}

// ---------------------------------------------------------------------------------------
// Dictionary: an open-addressing hash table from value to its first occurrence.

struct Dictionary {
  std::vector<uint32_t> entries;  // value index of each entry's first occurrence
  Buffer indices;                 // uint32 entry id per value
  int bit_width = 0;
  int64_t page_bytes = 0;  // PLAIN size of the dictionary page
};

inline uint64_t mix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

enum class DictKind { kFixed4, kFixed8, kHashed };

template <DictKind K>
bool build_dictionary_impl(const PhysicalValues& pv, int64_t limit, Dictionary& d) {
  // The value itself (fixed 4/8 bytes) or its hash; 4-byte values get 8-byte slots so
  // that large tables stay in cache.
  using Key = std::conditional_t<K == DictKind::kFixed4, uint32_t, uint64_t>;
  struct Slot {
    Key key;
    int32_t id;  // -1 = empty
  };
  size_t cap = 1024;
  std::vector<Slot> table(cap, Slot{0, -1});
  size_t mask = cap - 1;
  d.indices.resize(size_t(pv.count) * 4);
  uint32_t* idx = d.indices.as<uint32_t>();
  int64_t bytes = 0;
  auto hash_of_key = [](Key key) -> uint64_t {
    return K == DictKind::kHashed ? key : mix64(key);
  };
  for (int64_t i = 0; i < pv.count; ++i) {
    Key key;
    std::string_view sv;
    if constexpr (K == DictKind::kFixed4) {
      key = load_le<uint32_t>(pv.fixed(i));
    } else if constexpr (K == DictKind::kFixed8) {
      key = load_le<uint64_t>(pv.fixed(i));
    } else {
      sv = pv.value(i);
      key = XXH3_64bits(sv.data(), sv.size());
    }
    size_t pos = hash_of_key(key) & mask;
    while (true) {
      Slot& s = table[pos];
      if (s.id < 0) {
        const uint32_t id = uint32_t(d.entries.size());
        s = Slot{key, int32_t(id)};
        d.entries.push_back(uint32_t(i));
        idx[i] = id;
        bytes += pv.type == Type::kByteArray ? 4 + int64_t(sv.size()) : int64_t(pv.width);
        if (bytes > limit) return false;
        if (d.entries.size() * 2 > cap) {
          cap *= 2;
          mask = cap - 1;
          std::vector<Slot> grown(cap, Slot{0, -1});
          for (const Slot& o : table) {
            if (o.id < 0) continue;
            size_t p = hash_of_key(o.key) & mask;
            while (grown[p].id >= 0) p = (p + 1) & mask;
            grown[p] = o;
          }
          table = std::move(grown);
        }
        break;
      }
      if (s.key == key) {
        if constexpr (K != DictKind::kHashed) {
          idx[i] = uint32_t(s.id);
          break;
        } else if (pv.value(d.entries[size_t(s.id)]) == sv) {
          idx[i] = uint32_t(s.id);
          break;
        }
      }
      pos = (pos + 1) & mask;
    }
  }
  d.page_bytes = bytes;
  return true;
}

// The dictionary of the chunk, or nullopt when it outgrows `limit` or would not be
// smaller than PLAIN (too many distinct values for the dictionary to pay off).
std::optional<Dictionary> build_dictionary(const PhysicalValues& pv, int64_t limit) {
  if (pv.count == 0 || limit <= 0 || pv.type == Type::kBoolean) return std::nullopt;
  Dictionary d;
  bool ok;
  if (pv.type != Type::kByteArray && pv.width == 4)
    ok = build_dictionary_impl<DictKind::kFixed4>(pv, limit, d);
  else if (pv.type != Type::kByteArray && pv.width == 8)
    ok = build_dictionary_impl<DictKind::kFixed8>(pv, limit, d);
  else
    ok = build_dictionary_impl<DictKind::kHashed>(pv, limit, d);
  if (!ok) return std::nullopt;
  d.bit_width = bit_width_of(d.entries.size() - 1);
  const int64_t encoded = d.page_bytes + (pv.count * d.bit_width + 7) / 8;
  if (encoded >= pv.plain_bytes()) return std::nullopt;
  return d;
}

// ---------------------------------------------------------------------------------------
// Statistics: min/max in the sort order of the leaf's logical type (parquet.thrift's
// ColumnOrder), as PLAIN bytes of the physical type.

enum class Order {
  kNone,  // no values to order (the NULL type)
  kBool,
  kInt32,
  kUInt32,
  kInt64,
  kUInt64,
  kFloat,
  kDouble,
  kBytes,        // unsigned lexicographic
  kSignedBytes,  // big-endian two's complement of equal length (decimals)
};

Order order_of(const SchemaElement& e) {
  const std::optional<LogicalType>& lt = e.logical_type;
  if (lt && lt->kind == LK::kUnknown) return Order::kNone;
  const bool is_decimal = (lt && lt->kind == LK::kDecimal) ||
                          (!lt && e.converted_type == ConvertedType::kDecimal);
  const bool is_unsigned =
      (lt && lt->kind == LK::kInteger && !lt->is_signed) ||
      (!lt && e.converted_type &&
       (*e.converted_type == ConvertedType::kUint8 || *e.converted_type == ConvertedType::kUint16 ||
        *e.converted_type == ConvertedType::kUint32 ||
        *e.converted_type == ConvertedType::kUint64));
  switch (*e.type) {
    case Type::kBoolean: return Order::kBool;
    case Type::kInt32: return is_unsigned ? Order::kUInt32 : Order::kInt32;
    case Type::kInt64: return is_unsigned ? Order::kUInt64 : Order::kInt64;
    case Type::kInt96: return Order::kNone;
    case Type::kFloat: return Order::kFloat;
    case Type::kDouble: return Order::kDouble;
    case Type::kByteArray: return is_decimal ? Order::kNone : Order::kBytes;
    case Type::kFixedLenByteArray: return is_decimal ? Order::kSignedBytes : Order::kBytes;
  }
  return Order::kNone;
}

// The deprecated min/max fields hold signed-order values. floe fills them only where
// signed order is the column's order and the values therefore agree (BOOLEAN, signed
// INT32/INT64 incl. DATE/TIME/TIMESTAMP/DECIMAL, FLOAT, DOUBLE); for byte arrays,
// unsigned integers and FLBA decimals it leaves them unset.
bool legacy_order_agrees(Order o) {
  return o == Order::kBool || o == Order::kInt32 || o == Order::kInt64 || o == Order::kFloat ||
         o == Order::kDouble;
}

template <typename T>
int cmp3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Compares two PLAIN-encoded values in order `o`.
int compare_values(Order o, std::string_view a, std::string_view b) {
  auto p = [](std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); };
  switch (o) {
    case Order::kBool: return cmp3(p(a)[0] != 0, p(b)[0] != 0);
    case Order::kInt32: return cmp3(load_le<int32_t>(p(a)), load_le<int32_t>(p(b)));
    case Order::kUInt32: return cmp3(load_le<uint32_t>(p(a)), load_le<uint32_t>(p(b)));
    case Order::kInt64: return cmp3(load_le<int64_t>(p(a)), load_le<int64_t>(p(b)));
    case Order::kUInt64: return cmp3(load_le<uint64_t>(p(a)), load_le<uint64_t>(p(b)));
    case Order::kFloat: return cmp3(load_le<float>(p(a)), load_le<float>(p(b)));
    case Order::kDouble: return cmp3(load_le<double>(p(a)), load_le<double>(p(b)));
    case Order::kBytes: {
      int c = a.compare(b);  // char_traits<char> compares as unsigned char
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Order::kSignedBytes: {
      if (a.empty() || b.empty()) return cmp3(a.size(), b.size());
      int c = cmp3(int8_t(a[0]), int8_t(b[0]));
      if (c != 0) return c;
      c = a.substr(1).compare(b.substr(1));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Order::kNone: return 0;
  }
  return 0;
}

bool is_nan_value(Order o, std::string_view v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  if (o == Order::kFloat) return std::isnan(load_le<float>(p));
  if (o == Order::kDouble) return std::isnan(load_le<double>(p));
  return false;
}

// Min/max of a set of values, exact and PLAIN encoded.
struct ValueStats {
  bool has_minmax = false;
  std::string min;
  std::string max;
  int64_t nan_count = 0;

  void merge(Order o, const ValueStats& other) {
    nan_count += other.nan_count;
    if (!other.has_minmax) return;
    if (!has_minmax || compare_values(o, other.min, min) < 0) min = other.min;
    if (!has_minmax || compare_values(o, other.max, max) > 0) max = other.max;
    has_minmax = true;
  }
};

// The spec writes -0.0 as a zero minimum and +0.0 as a zero maximum.
std::string stat_value(Order o, std::string_view raw, bool is_min) {
  if (o == Order::kFloat) {
    float f = load_le<float>(reinterpret_cast<const uint8_t*>(raw.data()));
    if (f == 0.0f) f = is_min ? -0.0f : 0.0f;
    return std::string(reinterpret_cast<const char*>(&f), 4);
  }
  if (o == Order::kDouble) {
    double d = load_le<double>(reinterpret_cast<const uint8_t*>(raw.data()));
    if (d == 0.0) d = is_min ? -0.0 : 0.0;
    return std::string(reinterpret_cast<const char*>(&d), 8);
  }
  if (o == Order::kBool) return std::string(1, raw[0] ? '\1' : '\0');
  return std::string(raw);
}

template <typename T>
ValueStats scan_numbers(const uint8_t* data, int64_t n, Order o) {
  ValueStats s;
  const T* v = reinterpret_cast<const T*>(data);
  int64_t i = 0;
  if constexpr (std::is_floating_point_v<T>) {
    while (i < n && std::isnan(v[i])) ++i;
    s.nan_count = i;
  }
  if (i == n) return s;
  T lo = v[i], hi = v[i];
  for (++i; i < n; ++i) {
    T x = v[i];
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) {
        ++s.nan_count;
        continue;
      }
    }
    lo = x < lo ? x : lo;
    hi = hi < x ? x : hi;
  }
  s.has_minmax = true;
  s.min = stat_value(o, {reinterpret_cast<const char*>(&lo), sizeof(T)}, true);
  s.max = stat_value(o, {reinterpret_cast<const char*>(&hi), sizeof(T)}, false);
  return s;
}

// Stats of values [first, first + n) of a chunk written without a dictionary.
ValueStats scan_values(const PhysicalValues& pv, Order o, int64_t first, int64_t n) {
  if (n == 0 || o == Order::kNone) return {};
  const uint8_t* d = pv.type == Type::kByteArray ? nullptr : pv.fixed(first);
  switch (o) {
    case Order::kBool: {
      bool any_false = false, any_true = false;
      for (int64_t i = 0; i < n; ++i) (d[i] ? any_true : any_false) = true;
      ValueStats s;
      s.has_minmax = true;
      s.min = std::string(1, any_false ? '\0' : '\1');
      s.max = std::string(1, any_true ? '\1' : '\0');
      return s;
    }
    case Order::kInt32: return scan_numbers<int32_t>(d, n, o);
    case Order::kUInt32: return scan_numbers<uint32_t>(d, n, o);
    case Order::kInt64: return scan_numbers<int64_t>(d, n, o);
    case Order::kUInt64: return scan_numbers<uint64_t>(d, n, o);
    case Order::kFloat: return scan_numbers<float>(d, n, o);
    case Order::kDouble: return scan_numbers<double>(d, n, o);
    default: {
      std::string_view lo = pv.value(first), hi = lo;
      for (int64_t i = 1; i < n; ++i) {
        std::string_view x = pv.value(first + i);
        if (compare_values(o, x, lo) < 0) lo = x;
        if (compare_values(o, x, hi) > 0) hi = x;
      }
      ValueStats s;
      s.has_minmax = true;
      s.min = std::string(lo);
      s.max = std::string(hi);
      return s;
    }
  }
}

// Dictionary entries in sort order, so that a page's min/max is an integer min/max of
// ranks over its indices.
struct DictionaryRanks {
  static constexpr uint32_t kNan = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> rank;     // per entry; kNan for NaN entries
  std::vector<uint32_t> by_rank;  // entry id per rank
};

DictionaryRanks rank_dictionary(const PhysicalValues& pv, const Dictionary& d, Order o) {
  DictionaryRanks r;
  r.rank.assign(d.entries.size(), DictionaryRanks::kNan);
  for (uint32_t id = 0; id < d.entries.size(); ++id)
    if (!is_nan_value(o, pv.value(d.entries[id]))) r.by_rank.push_back(id);
  std::sort(r.by_rank.begin(), r.by_rank.end(), [&](uint32_t a, uint32_t b) {
    return compare_values(o, pv.value(d.entries[a]), pv.value(d.entries[b])) < 0;
  });
  for (uint32_t k = 0; k < r.by_rank.size(); ++k) r.rank[r.by_rank[k]] = k;
  return r;
}

ValueStats scan_dictionary(const PhysicalValues& pv, const Dictionary& d, const DictionaryRanks& r,
                           Order o, int64_t first, int64_t n) {
  ValueStats s;
  if (n == 0 || o == Order::kNone) return s;
  const uint32_t* idx = d.indices.as<uint32_t>() + first;
  uint32_t lo = DictionaryRanks::kNan, hi = 0;
  bool any = false;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t k = r.rank[idx[i]];
    if (k == DictionaryRanks::kNan) {
      ++s.nan_count;
      continue;
    }
    any = true;
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  if (!any) return s;
  s.has_minmax = true;
  s.min = stat_value(o, pv.value(d.entries[r.by_rank[lo]]), true);
  s.max = stat_value(o, pv.value(d.entries[r.by_rank[hi]]), false);
  return s;
}

// Truncated bounds for long byte arrays: a prefix is a lower bound; the prefix with its
// last byte incremented (carrying) an upper bound, none if every byte is 0xff.
std::optional<std::string> truncate_max(const std::string& v, size_t length) {
  std::string t = v.substr(0, length);
  while (!t.empty()) {
    auto last = uint8_t(t.back());
    if (last != 0xff) {
      t.back() = char(last + 1);
      return t;
    }
    t.pop_back();
  }
  return std::nullopt;
}

struct Bounds {
  std::optional<std::string> min, max;
  bool min_exact = true, max_exact = true;
};

Bounds bounds_of(const ValueStats& vs, Type type, size_t truncate) {
  Bounds b;
  if (!vs.has_minmax) return b;
  // Only BYTE_ARRAY is truncated: a shorter FIXED_LEN_BYTE_ARRAY bound would not be a
  // value of the column's type.
  const bool may_truncate = type == Type::kByteArray && truncate > 0;
  if (may_truncate && vs.min.size() > truncate) {
    b.min = vs.min.substr(0, truncate);
    b.min_exact = false;
  } else {
    b.min = vs.min;
  }
  if (may_truncate && vs.max.size() > truncate) {
    b.max = truncate_max(vs.max, truncate);
    b.max_exact = false;
  } else {
    b.max = vs.max;
  }
  return b;
}

Statistics make_statistics(Order o, Type type, const ValueStats& vs, int64_t nulls,
                           size_t truncate, std::optional<int64_t> distinct) {
  Statistics s;
  s.null_count = nulls;
  s.distinct_count = distinct;
  if (type == Type::kFloat || type == Type::kDouble) s.nan_count = vs.nan_count;
  Bounds b = bounds_of(vs, type, truncate);
  if (b.min) {
    s.min_value = b.min;
    s.is_min_value_exact = b.min_exact;
  }
  if (b.max) {
    s.max_value = b.max;
    s.is_max_value_exact = b.max_exact;
  }
  if (legacy_order_agrees(o)) {
    s.min = s.min_value;
    s.max = s.max_value;
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// Levels and values of one page.


// Appends the RLE/bit-packed hybrid of n levels, or of n copies of `fill` when levels is
// null (a single RLE run).
void encode_levels(const int16_t* levels, int16_t fill, int64_t n, int16_t max_level,
                   Buffer& out) {
  const int width = bit_width_of(uint64_t(max_level));
  if (levels == nullptr) {
    put_uvarint(out, uint64_t(n) << 1);
    for (int b = 0; b < (width + 7) / 8; ++b) out.push(uint8_t(uint16_t(fill) >> (8 * b)));
    return;
  }
  RleBitPackedEncoder enc(width);
  uint32_t tmp[1024];
  for (int64_t i = 0; i < n; i += 1024) {
    const int64_t k = std::min<int64_t>(1024, n - i);
    for (int64_t j = 0; j < k; ++j) tmp[j] = uint16_t(levels[i + j]);
    enc.put(tmp, size_t(k));
  }
  enc.finish(out);
}

void encode_levels_v1(const int16_t* levels, int16_t fill, int64_t n, int16_t max_level,
                      Buffer& out) {
  const size_t at = out.size();
  out.resize(at + 4);
  encode_levels(levels, fill, n, max_level, out);
  store_le<uint32_t>(out.data() + at, uint32_t(out.size() - at - 4));
}

// One data page: which entries, values and rows it holds.
struct PagePlan {
  int64_t first_entry = 0, num_entries = 0;
  int64_t first_value = 0, num_values = 0;
  int64_t first_row = 0, num_rows = 0;
};

class ChunkEncoder {
 public:
  ChunkEncoder(io::OutputFile& out, const LeafInfo& leaf, const ShreddedLeaf& data,
               const ColumnChunkWriteOptions& options)
      : out_(out),
        leaf_(leaf),
        data_(data),
        options_(options),
        type_(*leaf.element->type),
        order_(order_of(*leaf.element)),
        codec_(to_compression_codec(options.codec)),
        pv_(physical_values(data, leaf)) {}

  WrittenColumnChunk write(std::vector<std::string> path_in_schema) {
    choose_encoding();
    // Numbers are faster to scan directly; byte arrays compare faster as dictionary ranks.
    ranked_ = dict_ && (options_.write_statistics || options_.write_page_index) &&
              (type_ == Type::kByteArray || type_ == Type::kFixedLenByteArray);
    if (ranked_) ranks_ = rank_dictionary(pv_, *dict_, order_);
    std::vector<PagePlan> pages = plan_pages();

    ColumnMetaData& meta = meta_;
    meta.type = type_;
    meta.path_in_schema = std::move(path_in_schema);
    meta.codec = options_.codec;
    meta.num_values = data_.num_entries;
    if (dict_) write_dictionary_page();

    ValueStats chunk_stats;
    std::vector<ValueStats> page_stats;
    OffsetIndex offset_index;
    const bool want_stats = options_.write_statistics || options_.write_page_index;
    for (const PagePlan& p : pages) {
      ValueStats vs;
      if (want_stats) {
        vs = ranked_ ? scan_dictionary(pv_, *dict_, ranks_, order_, p.first_value, p.num_values)
                     : scan_values(pv_, order_, p.first_value, p.num_values);
        chunk_stats.merge(order_, vs);
      }
      PageLocation loc = write_data_page(p, vs);
      if (data_pages_ == 0) meta.data_page_offset = loc.offset;
      ++data_pages_;
      offset_index.page_locations.push_back(loc);
      page_stats.push_back(std::move(vs));
    }

    std::vector<Encoding> encodings;
    if (dict_) encodings = {Encoding::kPlain, Encoding::kRleDictionary};
    else encodings = {value_encoding_};
    if (data_.max_def > 0 || data_.max_rep > 0) encodings.push_back(Encoding::kRle);
    std::sort(encodings.begin(), encodings.end());
    encodings.erase(std::unique(encodings.begin(), encodings.end()), encodings.end());
    meta.encodings = encodings;
    std::vector<PageEncodingStats> enc_stats;
    if (dict_) enc_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    enc_stats.push_back({options_.data_page_version == 2 ? PageType::kDataPageV2
                                                         : PageType::kDataPage,
                         dict_ ? Encoding::kRleDictionary : value_encoding_,
                         int32_t(data_pages_)});
    meta.encoding_stats = enc_stats;
    meta.total_uncompressed_size = total_uncompressed_;
    meta.total_compressed_size = total_compressed_;
    if (options_.write_statistics)
      meta.statistics = make_statistics(
          order_, type_, chunk_stats, data_.num_entries - data_.num_values,
          options_.statistics_truncate_length,
          dict_ ? std::optional<int64_t>(int64_t(dict_->entries.size())) : std::nullopt);

    WrittenColumnChunk w;
    w.chunk.file_offset = meta.dictionary_page_offset.value_or(meta.data_page_offset);
    w.chunk.meta_data = std::move(meta_);
    if (options_.write_page_index) {
      w.column_index = column_index(pages, page_stats);
      w.offset_index = std::move(offset_index);
    }
    if (options_.bloom_filter && type_ != Type::kBoolean) w.bloom_filter = bloom_filter();
    return w;
  }

 private:
  void choose_encoding() {
    bool try_dict = options_.dictionary && type_ != Type::kBoolean;
    value_encoding_ = Encoding::kPlain;
    if (options_.encoding) {
      Encoding e = *options_.encoding;
      check_column_encoding(type_, e, leaf_.path);
      try_dict = e == Encoding::kRleDictionary || e == Encoding::kPlainDictionary;
      if (!try_dict) value_encoding_ = e;
    }
    if (try_dict) dict_ = build_dictionary(pv_, options_.dictionary_bytes_limit);
  }

  // Cuts pages at row starts once they reach page_rows rows or about page_bytes bytes.
  std::vector<PagePlan> plan_pages() const {
    std::vector<PagePlan> pages;
    const int64_t n = data_.num_entries;
    const int64_t level_bits =
        bit_width_of(uint64_t(data_.max_def)) + bit_width_of(uint64_t(data_.max_rep));
    int64_t fixed_value_bits = dict_                         ? dict_->bit_width
                               : type_ == Type::kBoolean     ? 1
                               : type_ == Type::kByteArray   ? -1
                                                             : int64_t(pv_.width) * 8;
    const int64_t budget = std::max<int64_t>(1, options_.page_bytes) * 8;
    const int64_t max_rows = std::max<int64_t>(1, options_.page_rows);
    if (data_.max_rep == 0 && fixed_value_bits >= 0) {
      // Flat and fixed width: every page holds the same number of rows.
      const int64_t per_row = std::max<int64_t>(1, level_bits + fixed_value_bits);
      const int64_t rows = std::max<int64_t>(1, std::min(max_rows, budget / per_row));
      int64_t v = 0;
      for (int64_t e = 0; e < n; e += rows) {
        PagePlan p;
        p.first_entry = p.first_row = e;
        p.num_entries = p.num_rows = std::min(rows, n - e);
        p.first_value = v;
        if (data_.all_defined || data_.max_def == 0) {
          p.num_values = p.num_entries;
        } else {
          const int16_t* def = data_.def_levels.as<int16_t>() + e;
          for (int64_t i = 0; i < p.num_entries; ++i) p.num_values += def[i] == data_.max_def;
        }
        v += p.num_values;
        pages.push_back(p);
      }
      return pages;
    }
    int64_t e = 0, v = 0, row = 0;
    while (e < n) {
      PagePlan p;
      p.first_entry = e;
      p.first_value = v;
      p.first_row = row;
      int64_t bits = 0;
      while (e < n) {
        do {  // one row: its first entry and every repeated one after it
          bits += level_bits;
          if (data_.is_defined(e)) {
            bits += fixed_value_bits >= 0
                        ? fixed_value_bits
                        : (4 + int64_t(pv_.offsets[v + 1] - pv_.offsets[v])) * 8;
            ++v;
          }
          ++e;
        } while (e < n && data_.rep(e) != 0);
        ++p.num_rows;
        if (p.num_rows >= max_rows || bits >= budget) break;
      }
      p.num_entries = e - p.first_entry;
      p.num_values = v - p.first_value;
      row += p.num_rows;
      pages.push_back(p);
    }
    return pages;
  }

  std::span<const uint8_t> compress(const Buffer& in) {
    if (codec_ == compression::Codec::kUncompressed) return in.span();
    compressed_.clear();
    compression::compress(codec_, in.span(), compressed_, options_.compression_level);
    return compressed_.span();
  }

  // Writes header and payload; returns where the page starts and its size with header.
  PageLocation write_page(PageHeader& h, std::span<const uint8_t> payload,
                          int64_t uncompressed_size) {
    if (uncompressed_size > std::numeric_limits<int32_t>::max() ||
        payload.size() > size_t(std::numeric_limits<int32_t>::max()))
      throw UnsupportedError(fmt::format(
          "column '{}': a page of {} bytes (one row can not be split across pages) exceeds "
          "Parquet's 2 GiB page limit",
          leaf_.path, uncompressed_size));
    h.uncompressed_page_size = int32_t(uncompressed_size);
    h.compressed_page_size = int32_t(payload.size());
    header_.clear();
    write_page_header(h, header_);
    PageLocation loc;
    loc.offset = int64_t(out_.position());
    out_.write(header_.data(), header_.size());
    out_.write(payload.data(), payload.size());
    loc.compressed_page_size = int32_t(header_.size() + payload.size());
    total_uncompressed_ += int64_t(header_.size()) + uncompressed_size;
    total_compressed_ += int64_t(header_.size()) + int64_t(payload.size());
    return loc;
  }

  void write_dictionary_page() {
    page_.clear();
    const Dictionary& d = *dict_;
    if (type_ == Type::kByteArray) {
      page_.reserve(size_t(d.page_bytes));
      for (uint32_t e : d.entries) {
        std::string_view v = pv_.value(e);
        page_.push<uint32_t>(uint32_t(v.size()));
        page_.append(v.data(), v.size());
      }
    } else {
      page_.resize(d.entries.size() * pv_.width);
      for (size_t i = 0; i < d.entries.size(); ++i)
        std::memcpy(page_.data() + i * pv_.width, pv_.fixed(d.entries[i]), pv_.width);
    }
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    DictionaryPageHeader dh;
    dh.num_values = int32_t(d.entries.size());
    dh.encoding = Encoding::kPlain;
    dh.is_sorted = false;
    h.dictionary_page_header = dh;
    PageLocation loc = write_page(h, compress(page_), int64_t(page_.size()));
    meta_.dictionary_page_offset = loc.offset;
  }

  void encode_values(const PagePlan& p, Buffer& out) {
    const int64_t v0 = p.first_value, n = p.num_values;
    if (dict_) {
      encode_bit_width_prefixed(dict_->indices.as<uint32_t>() + v0, size_t(n), dict_->bit_width,
                                out);
      return;
    }
    switch (value_encoding_) {
      case Encoding::kPlain:
        if (type_ == Type::kBoolean) {
          const size_t at = out.size();
          out.resize_zeroed(at + size_t(n + 7) / 8);
          const uint8_t* src = pv_.fixed(v0);
          uint8_t* dst = out.data() + at;
          for (int64_t i = 0; i < n; ++i) dst[i >> 3] |= uint8_t((src[i] != 0) << (i & 7));
        } else if (type_ == Type::kByteArray) {
          encode_plain_byte_array(pv_.offsets + v0, pv_.data, size_t(n), out);
        } else {
          out.append(pv_.fixed(v0), size_t(n) * pv_.width);
        }
        return;
      case Encoding::kRle: {  // BOOLEAN: 4-byte length, then the hybrid at bit width 1
        const size_t at = out.size();
        out.resize(at + 4);
        RleBitPackedEncoder enc(1);
        uint32_t tmp[1024];
        const uint8_t* src = pv_.fixed(v0);
        for (int64_t i = 0; i < n; i += 1024) {
          const int64_t k = std::min<int64_t>(1024, n - i);
          for (int64_t j = 0; j < k; ++j) tmp[j] = src[i + j] != 0;
          enc.put(tmp, size_t(k));
        }
        enc.finish(out);
        store_le<uint32_t>(out.data() + at, uint32_t(out.size() - at - 4));
        return;
      }
      case Encoding::kDeltaBinaryPacked:
        if (type_ == Type::kInt32) {
          DeltaBinaryPackedEncoder<int32_t> enc;
          enc.put(reinterpret_cast<const int32_t*>(pv_.fixed(v0)), size_t(n));
          enc.finish(out);
        } else {
          DeltaBinaryPackedEncoder<int64_t> enc;
          enc.put(reinterpret_cast<const int64_t*>(pv_.fixed(v0)), size_t(n));
          enc.finish(out);
        }
        return;
      case Encoding::kDeltaLengthByteArray:
        encode_delta_length_byte_array(pv_.offsets + v0, pv_.data, size_t(n), out);
        return;
      case Encoding::kDeltaByteArray:
        if (type_ == Type::kByteArray) {
          encode_delta_byte_array(pv_.offsets + v0, pv_.data, size_t(n), out);
        } else {  // FIXED_LEN_BYTE_ARRAY: offsets of the page's values, width apart
          scratch_.resize(size_t(n + 1) * 4);
          int32_t* o = scratch_.as<int32_t>();
          for (int64_t i = 0; i <= n; ++i) o[i] = int32_t(size_t(i) * pv_.width);
          encode_delta_byte_array(o, pv_.fixed(v0), size_t(n), out);
        }
        return;
      case Encoding::kByteStreamSplit:
        byte_stream_split_encode(pv_.fixed(v0), size_t(n), pv_.width, out);
        return;
      default:
        throw InternalError(fmt::format("column '{}': no encoder for {}", leaf_.path,
                                        encoding_name(value_encoding_)));
    }
  }

  PageLocation write_data_page(const PagePlan& p, const ValueStats& vs) {
    const int16_t* def = data_.max_def > 0 && !data_.all_defined
                             ? data_.def_levels.as<int16_t>() + p.first_entry
                             : nullptr;
    const int16_t* rep =
        data_.max_rep > 0 ? data_.rep_levels.as<int16_t>() + p.first_entry : nullptr;
    const int64_t nulls = p.num_entries - p.num_values;
    std::optional<Statistics> stats;
    if (options_.write_statistics)
      stats = make_statistics(order_, type_, vs, nulls, options_.statistics_truncate_length,
                              std::nullopt);
    const Encoding encoding = dict_ ? Encoding::kRleDictionary : value_encoding_;
    PageHeader h;
    page_.clear();
    if (options_.data_page_version == 2) {
      if (rep) encode_levels(rep, 0, p.num_entries, data_.max_rep, page_);
      const size_t rep_len = page_.size();
      if (data_.max_def > 0) encode_levels(def, data_.max_def, p.num_entries, data_.max_def, page_);
      const size_t levels_len = page_.size();
      values_.clear();
      encode_values(p, values_);
      std::span<const uint8_t> compressed = compress(values_);
      page_.append(compressed.data(), compressed.size());
      DataPageHeaderV2 d;
      d.num_values = int32_t(p.num_entries);
      d.num_nulls = int32_t(nulls);
      d.num_rows = int32_t(p.num_rows);
      d.encoding = encoding;
      d.repetition_levels_byte_length = int32_t(rep_len);
      d.definition_levels_byte_length = int32_t(levels_len - rep_len);
      d.is_compressed = codec_ != compression::Codec::kUncompressed;
      d.statistics = std::move(stats);
      h.type = PageType::kDataPageV2;
      h.data_page_header_v2 = std::move(d);
      return with_row(write_page(h, page_.span(), int64_t(levels_len + values_.size())), p);
    }
    if (rep) encode_levels_v1(rep, 0, p.num_entries, data_.max_rep, page_);
    if (data_.max_def > 0)
      encode_levels_v1(def, data_.max_def, p.num_entries, data_.max_def, page_);
    encode_values(p, page_);
    DataPageHeader d;
    d.num_values = int32_t(p.num_entries);
    d.encoding = encoding;
    d.definition_level_encoding = Encoding::kRle;
    d.repetition_level_encoding = Encoding::kRle;
    d.statistics = std::move(stats);
    h.type = PageType::kDataPage;
    h.data_page_header = std::move(d);
    return with_row(write_page(h, compress(page_), int64_t(page_.size())), p);
  }

  static PageLocation with_row(PageLocation loc, const PagePlan& p) {
    loc.first_row_index = p.first_row;
    return loc;
  }

  // The page index entry, or nullopt when a page has values but no bounds (only NaNs,
  // or a type without an order), which the spec says must not get a column index.
  std::optional<ColumnIndex> column_index(const std::vector<PagePlan>& pages,
                                          const std::vector<ValueStats>& stats) const {
    ColumnIndex ci;
    std::vector<int64_t> null_counts;
    std::vector<int64_t> nan_counts;
    for (size_t i = 0; i < pages.size(); ++i) {
      const bool null_page = pages[i].num_values == 0;
      if (!null_page && !stats[i].has_minmax) return std::nullopt;
      ci.null_pages.push_back(null_page);
      Bounds b = bounds_of(stats[i], type_, options_.statistics_truncate_length);
      // A maximum that cannot be rounded up stays exact: the list needs every entry.
      if (!null_page && !b.max) b.max = stats[i].max;
      ci.min_values.push_back(null_page ? std::string() : *b.min);
      ci.max_values.push_back(null_page ? std::string() : *b.max);
      null_counts.push_back(pages[i].num_entries - pages[i].num_values);
      nan_counts.push_back(stats[i].nan_count);
    }
    ci.null_counts = std::move(null_counts);
    if (type_ == Type::kFloat || type_ == Type::kDouble) ci.nan_counts = std::move(nan_counts);
    bool ascending = true, descending = true;
    const std::string* prev_min = nullptr;
    const std::string* prev_max = nullptr;
    for (size_t i = 0; i < pages.size(); ++i) {
      if (ci.null_pages[i]) continue;
      if (prev_min) {
        int cmin = compare_values(order_, *prev_min, ci.min_values[i]);
        int cmax = compare_values(order_, *prev_max, ci.max_values[i]);
        ascending &= cmin <= 0 && cmax <= 0;
        descending &= cmin >= 0 && cmax >= 0;
      }
      prev_min = &ci.min_values[i];
      prev_max = &ci.max_values[i];
    }
    ci.boundary_order = ascending    ? BoundaryOrder::kAscending
                        : descending ? BoundaryOrder::kDescending
                                     : BoundaryOrder::kUnordered;
    return ci;
  }

  // Hashes of every distinct value (the dictionary's entries when there is one).
  BloomFilter bloom_filter() const {
    std::vector<uint64_t> hashes;
    if (dict_) {
      hashes.reserve(dict_->entries.size());
      for (uint32_t e : dict_->entries) {
        std::string_view v = pv_.value(e);
        hashes.push_back(bloom_hash(v.data(), v.size()));
      }
    } else {
      hashes.resize(size_t(pv_.count));
      if (type_ == Type::kByteArray) {
        for (int64_t i = 0; i < pv_.count; ++i) {
          std::string_view v = pv_.value(i);
          hashes[size_t(i)] = bloom_hash(v.data(), v.size());
        }
      } else if (pv_.count > 0) {
        bloom_hash_fixed(pv_.data, size_t(pv_.count), pv_.width, hashes.data());
      }
      std::sort(hashes.begin(), hashes.end());
      hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    }
    BloomFilter f(BloomFilter::optimal_num_bytes(hashes.size(), options_.bloom_filter_fpp));
    f.insert_hashes(hashes);
    return f;
  }

  io::OutputFile& out_;
  const LeafInfo& leaf_;
  const ShreddedLeaf& data_;
  const ColumnChunkWriteOptions& options_;
  Type type_;
  Order order_;
  compression::Codec codec_;
  PhysicalValues pv_;
  Encoding value_encoding_ = Encoding::kPlain;
  std::optional<Dictionary> dict_;
  bool ranked_ = false;
  DictionaryRanks ranks_;
  ColumnMetaData meta_;
  int64_t data_pages_ = 0;
  int64_t total_uncompressed_ = 0;
  int64_t total_compressed_ = 0;
  Buffer page_;
  Buffer values_;
  Buffer compressed_;
  Buffer header_;
  Buffer scratch_;
};

}  // namespace

void check_column_encoding(Type type, Encoding encoding, std::string_view path) {
  bool ok = false;
  switch (encoding) {
    case Encoding::kPlain: ok = true; break;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: ok = type != Type::kBoolean; break;
    case Encoding::kRle: ok = type == Type::kBoolean; break;
    case Encoding::kDeltaBinaryPacked: ok = type == Type::kInt32 || type == Type::kInt64; break;
    case Encoding::kDeltaLengthByteArray: ok = type == Type::kByteArray; break;
    case Encoding::kDeltaByteArray:
      ok = type == Type::kByteArray || type == Type::kFixedLenByteArray;
      break;
    case Encoding::kByteStreamSplit:
      ok = type == Type::kFloat || type == Type::kDouble || type == Type::kInt32 ||
           type == Type::kInt64 || type == Type::kFixedLenByteArray;
      break;
    default: break;
  }
  if (!ok)
    throw InvalidInputError(fmt::format("column '{}': encoding {} cannot encode {} values", path,
                                        encoding_name(encoding), type_name(type)));
}

WrittenColumnChunk write_column_chunk(io::OutputFile& out, const LeafInfo& leaf,
                                      std::vector<std::string> path_in_schema,
                                      const ShreddedLeaf& data,
                                      const ColumnChunkWriteOptions& options) {
  FLOE_CHECK(data.values != nullptr, "leaf '{}' has no value column", leaf.path);
  FLOE_CHECK(data.max_def == leaf.max_def && data.max_rep == leaf.max_rep,
             "leaf '{}': levels {}/{} shredded for a leaf of {}/{}", leaf.path, data.max_def,
             data.max_rep, leaf.max_def, leaf.max_rep);
  ChunkEncoder encoder(out, leaf, data, options);
  return encoder.write(std::move(path_in_schema));
}

}  // namespace floe::parquet
