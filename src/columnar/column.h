// Column: one column vector in Arrow's layout (validity bitmap, values, int32 offsets for
// strings/binary/lists/maps, children for nested types). Booleans take one byte per value
// so that kernels can treat them like any fixed-width type; the Arrow export packs them.
// Layer: columnar. Not thread-safe for writes; concurrent reads are fine.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/bits.h"
#include "base/buffer.h"
#include "base/error.h"
#include "columnar/data_type.h"

namespace floe::columnar {

class Column {
 public:
  Column() = default;
  explicit Column(DataType type);
  Column(Column&&) noexcept = default;
  Column& operator=(Column&&) noexcept = default;
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;

  Column copy() const;

  // A column of dictionary codes: n UINT32 values without NULLs, each an index into
  // `dictionary` (a column of the values' own type). Only an operator that asked its scan
  // for codes sees one (TableSource::set_dictionary_coded); take, slice, split, range and
  // copy keep the dictionary, append_range only adds codes of the same one, and decoded()
  // gives the values.
  static Column dictionary_coded(std::shared_ptr<const Column> dictionary, Buffer codes,
                                 int64_t n);
  const Column* dictionary() const { return dictionary_.get(); }
  const std::shared_ptr<const Column>& shared_dictionary() const { return dictionary_; }
  Column decoded() const;

  const DataType& type() const { return type_; }
  int64_t size() const { return size_; }
  int64_t null_count() const { return null_count_; }
  bool has_validity() const { return !validity_.empty(); }
  bool is_valid(int64_t i) const { return validity_.empty() || bit_get(validity_.data(), i); }
  bool is_null(int64_t i) const { return !is_valid(i); }

  // Typed access to fixed-width values (T must match type().byte_width()).
  template <typename T>
  const T* values() const {
    return data_.as<T>();
  }
  template <typename T>
  T* mutable_values() {
    return data_.as<T>();
  }
  template <typename T>
  T value(int64_t i) const {
    return data_.as<T>()[i];
  }
  // Variable-width and list access.
  const int32_t* offsets() const { return offsets_.as<int32_t>(); }
  std::string_view string_at(int64_t i) const {
    const int32_t* o = offsets_.as<int32_t>();
    return {reinterpret_cast<const char*>(data_.data()) + o[i], size_t(o[i + 1] - o[i])};
  }
  std::string_view fixed_at(int64_t i) const {
    int w = type_.byte_width();
    return {reinterpret_cast<const char*>(data_.data()) + i * w, size_t(w)};
  }
  const Column& child(size_t i) const { return children_[i]; }
  Column& child(size_t i) { return children_[i]; }
  size_t num_children() const { return children_.size(); }

  // Raw buffers for bulk producers (decoders). After filling, call set_size().
  Buffer& validity_buffer() { return validity_; }
  Buffer& data_buffer() { return data_; }
  Buffer& offsets_buffer() { return offsets_; }
  const Buffer& validity_buffer() const { return validity_; }
  const Buffer& data_buffer() const { return data_; }
  const Buffer& offsets_buffer() const { return offsets_; }
  std::vector<Column>& children() { return children_; }
  const std::vector<Column>& children() const { return children_; }
  void set_size(int64_t n, int64_t null_count) {
    size_ = n;
    null_count_ = null_count;
  }
  // Drops the validity bitmap when there are no nulls (saves memory and branches).
  void drop_validity_if_all_valid() {
    if (null_count_ == 0) validity_.clear();
  }

  // Appending one value at a time: for builders that are not on a hot path (CSV
  // inference, tests, small results). Decoders fill buffers in bulk instead.
  void reserve(int64_t n);
  void append_null();
  template <typename T>
  void append(T v) {
    data_.push(v);
    mark_valid();
  }
  void append_bool(bool v) { append<uint8_t>(v ? 1 : 0); }
  void append_string(std::string_view s);    // string, binary
  void append_fixed(std::string_view bytes);  // fixed binary, uuid (must be width bytes)
  // Nested: after appending to the children, close one value.
  void append_list_end();    // list/map: child length is the new end offset
  void append_struct_valid();  // struct: children already appended one value each

  // Copies rows [offset, offset+length) into a new column.
  Column slice(int64_t offset, int64_t length) const;
  // Cuts the column into columns of `rows` rows each (the last one shorter), leaving it
  // empty. Flat columns become views of its buffers (strings copy only their offsets);
  // nested ones are copied. `rows` must be a positive multiple of 8.
  std::vector<Column> split(int64_t rows) &&;
  // Rows [offset, offset+length) as a column, leaving this one empty: a view of its
  // buffers for flat columns (as split's), a copy for nested ones.
  Column range(int64_t offset, int64_t length) &&;
  // Copies the rows named by `rows` (in order) into a new column.
  Column take(std::span<const uint32_t> rows) const;
  // Appends all rows of `other` (same type).
  void append_column(const Column& other) { append_range(other, 0, other.size()); }
  void append_range(const Column& other, int64_t offset, int64_t length);
  // Bytes the column's buffers hold (capacity, children included), for memory accounting.
  size_t memory_bytes() const {
    size_t n = validity_.capacity() + data_.capacity() + offsets_.capacity();
    for (const auto& c : children_) n += c.memory_bytes();
    return n;
  }

 private:
  // Rows [off, off+n) of a flat column whose buffers are `data` and `validity` (null: no
  // NULLs) and whose offsets are this column's, as a view (split's and range's step).
  Column view_of(const std::shared_ptr<Buffer>& data, const std::shared_ptr<Buffer>& validity,
                 int64_t off, int64_t n) const;
  // The validity of `from`'s `rows` for this column of rows.size() values (take's last step).
  void take_validity(const Column& from, std::span<const uint32_t> rows);
  // Appends `length` offsets copied from src[offset+1 ..], rebased onto this column's end.
  void append_offsets(const int32_t* src, int64_t offset, int64_t length, const char* what);
  void mark_valid() {
    if (!validity_.empty()) {
      validity_.resize_zeroed(bitmap_bytes(size_ + 1));
      bit_set(validity_.data(), size_);
    }
    ++size_;
  }

  DataType type_;
  int64_t size_ = 0;
  int64_t null_count_ = 0;
  Buffer validity_;  // empty means all valid
  Buffer data_;
  Buffer offsets_;  // size_+1 int32 entries for string/binary/list/map
  std::vector<Column> children_;
  std::shared_ptr<const Column> dictionary_;  // set for a column of dictionary codes
};

}  // namespace floe::columnar
