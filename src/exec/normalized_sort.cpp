#include "exec/normalized_sort.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "exec/operator.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

static_assert(std::endian::native == std::endian::little, "records are byte-swapped into words");

// Strings up to this many bytes are encoded whole (padded, then their length), longer ones
// by a prefix of this many bytes.
constexpr int kStringBytes = 15;
// The widest record, in 64-bit words (the last 4 bytes hold the row index).
constexpr int kMaxWords = 8;

enum class Encoding { kFixed, kFloat, kBytes, kString };

struct KeyField {
  const SortColumn* key;
  Encoding encoding;
  int offset;      // of the NULL flag when the column has NULLs, else of the value
  bool has_nulls;  // a flag byte precedes the value
  int width;       // value bytes
  bool whole;      // strings: encoded whole (no ties left to break)
};

// Writes `v` big-endian over `width` bytes, inverted for a descending key.
template <typename U>
void put_unsigned(uint8_t* at, U v, bool descending) {
  if (descending) v = U(~v);
  if constexpr (sizeof(U) == 16) {
    put_unsigned(at, uint64_t(v >> 64), false);
    put_unsigned(at + 8, uint64_t(v), false);
  } else {
    if constexpr (sizeof(U) == 8) v = __builtin_bswap64(v);
    if constexpr (sizeof(U) == 4) v = __builtin_bswap32(v);
    if constexpr (sizeof(U) == 2) v = __builtin_bswap16(v);
    std::memcpy(at, &v, sizeof(U));
  }
}

// A fixed-width value as an unsigned integer that orders as the value does.
template <typename T>
auto order_preserving(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    using U = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;
    constexpr U sign = U(1) << (sizeof(U) * 8 - 1);
    // NaN sorts above every number and equals itself; -0 equals 0.
    if (std::isnan(x)) x = std::numeric_limits<T>::quiet_NaN();
    if (x == 0) x = 0;
    U u = std::bit_cast<U>(x);
    return (u & sign) ? U(~u) : U(u | sign);
  } else if constexpr (std::is_same_v<T, __int128>) {
    using U = unsigned __int128;
    return U(x) ^ (U(1) << 127);
  } else {
    using U = std::make_unsigned_t<T>;
    if constexpr (std::is_signed_v<T>) return U(U(x) ^ (U(1) << (sizeof(U) * 8 - 1)));
    else return U(x);
  }
}

// How a key of type `t` is encoded and its bytes (for strings, the most: a whole string's
// bytes and its length); false when it has no encoding.
bool encoding_of(const columnar::DataType& t, Encoding& encoding, int& width) {
  TypeId id = t.id();
  encoding = Encoding::kFixed;
  bool fixed = visit_fixed_width(id, [&](auto tag) {
    using T = decltype(tag);
    width = int(sizeof(T));
    if constexpr (std::is_floating_point_v<T>) encoding = Encoding::kFloat;
  });
  if (fixed) return true;
  if (id == TypeId::kFixedBinary || id == TypeId::kUuid) {
    encoding = Encoding::kBytes;
    width = t.byte_width();
    return true;
  }
  if (id == TypeId::kString || id == TypeId::kBinary) {
    encoding = Encoding::kString;
    width = kStringBytes + 1;
    return true;
  }
  return false;
}

// Lays out the keys' bytes, up to and including the first string encoded by a prefix; false
// when a key has no encoding or they do not fit.
bool lay_out(const std::vector<SortColumn>& keys, std::vector<KeyField>& fields, int& bytes) {
  bytes = 0;
  for (const auto& k : keys) {
    const Column& c = *k.column;
    KeyField f{&k, Encoding::kFixed, bytes, c.null_count() > 0, 0, true};
    if (!encoding_of(c.type(), f.encoding, f.width)) return false;
    if (f.encoding == Encoding::kString) {
      const int32_t* o = c.offsets();
      int32_t longest = 0;
      for (int64_t i = 0; i < c.size(); ++i) longest = std::max(longest, o[i + 1] - o[i]);
      f.whole = longest <= kStringBytes;
      f.width = f.whole ? longest + 1 : kStringBytes;
    }
    bytes += (f.has_nulls ? 1 : 0) + f.width;
    if (bytes + 4 > kMaxWords * 8) return false;
    fields.push_back(f);
    // Rows whose prefixes tie may differ later in the string: the keys after it cannot
    // decide between them, so they are left to the comparator that breaks the tie.
    if (!f.whole) break;
  }
  return true;
}

// Writes one key's bytes into the records of rows [from, to) (`stride` bytes apart).
void encode(const KeyField& f, int64_t from, int64_t to, uint8_t* records, size_t stride) {
  const Column& c = *f.key->column;
  bool desc = f.key->descending;
  uint8_t null_flag = f.key->nulls_first ? 0 : 2;
  int value_at = f.offset + (f.has_nulls ? 1 : 0);
  auto valid = [&](int64_t i, uint8_t* rec) {
    if (!f.has_nulls) return true;
    bool v = c.is_valid(i);
    rec[f.offset] = v ? 1 : null_flag;
    return v;
  };
  switch (f.encoding) {
    case Encoding::kFixed: case Encoding::kFloat:
      visit_fixed_width(c.type().id(), [&](auto tag) {
        using T = decltype(tag);
        const T* v = c.values<T>();
        for (int64_t i = from; i < to; ++i) {
          uint8_t* rec = records + size_t(i) * stride;
          if (valid(i, rec)) put_unsigned(rec + value_at, order_preserving(v[i]), desc);
        }
      });
      break;
    case Encoding::kBytes:
      for (int64_t i = from; i < to; ++i) {
        uint8_t* rec = records + size_t(i) * stride;
        if (!valid(i, rec)) continue;
        std::memcpy(rec + value_at, c.fixed_at(i).data(), size_t(f.width));
        if (desc)
          for (int j = 0; j < f.width; ++j) rec[value_at + j] = uint8_t(~rec[value_at + j]);
      }
      break;
    case Encoding::kString:
      for (int64_t i = from; i < to; ++i) {
        uint8_t* rec = records + size_t(i) * stride;
        if (!valid(i, rec)) continue;
        std::string_view s = c.string_at(i);
        size_t n = std::min(s.size(), size_t(kStringBytes));
        std::memcpy(rec + value_at, s.data(), n);
        // Padding with zeros leaves "a" and "a\0" equal: the length that follows a whole
        // string orders the shorter first.
        if (f.whole) rec[value_at + f.width - 1] = uint8_t(s.size());
        if (desc)
          for (int j = 0; j < f.width; ++j) rec[value_at + j] = uint8_t(~rec[value_at + j]);
      }
      break;
  }
}

// Inputs of at least this many rows are sorted in slices on several threads, then merged.
constexpr int64_t kParallelRows = 1 << 16;
// The most rows a LIMIT keeps for which they are selected with a heap.
constexpr int64_t kHeapLimit = 4096;

template <int N>
std::vector<uint32_t> sort_records(const std::vector<KeyField>& fields, bool exact,
                                   const RowComparator& ties, int64_t rows, int64_t limit,
                                   int threads) {
  using Record = std::array<uint64_t, N>;
  std::vector<Record> records(size_t(rows), Record{});
  auto* bytes = reinterpret_cast<uint8_t*>(records.data());
  auto less_exact = [](const Record& a, const Record& b) {
    for (int w = 0; w < N; ++w)
      if (a[w] != b[w]) return a[w] < b[w];
    return false;
  };
  auto less_ties = [&ties](const Record& a, const Record& b) {
    for (int w = 0; w < N - 1; ++w)
      if (a[w] != b[w]) return a[w] < b[w];
    uint64_t x = a[N - 1] >> 32, y = b[N - 1] >> 32;
    if (x != y) return x < y;
    uint32_t ra = uint32_t(a[N - 1]), rb = uint32_t(b[N - 1]);
    int c = ties.compare(ra, rb);
    return c ? c < 0 : ra < rb;
  };
  // A heap of the first `limit` rows (partial_sort) pays off only for a few of them: past
  // that the whole input is sorted (on every thread) and cut.
  bool partial = limit >= 0 && limit < rows && limit <= kHeapLimit;
  // Slices of the input, each encoded and sorted by one task; then neighbours are merged
  // pairwise until one remains. The row index in every record makes the order total, so
  // the result does not depend on the slicing.
  size_t slices = !partial && threads > 1 && rows >= kParallelRows ? size_t(threads) : 1;
  std::vector<size_t> bounds;
  for (size_t i = 0; i <= slices; ++i) bounds.push_back(size_t(rows) * i / slices);
  auto with_less = [&](auto&& fn) { exact ? fn(less_exact) : fn(less_ties); };
  run_workers(slices, threads, [&](size_t slice, int) {
    int64_t from = int64_t(bounds[slice]), to = int64_t(bounds[slice + 1]);
    for (const auto& f : fields) encode(f, from, to, bytes, sizeof(Record));
    for (int64_t i = from; i < to; ++i) {
      Record& r = records[size_t(i)];
      for (auto& w : r) w = __builtin_bswap64(w);  // big-endian bytes -> comparable words
      r[N - 1] |= uint64_t(uint32_t(i));           // the row index: ties keep input order
    }
    auto first = records.begin() + long(from), last = records.begin() + long(to);
    with_less([&](auto less) {
      if (partial) {
        std::partial_sort(first, first + limit, last, less);
      } else {
        std::sort(first, last, less);
      }
    });
  });
  std::vector<Record> merged;
  while (bounds.size() > 2) {
    merged.resize(records.size());
    size_t pairs = (bounds.size() - 1) / 2;
    run_workers(pairs, threads, [&](size_t p, int) {
      size_t a = bounds[2 * p], b = bounds[2 * p + 1], c = bounds[2 * p + 2];
      with_less([&](auto less) {
        std::merge(records.begin() + long(a), records.begin() + long(b),
                   records.begin() + long(b), records.begin() + long(c),
                   merged.begin() + long(a), less);
      });
    });
    std::vector<size_t> next;
    for (size_t i = 0; i < bounds.size(); i += 2) next.push_back(bounds[i]);
    if (next.back() != bounds.back()) {  // an odd slice out: carried over as it is
      size_t a = next.back();
      std::copy(records.begin() + long(a), records.end(), merged.begin() + long(a));
      next.push_back(bounds.back());
    }
    records.swap(merged);
    bounds = std::move(next);
  }
  if (limit >= 0 && limit < rows) records.resize(size_t(limit));
  std::vector<uint32_t> order(records.size());
  for (size_t i = 0; i < records.size(); ++i) order[i] = uint32_t(records[i][N - 1]);
  return order;
}

template <int N = 1>
std::vector<uint32_t> sort_by_words(int words, const std::vector<KeyField>& fields, bool exact,
                                    const RowComparator& ties, int64_t rows, int64_t limit,
                                    int threads) {
  if constexpr (N < kMaxWords) {
    if (words > N) return sort_by_words<N + 1>(words, fields, exact, ties, rows, limit, threads);
  }
  return sort_records<N>(fields, exact, ties, rows, limit, threads);
}

}  // namespace

std::optional<std::vector<uint32_t>> normalized_sorted_order(const std::vector<SortColumn>& keys,
                                                             const RowComparator& ties,
                                                             int64_t rows, int64_t limit,
                                                             int threads) {
  if (rows > int64_t(UINT32_MAX)) return std::nullopt;
  std::vector<KeyField> fields;
  int bytes = 0;
  if (!lay_out(keys, fields, bytes)) return std::nullopt;
  // The row index takes the low 4 bytes of the last word: the key bytes end before them.
  int words = (bytes + 4 + 7) / 8;
  bool exact = std::all_of(fields.begin(), fields.end(), [](const KeyField& f) { return f.whole; });
  return sort_by_words(words, fields, exact, ties, rows, limit, threads);
}

int64_t sort_bytes_per_row(const std::vector<columnar::DataType>& key_types) {
  int bytes = 4;  // the row index
  for (const auto& t : key_types) {
    Encoding encoding;
    int width = 0;
    if (!encoding_of(t, encoding, width)) return 4;  // no encoding: the comparator sorts the order
    bytes += 1 + width;
  }
  if (bytes > kMaxWords * 8) return 4;
  int64_t record = 8 * ((bytes + 7) / 8);
  return 2 * record + 4;
}

}  // namespace floe::exec
