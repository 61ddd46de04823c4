// Key index: the hash table grouping and hash joins find rows' keys in. Keys of narrow
// columns (integers, dates, timestamps, decimals, booleans, floats, short strings) are packed
// into 16 bytes and compared as two words; the rest (a NULL in some key column, a string too
// long for its share, or a key type that never packs) go through the row encoder of
// row_keys.h. Whether a key packs depends only on its value and the key columns' types, so
// every batch (and both sides of a join with the same key types) hash the same key alike.
// Layer: exec.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/column.h"
#include "exec/row_keys.h"

namespace floe::exec {

// A key packed into two words (unused bytes zero).
struct PackedKey {
  uint64_t lo = 0, hi = 0;
  bool operator==(const PackedKey&) const = default;
};

// Where each key column goes in a packed key: fixed-width values at their offset, strings as
// a length byte and up to `width - 1` bytes. Empty when the columns' keys never pack.
struct KeyLayout {
  struct Part {
    columnar::TypeId type;
    uint8_t offset;
    uint8_t width;  // bytes of the value (strings: with the length byte)
    bool operator==(const Part&) const = default;
  };
  std::vector<Part> parts;
  bool narrow = false;  // the values take at most 8 bytes (the high word stays zero)
  bool packs() const { return !parts.empty(); }
  bool operator==(const KeyLayout&) const = default;

  // The layout for key columns of `types` (in key order).
  static KeyLayout of(const std::vector<columnar::DataType>& types);
};

// The keys of a batch's rows: packed where the layout allows, row-encoded otherwise.
struct KeyBatch {
  std::vector<PackedKey> packed;     // per row; meaningful where generic_row is -1
  std::vector<int32_t> generic_row;  // per row: its row in `generic`, or -1
  EncodedKeys generic;               // the rows that do not pack, in row order
  std::vector<uint64_t> hashes;      // per row
  std::vector<uint8_t> has_null;     // per row: 1 when some key column is NULL
  bool narrow = false;               // the layout's, see KeyLayout
  size_t rows() const { return hashes.size(); }
};

// Encodes rows [0, rows) of `keys` (of the types `layout` was made for) into `out`.
void encode_key_batch(const KeyLayout& layout, const std::vector<const columnar::Column*>& keys,
                      int64_t rows, KeyBatch& out);

// A hash table from keys to dense ids 0, 1, 2, ... in order of first appearance; packed keys
// live inline in open-addressed slots (one cache line read per probe; 16 bytes a slot for keys
// of up to 8 bytes, 24 for wider ones), the others in a KeyTable beside them.
class KeyIndex {
 public:
  // The id of row `i`'s key, inserting it when new (`inserted` says which).
  uint32_t find_or_insert(const KeyBatch& keys, size_t i, bool& inserted);
  // The id of row `i`'s key, or -1.
  int64_t find(const KeyBatch& keys, size_t i) const;
  // find() of every row into ids[0 .. keys.rows()), with the memory reads overlapped.
  void find_all(const KeyBatch& keys, int64_t* ids) const;
  // find_or_insert() of every row: ids[i] == size() before row i means it was inserted.
  void find_or_insert_all(const KeyBatch& keys, uint32_t* ids);
  // Room for every row of `keys` to be a new key without growing (a join's build side knows
  // its keys before it inserts).
  void reserve(const KeyBatch& keys);
  // Room for every packed key of `other` to be new here (before merging it in).
  void reserve_for(const KeyIndex& other);
  // Starts loading the slot of row `i`'s key into the cache.
  void prefetch(const KeyBatch& keys, size_t i) const {
    if (keys.narrow) narrow_.prefetch(keys.hashes[i]);
    else wide_.prefetch(keys.hashes[i]);
  }
  size_t size() const { return size_; }
  size_t memory_bytes() const;

  // Calls fn(id_in_other, this_id or -1) for every key of `other` (the same key types):
  // how one table finds another's groups without the rows they came from.
  template <typename Fn>
  void for_each_in(const KeyIndex& other, Fn&& fn) const {
    for (const auto& s : other.narrow_.slots)
      if (s.id1) fn(s.id1 - 1, narrow_.find(s.key, hash_of(s.key)));
    for (const auto& s : other.wide_.slots)
      if (s.id1) fn(s.id1 - 1, wide_.find(s.key, hash_of(s.key)));
    for (uint32_t g = 0; g < other.generic_.size(); ++g)
      fn(other.generic_ids_[g],
         generic_id(generic_.find(other.generic_.key(g), other.generic_.hash(g))));
  }
  // Inserts every key of `other` in the order of its ids (so that new ids keep other's
  // order of first appearance); fn(id_in_other, this_id, inserted) for each.
  template <typename Fn>
  void insert_all_of(const KeyIndex& other, Fn&& fn) {
    reserve_for(other);
    // Where each of other's ids is: 1 + its slot in narrow_, -(1 + its slot in wide_), or 0
    // (generic, found through `generic`).
    std::vector<int64_t> where(other.size_, 0);
    for (size_t i = 0; i < other.narrow_.slots.size(); ++i)
      if (uint32_t id1 = other.narrow_.slots[i].id1) where[id1 - 1] = int64_t(i) + 1;
    for (size_t i = 0; i < other.wide_.slots.size(); ++i)
      if (uint32_t id1 = other.wide_.slots[i].id1) where[id1 - 1] = -int64_t(i) - 1;
    std::vector<uint32_t> generic(other.size_, 0);
    for (uint32_t g = 0; g < other.generic_.size(); ++g) generic[other.generic_ids_[g]] = g;
    for (uint32_t id = 0; id < other.size_; ++id) {
      bool inserted;
      uint32_t mine;
      if (int64_t w = where[id]; w > 0) {
        uint64_t k = other.narrow_.slots[size_t(w - 1)].key;
        mine = insert_packed(narrow_, k, hash_of(k), inserted);
      } else if (w < 0) {
        const PackedKey& k = other.wide_.slots[size_t(-w - 1)].key;
        mine = insert_packed(wide_, k, hash_of(k), inserted);
      } else {
        uint32_t g = generic[id];
        mine = insert_generic(other.generic_.key(g), other.generic_.hash(g), inserted);
      }
      fn(id, mine, inserted);
    }
  }

  // The hash of a packed key (of a narrow one: its one word, the other zero).
  static uint64_t hash_of(const PackedKey& k);
  static uint64_t hash_of(uint64_t narrow) { return hash_of(PackedKey{narrow, 0}); }

 private:
  // Open addressing with linear probing, at most half full.
  template <typename K>
  struct Slots {
    struct Slot {
      K key{};
      uint32_t id1 = 0;  // id + 1; 0 = empty
    };
    // Small to start, as KeyTable: there is one per worker, grouping set and partition.
    std::vector<Slot> slots = std::vector<Slot>(64);
    size_t mask = 63;
    size_t count = 0;

    int64_t find(const K& k, uint64_t h) const {
      for (size_t s = h & mask;; s = (s + 1) & mask) {
        const Slot& slot = slots[s];
        if (!slot.id1) return -1;
        if (slot.key == k) return int64_t(slot.id1) - 1;
      }
    }
    void prefetch(uint64_t h) const { __builtin_prefetch(&slots[h & mask]); }
    void reserve(size_t keys) {
      size_t n = slots.size();
      while (keys * 2 > n) n *= 2;
      if (n > slots.size()) rehash(n);
    }
    void rehash(size_t n) {  // a power of two
      std::vector<Slot> bigger(n);
      size_t m = n - 1;
      for (const Slot& old : slots) {
        if (!old.id1) continue;
        size_t s = hash_of(old.key) & m;
        while (bigger[s].id1) s = (s + 1) & m;
        bigger[s] = old;
      }
      slots.swap(bigger);
      mask = m;
    }
  };

  template <typename K>
  uint32_t insert_packed(Slots<K>& t, const K& k, uint64_t h, bool& inserted) {
    size_t s = h & t.mask;
    for (;; s = (s + 1) & t.mask) {
      const auto& slot = t.slots[s];
      if (!slot.id1) break;
      if (slot.key == k) {
        inserted = false;
        return slot.id1 - 1;
      }
    }
    uint32_t id = uint32_t(size_++);
    t.slots[s].key = k;
    t.slots[s].id1 = id + 1;
    inserted = true;
    if (++t.count * 2 > t.slots.size()) t.rehash(t.slots.size() * 2);
    return id;
  }
  uint32_t insert_generic(std::string_view k, uint64_t h, bool& inserted);
  int64_t generic_id(int64_t g) const { return g < 0 ? -1 : int64_t(generic_ids_[size_t(g)]); }

  Slots<uint64_t> narrow_;  // keys of layouts of up to 8 bytes
  Slots<PackedKey> wide_;
  KeyTable generic_;
  std::vector<uint32_t> generic_ids_;  // generic_'s id -> id
  size_t size_ = 0;
};

}  // namespace floe::exec
