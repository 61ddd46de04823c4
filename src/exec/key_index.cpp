#include "exec/key_index.h"

// Inlined: a packed key is 16 bytes, where a call costs as much as the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cmath>
#include <cstring>

#include "base/error.h"
#include "base/short_copy.h"
#include "columnar/batch.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

constexpr size_t kPackedBytes = sizeof(PackedKey);

// The bytes a fixed-width key column takes in a packed key, or 0 when it never packs.
// Decimals of up to 18 digits fit an int64, so their low 8 bytes say everything.
int packed_width(const DataType& t) {
  if (t.id() == TypeId::kDecimal) return t.precision() <= 18 ? 8 : 16;
  int w = 0;
  if (!visit_fixed_width(t.id(), [&](auto tag) { w = int(sizeof(tag)); })) return 0;
  return w;
}


}  // namespace

KeyLayout KeyLayout::of(const std::vector<DataType>& types) {
  KeyLayout l;
  if (types.empty()) return l;
  size_t fixed = 0, strings = 0;
  for (const DataType& t : types) {
    if (t.is_variable_width()) {
      ++strings;
      continue;
    }
    int w = packed_width(t);
    if (w == 0) return {};
    fixed += size_t(w);
  }
  if (fixed > kPackedBytes) return {};
  // The strings share what the fixed-width values leave; each needs a length byte and room
  // for at least one more.
  size_t string_width = strings ? (kPackedBytes - fixed) / strings : 0;
  if (strings && string_width < 2) return {};
  size_t at = 0;
  for (const DataType& t : types) {
    size_t w = t.is_variable_width() ? string_width : size_t(packed_width(t));
    l.parts.push_back({t.id(), uint8_t(at), uint8_t(w)});
    at += w;
  }
  return l;
}

void encode_key_batch(const KeyLayout& layout, const std::vector<const Column*>& keys,
                      int64_t rows, KeyBatch& out) {
  const size_t n = size_t(rows);
  out.hashes.resize(n);
  if (!layout.packs()) {
    encode_keys(keys, rows, out.generic);
    out.packed.clear();
    out.generic_row.resize(n);
    for (size_t i = 0; i < n; ++i) out.generic_row[i] = int32_t(i);
    out.hashes = out.generic.hashes;
    out.has_null = out.generic.has_null;
    return;
  }
  FLOE_CHECK(layout.parts.size() == keys.size(), "key layout of {} columns for {} key columns",
             layout.parts.size(), keys.size());
  out.packed.assign(n, PackedKey{});
  out.has_null.assign(n, 0);
  // 1 for a row that does not pack (a NULL, or a string longer than its share).
  std::vector<uint8_t> unpacked(n, 0);
  uint8_t* base = reinterpret_cast<uint8_t*>(out.packed.data());
  for (size_t c = 0; c < keys.size(); ++c) {
    const Column& k = *keys[c];
    const KeyLayout::Part& part = layout.parts[c];
    FLOE_CHECK(k.type().id() == part.type, "key column {} is {}, its layout was made for another type",
               c, k.type().to_string());
    if (k.null_count() > 0) {
      for (size_t i = 0; i < n; ++i) {
        if (k.is_valid(int64_t(i))) continue;
        out.has_null[i] = 1;
        unpacked[i] = 1;
      }
    }
    uint8_t* at = base + part.offset;
    if (k.type().is_variable_width()) {
      const int32_t* o = k.offsets();
      const char* bytes = reinterpret_cast<const char*>(k.data_buffer().data());
      const size_t room = size_t(part.width) - 1;
      for (size_t i = 0; i < n; ++i, at += kPackedBytes) {
        size_t len = size_t(o[i + 1] - o[i]);
        if (len > room) {
          unpacked[i] = 1;
          continue;
        }
        at[0] = uint8_t(len);
        copy_short(at + 1, bytes + o[i], len);
      }
      continue;
    }
    if (part.type == TypeId::kDecimal && part.width == 8) {
      FLOE_CHECK(k.type().precision() <= 18, "DECIMAL({}) key packed as 8 bytes",
                 k.type().precision());
      const __int128* v = k.values<__int128>();
      for (size_t i = 0; i < n; ++i, at += kPackedBytes) {
        int64_t low = int64_t(v[i]);
        std::memcpy(at, &low, 8);
      }
      continue;
    }
    visit_fixed_width(part.type, [&](auto tag) {
      using T = decltype(tag);
      const T* v = k.values<T>();
      for (size_t i = 0; i < n; ++i, at += kPackedBytes) {
        T x = normalize_key_value(v[i]);
        std::memcpy(at, &x, sizeof(T));
      }
    });
  }
  out.generic_row.assign(n, -1);
  columnar::SelectionVector rest;
  for (size_t i = 0; i < n; ++i) {
    if (unpacked[i]) {
      out.generic_row[i] = int32_t(rest.size());
      rest.push_back(uint32_t(i));
    } else {
      out.hashes[i] = KeyIndex::hash_packed(out.packed[i]);
    }
  }
  if (rest.empty()) {
    out.generic = EncodedKeys{};
    return;
  }
  if (rest.size() == n) {
    encode_keys(keys, rows, out.generic);
  } else {
    std::vector<Column> taken;
    taken.reserve(keys.size());
    for (const Column* k : keys) taken.push_back(k->take(rest));
    std::vector<const Column*> ptrs;
    for (const Column& t : taken) ptrs.push_back(&t);
    encode_keys(ptrs, int64_t(rest.size()), out.generic);
  }
  for (size_t j = 0; j < rest.size(); ++j) out.hashes[rest[j]] = out.generic.hashes[j];
}

uint64_t KeyIndex::hash_packed(const PackedKey& k) { return XXH3_64bits(&k, sizeof(k)); }

KeyIndex::KeyIndex() {
  // Small to start, as KeyTable: there is one per worker, grouping set and partition.
  slots_.resize(64);
  mask_ = slots_.size() - 1;
}

void KeyIndex::reserve(size_t packed, size_t generic, size_t generic_bytes) {
  size_t slots = slots_.size();
  while (packed * 2 > slots) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
  if (generic) {
    generic_.reserve(generic, generic_bytes);
    generic_ids_.reserve(generic);
  }
}

void KeyIndex::rehash(size_t slots) {
  std::vector<Slot> bigger(slots);
  size_t mask = slots - 1;
  for (const Slot& old : slots_) {
    if (!old.id1) continue;
    size_t s = hash_packed(old.key) & mask;
    while (bigger[s].id1) s = (s + 1) & mask;
    bigger[s] = old;
  }
  slots_.swap(bigger);
  mask_ = mask;
}

uint32_t KeyIndex::insert_packed(const PackedKey& k, uint64_t h, bool& inserted) {
  size_t s = h & mask_;
  for (;; s = (s + 1) & mask_) {
    const Slot& slot = slots_[s];
    if (!slot.id1) break;
    if (slot.key == k) {
      inserted = false;
      return slot.id1 - 1;
    }
  }
  uint32_t id = uint32_t(size_++);
  slots_[s].key = k;
  slots_[s].id1 = id + 1;
  inserted = true;
  if (++packed_ * 2 > slots_.size()) rehash(slots_.size() * 2);
  return id;
}

uint32_t KeyIndex::insert_generic(std::string_view k, uint64_t h, bool& inserted) {
  uint32_t g = generic_.find_or_insert(k, h, inserted);
  if (inserted) generic_ids_.push_back(uint32_t(size_++));
  return generic_ids_[g];
}

uint32_t KeyIndex::find_or_insert(const KeyBatch& keys, size_t i, bool& inserted) {
  int32_t r = keys.generic_row[i];
  if (r < 0) return insert_packed(keys.packed[i], keys.hashes[i], inserted);
  return insert_generic(keys.generic.key(size_t(r)), keys.hashes[i], inserted);
}

uint32_t KeyIndex::insert_entry(const KeyIndex& from, const Entry& e, bool& inserted) {
  if (e.generic < 0) return insert_packed(e.key, e.hash, inserted);
  return insert_generic(from.generic_.key(uint32_t(e.generic)), e.hash, inserted);
}

// Rows ahead whose slot is prefetched, and (half as far) whose first candidate row-encoded
// key is: a probe of a table larger than the caches waits on memory, and several probes in
// flight overlap those waits.
constexpr size_t kSlotsAhead = 16, kKeysAhead = 8;

void KeyIndex::find_all(const KeyBatch& keys, int64_t* ids) const {
  const size_t n = keys.rows();
  if (keys.generic.rows() == 0) {  // every key packed: one slot read each
    for (size_t i = 0; i < n; ++i) {
      if (i + kSlotsAhead < n) prefetch_slot(keys.hashes[i + kSlotsAhead], false);
      ids[i] = find_packed(keys.packed[i], keys.hashes[i]);
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    if (i + kSlotsAhead < n) prefetch(keys, i + kSlotsAhead);
    if (i + kKeysAhead < n) prefetch_candidate(keys, i + kKeysAhead);
    ids[i] = find(keys, i);
  }
}

void KeyIndex::find_or_insert_all(const KeyBatch& keys, uint32_t* ids) {
  const size_t n = keys.rows();
  bool inserted;
  for (size_t i = 0; i < n; ++i) {
    if (i + kSlotsAhead < n) prefetch(keys, i + kSlotsAhead);
    if (i + kKeysAhead < n) prefetch_candidate(keys, i + kKeysAhead);
    ids[i] = find_or_insert(keys, i, inserted);
  }
}

size_t KeyIndex::memory_bytes() const {
  return slots_.capacity() * sizeof(Slot) + generic_.memory_bytes() +
         generic_ids_.capacity() * sizeof(uint32_t);
}

}  // namespace floe::exec
