#include "exec/row_keys.h"

// Inlined: most keys are a few bytes, where a call costs as much as the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cmath>
#include <cstring>

#include "base/error.h"
#include "base/prefetch.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

// Bytes a key column adds to every row: a null marker, then the value.
int64_t fixed_key_width(const Column& c) {
  int w = c.type().byte_width();
  if (c.type().id() == TypeId::kFixedBinary || c.type().id() == TypeId::kUuid)
    w = c.type().byte_width();
  return 1 + w;
}

bool is_var(const Column& c) { return c.type().is_variable_width(); }


void append_nested_key(const Column& c, int64_t row, std::string& out);

}  // namespace

void encode_keys(const std::vector<const Column*>& keys, int64_t rows, EncodedKeys& out) {
  out.offsets.assign(size_t(rows) + 1, 0);
  out.hashes.resize(size_t(rows));
  out.has_null.assign(size_t(rows), 0);
  // Row sizes.
  int64_t fixed = 0;
  bool nested = false;
  for (const Column* k : keys) {
    if (k->type().is_nested()) nested = true;
    else if (!is_var(*k)) fixed += fixed_key_width(*k);
    else fixed += 1 + 4;
  }
  std::vector<std::string> nested_parts;
  if (nested) nested_parts.resize(size_t(rows));
  std::vector<uint32_t>& off = out.offsets;
  for (int64_t i = 0; i < rows; ++i) {
    int64_t n = fixed;
    for (const Column* k : keys) {
      if (k->type().is_nested()) {
        if (k->is_valid(i)) append_nested_key(*k, i, nested_parts[size_t(i)]);
        n += 1;
      } else if (is_var(*k) && k->is_valid(i)) {
        n += int64_t(k->string_at(i).size());
      }
    }
    if (nested) n += int64_t(nested_parts[size_t(i)].size());
    off[size_t(i) + 1] = uint32_t(off[size_t(i)] + n);
  }
  out.bytes.resize(off[size_t(rows)]);
  uint8_t* base = out.bytes.data();
  // Column by column (one type dispatch per column, not per value), each row's bytes
  // written at its cursor: per key a valid byte, then the value (a nested value's bytes
  // follow the last key).
  std::vector<uint32_t> at(off.begin(), off.end() - 1);
  auto valid_byte = [&](const Column* k, int64_t i) {
    bool valid = k->is_valid(i);
    base[at[size_t(i)]++] = valid ? 1 : 0;
    if (!valid) out.has_null[size_t(i)] = 1;
    return valid;
  };
  for (const Column* k : keys) {
    TypeId id = k->type().id();
    if (k->type().is_nested()) {
      for (int64_t i = 0; i < rows; ++i) valid_byte(k, i);
    } else if (is_var(*k)) {
      for (int64_t i = 0; i < rows; ++i) {
        bool valid = valid_byte(k, i);
        std::string_view s = valid ? k->string_at(i) : std::string_view();
        uint8_t* p = base + at[size_t(i)];
        uint32_t len = uint32_t(s.size());
        std::memcpy(p, &len, 4);
        if (len) std::memcpy(p + 4, s.data(), s.size());  // an empty view's data() may be null
        at[size_t(i)] += 4 + len;
      }
    } else if (id == TypeId::kFixedBinary || id == TypeId::kUuid) {
      size_t w = size_t(k->type().byte_width());
      for (int64_t i = 0; i < rows; ++i) {
        uint8_t* p = base + at[size_t(i)] + 1;
        if (valid_byte(k, i)) std::memcpy(p, k->fixed_at(i).data(), w);
        else std::memset(p, 0, w);
        at[size_t(i)] += uint32_t(w);
      }
    } else {
      bool done = visit_fixed_width(id, [&](auto tag) {
        using T = decltype(tag);
        const T* values = k->values<T>();
        for (int64_t i = 0; i < rows; ++i) {
          T v = valid_byte(k, i) ? normalize_key_value(values[i]) : T{};
          std::memcpy(base + at[size_t(i)], &v, sizeof(T));
          at[size_t(i)] += sizeof(T);
        }
      });
      FLOE_CHECK(done, "key column of type {}", k->type().to_string());
    }
  }
  for (int64_t i = 0; i < rows; ++i) {
    if (nested) {
      const std::string& s = nested_parts[size_t(i)];
      std::memcpy(base + at[size_t(i)], s.data(), s.size());
    }
    out.hashes[size_t(i)] = XXH3_64bits(base + off[size_t(i)], off[size_t(i) + 1] - off[size_t(i)]);
  }
}

namespace {

void append_nested_key(const Column& c, int64_t row, std::string& out) {
  // Nested values key by their children, recursively.
  std::vector<const Column*> kids;
  if (c.type().id() == TypeId::kStruct) {
    for (const auto& ch : c.children()) kids.push_back(&ch);
    EncodedKeys e;
    // Encode just this row: slice each child.
    std::vector<Column> slices;
    for (const auto* ch : kids) slices.push_back(ch->slice(row, 1));
    std::vector<const Column*> ptrs;
    for (auto& s : slices) ptrs.push_back(&s);
    encode_keys(ptrs, 1, e);
    out.append(e.key(0));
  } else {
    const int32_t* o = c.offsets();
    int32_t begin = o[row], end = o[row + 1];
    uint32_t n = uint32_t(end - begin);
    out.append(reinterpret_cast<const char*>(&n), 4);
    Column items = c.child(0).slice(begin, end - begin);
    EncodedKeys e;
    std::vector<const Column*> ptrs{&items};
    encode_keys(ptrs, end - begin, e);
    out.append(reinterpret_cast<const char*>(e.bytes.data()), e.bytes.size());
  }
}

}  // namespace

KeyTable::KeyTable() {
  // Small to start: there is a table per worker, grouping set and spilled partition, and
  // what it holds counts against the memory limit; doubling is cheap next to the inserts.
  slots_.assign(64, 0);
  mask_ = slots_.size() - 1;
  key_offsets_.push_back(0);
}

void KeyTable::reserve(size_t keys, size_t key_bytes) {
  hashes_.reserve(keys);
  key_offsets_.reserve(keys + 1);
  arena_.reserve(key_bytes);
  size_t slots = slots_.size();
  while (keys * 2 > slots) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

void KeyTable::grow() { rehash(slots_.size() * 2); }

void KeyTable::rehash(size_t slots) {
  std::vector<uint64_t> bigger(slots, 0);
  size_t mask = slots - 1;
  for (uint32_t id = 0; id < hashes_.size(); ++id) {
    uint64_t h = hashes_[id];
    size_t s = h & mask;
    while (bigger[s]) s = (s + 1) & mask;
    bigger[s] = (h & 0xffffffff00000000ull) | uint64_t(id + 1);
  }
  slots_.swap(bigger);
  mask_ = mask;
}

namespace {

// Key equality without a library call for the short keys that are the common case.
inline bool same_key(const uint8_t* a, const char* b, size_t n) {
  auto load8 = [](const void* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  if (n >= 8 && n <= 16)  // two overlapping 8-byte words
    return load8(a) == load8(b) && load8(a + n - 8) == load8(b + n - 8);
  if (n < 8) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] != uint8_t(b[i])) return false;
    return true;
  }
  return std::memcmp(a, b, n) == 0;
}

}  // namespace

bool KeyTable::key_equals(uint32_t id, std::string_view k) const {
  if (fixed_len_ >= 0) {
    return size_t(fixed_len_) == k.size() &&
           same_key(arena_.data() + size_t(id) * size_t(fixed_len_), k.data(), k.size());
  }
  uint64_t b = key_offsets_[id], e = key_offsets_[id + 1];
  return e - b == k.size() && same_key(arena_.data() + b, k.data(), k.size());
}

uint32_t KeyTable::find_or_insert(std::string_view k, uint64_t h, bool& inserted) {
  size_t s = h & mask_;
  const uint64_t tag = h & 0xffffffff00000000ull;
  while (uint64_t v = slots_[s]) {
    if ((v & 0xffffffff00000000ull) == tag) {
      uint32_t id = uint32_t(v) - 1;
      if (key_equals(id, k)) {
        inserted = false;
        return id;
      }
    }
    s = (s + 1) & mask_;
  }
  uint32_t id = uint32_t(hashes_.size());
  slots_[s] = tag | uint64_t(id + 1);
  hashes_.push_back(h);
  if (id == 0) fixed_len_ = int64_t(k.size());
  else if (fixed_len_ != int64_t(k.size())) fixed_len_ = -1;
  arena_.append(k.data(), k.size());
  key_offsets_.push_back(arena_.size());
  inserted = true;
  if (hashes_.size() * 2 > slots_.size()) grow();
  return id;
}

int64_t KeyTable::find(std::string_view k, uint64_t h) const {
  size_t s = h & mask_;
  const uint64_t tag = h & 0xffffffff00000000ull;
  while (uint64_t v = slots_[s]) {
    if ((v & 0xffffffff00000000ull) == tag) {
      uint32_t id = uint32_t(v) - 1;
      if (key_equals(id, k)) return id;
    }
    s = (s + 1) & mask_;
  }
  return -1;
}

// Rows ahead whose slot is prefetched, and (half as far) whose first candidate key is: a
// probe of a table larger than the caches waits on memory, and several probes in flight
// overlap those waits.
constexpr size_t kSlotsAhead = 16, kKeysAhead = 8;

void KeyTable::prefetch_key_of(uint64_t h) const {
  uint64_t v = slots_[h & mask_];
  if (!v) return;
  uint32_t id = uint32_t(v) - 1;
  if (fixed_len_ >= 0) floe::prefetch(arena_.data() + size_t(id) * size_t(fixed_len_));
  else floe::prefetch(&key_offsets_[id]);
}

void KeyTable::find_all(const EncodedKeys& enc, int64_t* ids) const {
  const size_t n = enc.rows();
  for (size_t i = 0; i < n; ++i) {
    if (i + kSlotsAhead < n) floe::prefetch(&slots_[enc.hashes[i + kSlotsAhead] & mask_]);
    if (i + kKeysAhead < n) prefetch_key_of(enc.hashes[i + kKeysAhead]);
    ids[i] = find(enc.key(i), enc.hashes[i]);
  }
}

void KeyTable::find_or_insert_all(const EncodedKeys& enc, uint32_t* ids) {
  const size_t n = enc.rows();
  bool inserted;
  for (size_t i = 0; i < n; ++i) {
    if (i + kSlotsAhead < n) floe::prefetch(&slots_[enc.hashes[i + kSlotsAhead] & mask_]);
    if (i + kKeysAhead < n) prefetch_key_of(enc.hashes[i + kKeysAhead]);
    ids[i] = find_or_insert(enc.key(i), enc.hashes[i], inserted);
  }
}

size_t KeyTable::memory_bytes() const {
  return slots_.size() * 8 + hashes_.size() * 8 + key_offsets_.size() * 8 + arena_.capacity();
}

}  // namespace floe::exec
