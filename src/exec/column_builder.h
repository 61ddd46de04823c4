// Building a scalar function's result column in bulk: the rows where every argument is
// valid (one AND over the validity bitmaps), fixed-width results written by index into a
// preallocated buffer, strings appended into one growing data buffer. Layer: exec
// (private to the function library; kernels loop over whole columns with these).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>

#include "base/bits.h"
#include "base/buffer.h"
#include "base/error.h"
#include "columnar/column.h"
#include "exec/scalar_function.h"

namespace floe::exec {

// True when argument i of a call repeats one value (a caller may leave `constant` empty).
inline bool is_constant(const ScalarArgs& a, size_t i) {
  return i < a.constant.size() && a.constant[i];
}

// Rows where every argument of a call is valid. `bits` empty means all rows are valid.
struct RowMask {
  Buffer bits;
  int64_t null_count = 0;

  bool all_valid() const { return bits.empty(); }
  bool valid(int64_t i) const { return bits.empty() || bit_get(bits.data(), i); }
};

// The AND of the columns' validity over `rows` rows.
RowMask valid_rows(std::span<const columnar::Column* const> columns, int64_t rows);

// Calls valid(i) for each row the mask marks valid and null(i) for the others; without
// nulls the loop has no branch on validity.
template <typename Valid, typename Null>
inline void for_rows(const RowMask& mask, int64_t rows, Valid&& valid, Null&& null) {
  if (mask.all_valid()) {
    for (int64_t i = 0; i < rows; ++i) valid(i);
    return;
  }
  const uint8_t* bits = mask.bits.data();
  for (int64_t i = 0; i < rows; ++i) {
    if (bit_get(bits, i))
      valid(i);
    else
      null(i);
  }
}

// A fixed-width result of `rows` values written by index. Rows never set hold zero only
// if set_null or set was called for them: kernels write every row.
template <typename T>
class FixedBuilder {
 public:
  FixedBuilder(const columnar::DataType& type, int64_t rows) : column_(type), rows_(rows) {
    column_.data_buffer().resize(size_t(rows) * sizeof(T));
    data_ = column_.data_buffer().template as<T>();
  }
  // Starts with the mask's nulls (their values zeroed).
  FixedBuilder(const columnar::DataType& type, int64_t rows, const RowMask& mask)
      : FixedBuilder(type, rows) {
    if (!mask.all_valid()) {
      ensure_validity();
      std::memcpy(validity_, mask.bits.data(), size_t(bitmap_bytes(rows)));
      null_count_ = mask.null_count;
    }
  }

  T* data() { return data_; }
  void set(int64_t i, T v) { data_[i] = v; }
  void set_null(int64_t i) {
    ensure_validity();
    if (bit_get(validity_, i)) {
      bit_clear(validity_, i);
      ++null_count_;
    }
    data_[i] = T{};
  }
  // Zeroes the value of a row that is already null in the starting mask.
  void clear_value(int64_t i) { data_[i] = T{}; }

  columnar::Column finish() {
    column_.set_size(rows_, null_count_);
    column_.drop_validity_if_all_valid();
    return std::move(column_);
  }

 private:
  void ensure_validity() {
    if (validity_) return;
    Buffer& v = column_.validity_buffer();
    v.resize(size_t(bitmap_bytes(rows_)));
    std::memset(v.data(), 0xff, v.size());
    validity_ = v.data();
  }

  columnar::Column column_;
  int64_t rows_;
  T* data_ = nullptr;
  uint8_t* validity_ = nullptr;
  int64_t null_count_ = 0;
};

// A string or binary result appended row by row (every row exactly once, in order).
class StringBuilder {
 public:
  StringBuilder(const columnar::DataType& type, int64_t rows, size_t bytes_hint = 0)
      : column_(type), rows_(rows) {
    Buffer& o = column_.offsets_buffer();
    o.resize(size_t(rows + 1) * sizeof(int32_t));
    offsets_ = o.as<int32_t>();
    offsets_[0] = 0;
    // Never empty, so that extend() never hands out a null pointer.
    column_.data_buffer().reserve(bytes_hint > 64 ? bytes_hint : 64);
  }

  void append(std::string_view s) {
    if (!s.empty()) std::memcpy(extend(s.size()), s.data(), s.size());
    commit(s.size());
  }
  void append_null() {
    if (!validity_) {
      Buffer& v = column_.validity_buffer();
      v.resize(size_t(bitmap_bytes(rows_)));
      std::memset(v.data(), 0xff, v.size());
      validity_ = v.data();
    }
    bit_clear(validity_, row_);
    ++null_count_;
    offsets_[row_ + 1] = int32_t(bytes_);
    ++row_;
  }
  // Room for up to `n` more bytes of the current value; then commit(used) ends the value.
  // The pointer is valid until the next extend.
  char* extend(size_t n) {
    size_t need = bytes_ + pending_ + n;
    if (need > size_t(std::numeric_limits<int32_t>::max()))
      throw UnsupportedError("a column vector holds at most 2 GiB of string data");
    Buffer& d = column_.data_buffer();
    if (need > d.size()) d.resize(need);
    char* p = reinterpret_cast<char*>(d.data()) + bytes_ + pending_;
    return p;
  }
  // Adds `n` bytes written at extend() to the current value without ending it.
  void advance(size_t n) { pending_ += n; }
  void commit(size_t used) {
    bytes_ += pending_ + used;
    pending_ = 0;
    offsets_[row_ + 1] = int32_t(bytes_);
    ++row_;
  }
  // Appends bytes to the current value (ended by commit(0)).
  void add(std::string_view s) {
    if (!s.empty()) std::memcpy(extend(s.size()), s.data(), s.size());
    pending_ += s.size();
  }
  void add_char(char c) {
    *extend(1) = c;
    ++pending_;
  }
  int64_t rows_done() const { return row_; }

  columnar::Column finish() {
    FLOE_CHECK(row_ == rows_, "string result has {} of {} rows", row_, rows_);
    column_.data_buffer().resize(bytes_);
    column_.set_size(rows_, null_count_);
    column_.drop_validity_if_all_valid();
    return std::move(column_);
  }

 private:
  columnar::Column column_;
  int64_t rows_;
  int64_t row_ = 0;
  int32_t* offsets_;
  size_t bytes_ = 0;
  size_t pending_ = 0;
  uint8_t* validity_ = nullptr;
  int64_t null_count_ = 0;
};

// A column of `rows` NULLs of `type`.
columnar::Column null_column(const columnar::DataType& type, int64_t rows);

// A fixed-width result over all rows where every argument is valid: out[i] = f(i); NULL
// where any argument is NULL.
template <typename Out, typename F>
columnar::Column map_fixed(std::span<const columnar::Column* const> args, int64_t rows,
                           const columnar::DataType& type, F&& f) {
  RowMask m = valid_rows(args, rows);
  FixedBuilder<Out> b(type, rows, m);
  Out* d = b.data();
  for_rows(
      m, rows, [&](int64_t i) { d[i] = f(i); }, [&](int64_t i) { d[i] = Out{}; });
  return b.finish();
}

// As map_fixed, but f(i, &out) may return false to make the row NULL.
template <typename Out, typename F>
columnar::Column map_fixed_or_null(std::span<const columnar::Column* const> args, int64_t rows,
                                   const columnar::DataType& type, F&& f) {
  RowMask m = valid_rows(args, rows);
  FixedBuilder<Out> b(type, rows, m);
  Out* d = b.data();
  for_rows(
      m, rows,
      [&](int64_t i) {
        if (!f(i, &d[i])) b.set_null(i);
      },
      [&](int64_t i) { d[i] = Out{}; });
  return b.finish();
}

// A string result: f(i, builder) appends exactly one value (or NULL) for each row where
// every argument is valid; NULL elsewhere.
template <typename F>
columnar::Column map_string(std::span<const columnar::Column* const> args, int64_t rows,
                            const columnar::DataType& type, size_t bytes_hint, F&& f) {
  RowMask m = valid_rows(args, rows);
  StringBuilder b(type, rows, bytes_hint);
  for_rows(
      m, rows, [&](int64_t i) { f(i, b); }, [&](int64_t) { b.append_null(); });
  return b.finish();
}

// Bytes of string data in a string or binary column (a size hint for results).
inline size_t string_bytes(const columnar::Column& c) {
  return c.size() == 0 ? 0 : size_t(c.offsets()[c.size()] - c.offsets()[0]);
}

}  // namespace floe::exec
