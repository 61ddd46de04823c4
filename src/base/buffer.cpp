#include "base/buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace floe {

namespace {

// Column buffers of megabytes are written once, right after they are allocated, and a fresh
// process meets each of their pages for the first time: with 4 KB pages that is one page
// fault per 4 KB (a quarter of a scan's time went there). Asking for transparent huge pages
// on the 2 MB-aligned interior of a large block makes that one fault per 2 MB; the block's
// ends keep small pages, so no memory is added. Advice only: where the kernel declines
// (huge pages off, memory reused that is already mapped) nothing changes.
constexpr uintptr_t kHugePage = uintptr_t(2) << 20;

void advise_huge_pages(void* p, size_t bytes) {
  if (bytes < 2 * kHugePage) return;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

void Buffer::reserve(size_t n) {
  if (n <= capacity_) return;
  size_t bytes = (n + kAlignment - 1) / kAlignment * kAlignment;
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, bytes));
  if (!p) throw std::bad_alloc();
  advise_huge_pages(p, bytes);
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
