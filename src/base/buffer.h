// Buffer: a growable, 64-byte aligned byte region that does not zero what it grows
// (unlike std::vector), so column vectors can be filled without paying twice.
// Layer: base. Move-only; copy explicitly with copy(). A buffer can also be a view of a
// range of a shared buffer (view()): it reads and writes that range in place, and growing
// it copies the range into memory of its own first, so views of disjoint ranges of one
// buffer can be used independently (by different threads too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace floe {

class Buffer {
 public:
  static constexpr size_t kAlignment = 64;

  Buffer() = default;
  explicit Buffer(size_t size) { resize(size); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)),
        owner_(std::move(o.owner_)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
      owner_ = std::move(o.owner_);
    }
    return *this;
  }
  // A view of bytes [offset, offset + size) of `shared`, which it keeps alive.
  static Buffer view(const std::shared_ptr<Buffer>& shared, size_t offset, size_t size) {
    Buffer b;
    b.data_ = shared->data_ + offset;
    b.size_ = b.capacity_ = size;
    b.owner_ = shared;
    return b;
  }
  bool is_view() const { return owner_ != nullptr; }
  ~Buffer() { release(); }

  Buffer copy() const {
    Buffer b(size_);
    if (size_) std::memcpy(b.data_, data_, size_);
    return b;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }

  void reserve(size_t n);
  // Grows or shrinks; new bytes are uninitialised.
  void resize(size_t n) {
    if (n > capacity_) reserve(grow_to(n));
    size_ = n;
  }
  // Grows and zeroes the new bytes.
  void resize_zeroed(size_t n) {
    size_t old = size_;
    resize(n);
    if (n > old) std::memset(data_ + old, 0, n - old);
  }
  void clear() { size_ = 0; }
  void append(const void* p, size_t n) {
    size_t old = size_;
    resize(size_ + n);
    if (n) std::memcpy(data_ + old, p, n);
  }
  template <typename T>
  void push(T v) {
    append(&v, sizeof(T));
  }

 private:
  size_t grow_to(size_t n) const {
    size_t c = capacity_ ? capacity_ * 2 : 64;
    return c > n ? c : n;
  }
  void release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::shared_ptr<Buffer> owner_;  // set for a view: the buffer that owns data_
};

}  // namespace floe
