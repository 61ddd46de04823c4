#include "exec/row_keys.h"

#include <xxhash.h>

#include <cmath>
#include <cstring>

#include "base/error.h"
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

template <typename T>
T normalize(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (v == 0) return T(0);
    if (std::isnan(v)) return std::numeric_limits<T>::quiet_NaN();
  }
  return v;
}

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
  for (int64_t i = 0; i < rows; ++i) {
    uint8_t* p = base + off[size_t(i)];
    for (const Column* k : keys) {
      bool valid = k->is_valid(i);
      *p++ = valid ? 1 : 0;
      if (!valid) out.has_null[size_t(i)] = 1;
      TypeId id = k->type().id();
      if (k->type().is_nested()) {
        continue;
      } else if (is_var(*k)) {
        std::string_view s = valid ? k->string_at(i) : std::string_view();
        uint32_t len = uint32_t(s.size());
        std::memcpy(p, &len, 4);
        p += 4;
        std::memcpy(p, s.data(), s.size());
        p += s.size();
      } else if (id == TypeId::kFixedBinary || id == TypeId::kUuid) {
        int w = k->type().byte_width();
        if (valid) std::memcpy(p, k->fixed_at(i).data(), size_t(w));
        else std::memset(p, 0, size_t(w));
        p += w;
      } else {
        bool done = visit_fixed_width(id, [&](auto tag) {
          using T = decltype(tag);
          T v = valid ? normalize(k->value<T>(i)) : T{};
          std::memcpy(p, &v, sizeof(T));
          p += sizeof(T);
        });
        FLOE_CHECK(done, "key column of type {}", k->type().to_string());
      }
    }
    if (nested) {
      const std::string& s = nested_parts[size_t(i)];
      std::memcpy(p, s.data(), s.size());
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

void KeyTable::grow() {
  std::vector<uint64_t> bigger(slots_.size() * 2, 0);
  size_t mask = bigger.size() - 1;
  for (uint32_t id = 0; id < hashes_.size(); ++id) {
    uint64_t h = hashes_[id];
    size_t s = h & mask;
    while (bigger[s]) s = (s + 1) & mask;
    bigger[s] = (h & 0xffffffff00000000ull) | uint64_t(id + 1);
  }
  slots_.swap(bigger);
  mask_ = mask;
}

uint32_t KeyTable::find_or_insert(std::string_view k, uint64_t h, bool& inserted) {
  size_t s = h & mask_;
  const uint64_t tag = h & 0xffffffff00000000ull;
  while (uint64_t v = slots_[s]) {
    if ((v & 0xffffffff00000000ull) == tag) {
      uint32_t id = uint32_t(v) - 1;
      if (key(id) == k) {
        inserted = false;
        return id;
      }
    }
    s = (s + 1) & mask_;
  }
  uint32_t id = uint32_t(hashes_.size());
  slots_[s] = tag | uint64_t(id + 1);
  hashes_.push_back(h);
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
      if (key(id) == k) return id;
    }
    s = (s + 1) & mask_;
  }
  return -1;
}

size_t KeyTable::memory_bytes() const {
  return slots_.size() * 8 + hashes_.size() * 8 + key_offsets_.size() * 8 + arena_.capacity();
}

}  // namespace floe::exec
