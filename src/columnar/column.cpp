#include "columnar/column.h"

#include <cstring>
#include <limits>

namespace floe::columnar {

static bool uses_offsets(TypeId id) {
  return id == TypeId::kString || id == TypeId::kBinary || id == TypeId::kList ||
         id == TypeId::kMap;
}

Column::Column(DataType type) : type_(std::move(type)) {
  if (uses_offsets(type_.id())) offsets_.push<int32_t>(0);
  for (const auto& f : type_.children()) children_.emplace_back(f.type);
}

Column Column::copy() const {
  Column c;
  c.type_ = type_;
  c.size_ = size_;
  c.null_count_ = null_count_;
  c.validity_ = validity_.copy();
  c.data_ = data_.copy();
  c.offsets_ = offsets_.copy();
  for (const auto& ch : children_) c.children_.push_back(ch.copy());
  c.dictionary_ = dictionary_;
  return c;
}

Column Column::dictionary_coded(std::shared_ptr<const Column> dictionary, Buffer codes,
                                int64_t n) {
  FLOE_CHECK(dictionary && codes.size() >= size_t(n) * sizeof(uint32_t),
             "{} dictionary codes in {} bytes", n, codes.size());
  Column c{DataType(TypeId::kUInt32)};
  c.data_ = std::move(codes);
  c.size_ = n;
  c.dictionary_ = std::move(dictionary);
  return c;
}

Column Column::decoded() const {
  if (!dictionary_) return copy();
  return dictionary_->take({values<uint32_t>(), size_t(size_)});
}

void Column::reserve(int64_t n) {
  int w = type_.byte_width();
  if (w) data_.reserve(size_t(n) * w);
  if (uses_offsets(type_.id())) offsets_.reserve(size_t(n + 1) * 4);
}

void Column::append_null() {
  if (validity_.empty()) {
    // A zero-length bitmap means "all valid"; make it explicit before the first null.
    validity_.resize(bitmap_bytes(size_ + 1));
    std::memset(validity_.data(), 0xff, validity_.size());
  } else {
    validity_.resize_zeroed(bitmap_bytes(size_ + 1));
  }
  bit_clear(validity_.data(), size_);
  switch (type_.id()) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kList:
    case TypeId::kMap: offsets_.push<int32_t>(offsets_.as<int32_t>()[size_]); break;
    case TypeId::kStruct:
      for (auto& c : children_) c.append_null();
      break;
    default: {
      int w = type_.byte_width();
      if (w > 0) data_.resize_zeroed(data_.size() + size_t(w));
    }
  }
  ++size_;
  ++null_count_;
}

void Column::append_string(std::string_view s) {
  int64_t end = int64_t(offsets_.as<int32_t>()[size_]) + int64_t(s.size());
  if (end > std::numeric_limits<int32_t>::max())
    throw UnsupportedError("a column vector holds at most 2 GiB of string data");
  data_.append(s.data(), s.size());
  offsets_.push<int32_t>(int32_t(end));
  mark_valid();
}

void Column::append_fixed(std::string_view bytes) {
  FLOE_CHECK(int(bytes.size()) == type_.byte_width(), "fixed value of {} bytes for {}",
             bytes.size(), type_.to_string());
  data_.append(bytes.data(), bytes.size());
  mark_valid();
}

void Column::append_list_end() {
  offsets_.push<int32_t>(int32_t(children_[0].size()));
  mark_valid();
}

void Column::append_struct_valid() { mark_valid(); }

void Column::append_offsets(const int32_t* src, int64_t offset, int64_t length,
                            const char* what) {
  int32_t base = offsets_.as<int32_t>()[size_];
  int64_t span = int64_t(src[offset + length]) - src[offset];
  if (int64_t(base) + span > std::numeric_limits<int32_t>::max())
    throw UnsupportedError(fmt::format("a column vector holds at most 2^31 bytes of {}", what));
  size_t old = offsets_.size();
  offsets_.resize(old + size_t(length) * 4);
  int32_t* dst = reinterpret_cast<int32_t*>(offsets_.data() + old);
  int32_t shift = base - src[offset];
  for (int64_t i = 0; i < length; ++i) dst[i] = src[offset + i + 1] + shift;
}

Column Column::slice(int64_t offset, int64_t length) const {
  Column c(type_);
  c.dictionary_ = dictionary_;
  c.append_range(*this, offset, length);
  return c;
}

Column Column::view_of(const std::shared_ptr<Buffer>& data,
                       const std::shared_ptr<Buffer>& validity, int64_t off, int64_t n) const {
  Column c(type_);
  c.dictionary_ = dictionary_;
  int64_t nulls = 0;
  if (validity) {
    const uint8_t* bits = validity->data();
    for (int64_t i = 0; i < n; ++i) nulls += !bit_get(bits, off + i);
    if (nulls > 0 && off % 8 == 0) {
      c.validity_ = Buffer::view(validity, size_t(off / 8), size_t(bitmap_bytes(n)));
    } else if (nulls > 0) {
      c.validity_.resize_zeroed(size_t(bitmap_bytes(n)));
      for (int64_t i = 0; i < n; ++i)
        if (bit_get(bits, off + i)) bit_set(c.validity_.data(), i);
    }
  }
  if (type_.is_variable_width()) {
    const int32_t* o = offsets_.as<int32_t>() + off;
    c.offsets_.resize(size_t(n + 1) * sizeof(int32_t));
    int32_t* dst = c.offsets_.as<int32_t>();
    for (int64_t i = 0; i <= n; ++i) dst[i] = o[i] - o[0];
    c.data_ = Buffer::view(data, size_t(o[0]), size_t(o[n] - o[0]));
  } else {
    const int w = type_.byte_width();
    c.data_ = Buffer::view(data, size_t(off) * w, size_t(n) * w);
  }
  c.size_ = n;
  c.null_count_ = nulls;
  return c;
}

std::vector<Column> Column::split(int64_t rows) && {
  FLOE_CHECK(rows > 0 && rows % 8 == 0, "split into pieces of {} rows", rows);
  std::vector<Column> out;
  if (type_.is_nested()) {
    for (int64_t off = 0; off < size_; off += rows) out.push_back(slice(off, std::min(rows, size_ - off)));
    *this = Column(type_);
    return out;
  }
  auto data = std::make_shared<Buffer>(std::move(data_));
  std::shared_ptr<Buffer> validity;
  if (null_count_ > 0) validity = std::make_shared<Buffer>(std::move(validity_));
  for (int64_t off = 0; off < size_; off += rows)
    out.push_back(view_of(data, validity, off, std::min(rows, size_ - off)));
  *this = Column(type_);
  return out;
}

Column Column::range(int64_t offset, int64_t length) && {
  FLOE_CHECK(offset >= 0 && length >= 0 && offset + length <= size_, "range {}+{} of {} rows",
             offset, length, size_);
  if (type_.is_nested()) {
    Column c = slice(offset, length);
    *this = Column(type_);
    return c;
  }
  auto data = std::make_shared<Buffer>(std::move(data_));
  std::shared_ptr<Buffer> validity;
  if (null_count_ > 0) validity = std::make_shared<Buffer>(std::move(validity_));
  Column c = view_of(data, validity, offset, length);
  *this = Column(type_);
  return c;
}

void Column::append_range(const Column& o, int64_t offset, int64_t length) {
  FLOE_CHECK(offset >= 0 && length >= 0 && offset + length <= o.size_, "range {}+{} of {} rows",
             offset, length, o.size_);
  if (o.dictionary_ != dictionary_) {
    FLOE_CHECK(size_ == 0 && !dictionary_ && type_.id() == TypeId::kUInt32,
               "appending dictionary codes to other values");
    dictionary_ = o.dictionary_;
  }
  if (length == 0) return;
  // Validity.
  if (o.null_count_ > 0 || !validity_.empty()) {
    if (validity_.empty()) {
      validity_.resize(bitmap_bytes(size_ + length));
      std::memset(validity_.data(), 0xff, validity_.size());
    } else {
      validity_.resize_zeroed(bitmap_bytes(size_ + length));
    }
    int64_t nulls = 0;
    for (int64_t i = 0; i < length; ++i) {
      bool v = o.is_valid(offset + i);
      bit_put(validity_.data(), size_ + i, v);
      nulls += !v;
    }
    null_count_ += nulls;
  }
  switch (type_.id()) {
    case TypeId::kString:
    case TypeId::kBinary: {
      const int32_t* oo = o.offsets();
      int64_t bytes = int64_t(oo[offset + length]) - oo[offset];
      append_offsets(oo, offset, length, "string data");
      data_.append(o.data_.data() + oo[offset], size_t(bytes));
      break;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const int32_t* oo = o.offsets();
      append_offsets(oo, offset, length, "list elements");
      children_[0].append_range(o.children_[0], oo[offset], oo[offset + length] - oo[offset]);
      break;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c)
        children_[c].append_range(o.children_[c], offset, length);
      break;
    default: {
      int w = type_.byte_width();
      data_.append(o.data_.data() + offset * w, size_t(length) * w);
    }
  }
  size_ += length;
  if (null_count_ == 0) validity_.clear();
}

Column Column::take(std::span<const uint32_t> rows) const {
  Column c(type_);
  c.dictionary_ = dictionary_;
  int w = type_.byte_width();
  if (w && !type_.is_nested()) {
    c.data_.resize(rows.size() * w);
    uint8_t* dst = c.data_.data();
    const uint8_t* src = data_.data();
    switch (w) {
      case 1:
        for (size_t i = 0; i < rows.size(); ++i) dst[i] = src[rows[i]];
        break;
      case 2:
        for (size_t i = 0; i < rows.size(); ++i)
          std::memcpy(dst + i * 2, src + size_t(rows[i]) * 2, 2);
        break;
      case 4:
        for (size_t i = 0; i < rows.size(); ++i)
          std::memcpy(dst + i * 4, src + size_t(rows[i]) * 4, 4);
        break;
      case 16:  // decimals, UUIDs: a constant size lets the copy be two moves, not a call
        for (size_t i = 0; i < rows.size(); ++i)
          std::memcpy(dst + i * 16, src + size_t(rows[i]) * 16, 16);
        break;
      case 8:
        for (size_t i = 0; i < rows.size(); ++i)
          std::memcpy(dst + i * 8, src + size_t(rows[i]) * 8, 8);
        break;
      default:
        for (size_t i = 0; i < rows.size(); ++i)
          std::memcpy(dst + i * w, src + size_t(rows[i]) * w, w);
    }
    c.size_ = int64_t(rows.size());
    c.take_validity(*this, rows);
    return c;
  }
  if (type_.id() == TypeId::kString || type_.id() == TypeId::kBinary) {
    // Offsets first (they give the bytes to reserve), then the bytes, value by value.
    const int32_t* so = offsets();
    c.offsets_.resize((rows.size() + 1) * 4);
    int32_t* o = reinterpret_cast<int32_t*>(c.offsets_.data());
    int64_t total = 0;
    o[0] = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      total += so[rows[i] + 1] - so[rows[i]];
      if (total > std::numeric_limits<int32_t>::max())
        throw UnsupportedError("a column vector holds at most 2^31 bytes of string data");
      o[i + 1] = int32_t(total);
    }
    c.data_.resize(size_t(total));
    uint8_t* dst = c.data_.data();
    const uint8_t* src = data_.data();
    for (size_t i = 0; i < rows.size(); ++i) {
      size_t n = size_t(o[i + 1] - o[i]);
      const uint8_t* from = src + so[rows[i]];
      uint8_t* to = dst + o[i];
      if (n <= 16) {
        for (size_t k = 0; k < n; ++k) to[k] = from[k];  // short values: no call
      } else {
        std::memcpy(to, from, n);
      }
    }
    c.size_ = int64_t(rows.size());
    c.take_validity(*this, rows);
    return c;
  }
  for (uint32_t r : rows) c.append_range(*this, r, 1);
  return c;
}

void Column::take_validity(const Column& from, std::span<const uint32_t> rows) {
  if (from.null_count_ == 0) return;
  validity_.resize_zeroed(bitmap_bytes(size_));
  int64_t nulls = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    bool v = from.is_valid(rows[i]);
    if (v) bit_set(validity_.data(), int64_t(i));
    nulls += !v;
  }
  null_count_ = nulls;
  drop_validity_if_all_valid();
}

}  // namespace floe::columnar
