#include "base/buffer.h"

#include <cstdlib>
#include <new>

namespace floe {

void Buffer::reserve(size_t n) {
  if (n <= capacity_) return;
  size_t bytes = (n + kAlignment - 1) / kAlignment * kAlignment;
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, bytes));
  if (!p) throw std::bad_alloc();
  if (size_) std::memcpy(p, data_, size_);
  if (owner_) {
    owner_.reset();  // a view: its bytes are now its own
  } else {
    std::free(data_);
  }
  data_ = p;
  capacity_ = bytes;
}

void Buffer::release() {
  if (owner_) {
    owner_.reset();
  } else {
    std::free(data_);
  }
  data_ = nullptr;
  size_ = capacity_ = 0;
}

}  // namespace floe
