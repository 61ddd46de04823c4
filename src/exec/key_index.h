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

#include "base/prefetch.h"
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
  size_t rows() const { return hashes.size(); }
};

// Encodes rows [0, rows) of `keys` (of the types `layout` was made for) into `out`.
void encode_key_batch(const KeyLayout& layout, const std::vector<const columnar::Column*>& keys,
                      int64_t rows, KeyBatch& out);

// A hash table from keys to dense ids 0, 1, 2, ... in order of first appearance; packed keys
// live inline in open-addressed slots (one cache line read per probe), the others in a
// KeyTable beside them.
class KeyIndex {
 public:
  KeyIndex();
  // The id of row `i`'s key, inserting it when new (`inserted` says which).
  uint32_t find_or_insert(const KeyBatch& keys, size_t i, bool& inserted);
  // The id of row `i`'s key, or -1. Inline (as prefetch): probes from other files call it
  // once per row.
  int64_t find(const KeyBatch& keys, size_t i) const {
    int32_t r = keys.generic_row[i];
    if (r < 0) return find_packed(keys.packed[i], keys.hashes[i]);
    return generic_id(generic_.find(keys.generic.key(size_t(r)), keys.hashes[i]));
  }
  // find() of every row into ids[0 .. keys.rows()), with the memory reads overlapped.
  void find_all(const KeyBatch& keys, int64_t* ids) const;
  // find_or_insert() of a row's packed key (generic_row -1) or row-encoded key with its hash,
  // copied out of their KeyBatch: a partitioned build gathers each partition's keys so.
  uint32_t find_or_insert_packed(const PackedKey& k, uint64_t h, bool& inserted) {
    return insert_packed(k, h, inserted);
  }
  uint32_t find_or_insert_generic(std::string_view k, uint64_t h, bool& inserted) {
    return insert_generic(k, h, inserted);
  }
  // find_or_insert() of every row: ids[i] == size() before row i means it was inserted.
  void find_or_insert_all(const KeyBatch& keys, uint32_t* ids);
  // Room for `packed` packed keys and `generic` others of `generic_bytes` bytes in all
  // without growing (a join's build side knows its keys before it inserts).
  void reserve(size_t packed, size_t generic, size_t generic_bytes);
  // Starts loading the slot of row `i`'s key into the cache (the packed keys' slots or the
  // row-encoded keys' table, whichever holds it).
  void prefetch(const KeyBatch& keys, size_t i) const {
    prefetch_slot(keys.hashes[i], keys.generic_row[i] >= 0);
  }
  // Starts loading the slot of a key of hash `h`: row-encoded (`generic`) or packed.
  void prefetch_slot(uint64_t h, bool generic) const {
    if (generic) generic_.prefetch(h);
    else floe::prefetch(&slots_[h & mask_]);
  }
  // Starts loading the stored key a row-encoded key of hash `h` is first compared with
  // (after its slot has been loaded: a few rows after prefetch()).
  void prefetch_candidate(const KeyBatch& keys, size_t i) const {
    if (keys.generic_row[i] >= 0) generic_.prefetch_key_of(keys.hashes[i]);
  }
  size_t size() const { return size_; }
  size_t memory_bytes() const;

  // Calls fn(id_in_other, this_id or -1) for every key of `other` (the same key types):
  // how one table finds another's groups without the rows they came from.
  template <typename Fn>
  void for_each_in(const KeyIndex& other, Fn&& fn) const {
    for (const Slot& s : other.slots_)
      if (s.id1) fn(s.id1 - 1, find_packed(s.key, hash_packed(s.key)));
    for (uint32_t g = 0; g < other.generic_.size(); ++g)
      fn(other.generic_ids_[g],
         generic_id(generic_.find(other.generic_.key(g), other.generic_.hash(g))));
  }
  // Inserts every key of `other` in the order of its ids (so that new ids keep other's
  // order of first appearance); fn(id_in_other, this_id, inserted) for each.
  template <typename Fn>
  void insert_all_of(const KeyIndex& other, Fn&& fn) {
    std::vector<const Slot*> packed(other.size_, nullptr);
    for (const Slot& s : other.slots_)
      if (s.id1) packed[s.id1 - 1] = &s;
    std::vector<uint32_t> generic(other.size_, 0);
    for (uint32_t g = 0; g < other.generic_.size(); ++g) generic[other.generic_ids_[g]] = g;
    for (uint32_t id = 0; id < other.size_; ++id) {
      bool inserted;
      uint32_t mine;
      if (const Slot* s = packed[id]) {
        mine = insert_packed(s->key, hash_packed(s->key), inserted);
      } else {
        uint32_t g = generic[id];
        mine = insert_generic(other.generic_.key(g), other.generic_.hash(g), inserted);
      }
      fn(id, mine, inserted);
    }
  }

  static uint64_t hash_packed(const PackedKey& k);

  // A key of an index with its id and hash: how keys move between indexes a partition of
  // hashes at a time (hash aggregation merges its workers' tables so, in parallel).
  struct Entry {
    PackedKey key;         // when generic < 0
    uint64_t hash = 0;
    uint32_t id = 0;
    int32_t generic = -1;  // its row in the index's generic keys, or -1 when packed
  };
  // Calls fn(entry) for every key, in no particular order.
  template <typename Fn>
  void for_each_entry(Fn&& fn) const {
    for (const Slot& s : slots_)
      if (s.id1) fn(Entry{s.key, hash_packed(s.key), s.id1 - 1, -1});
    for (uint32_t g = 0; g < generic_.size(); ++g)
      fn(Entry{PackedKey{}, generic_.hash(g), generic_ids_[g], int32_t(g)});
  }
  // The bytes of a generic entry's key (e.generic >= 0).
  size_t generic_key_bytes(const Entry& e) const {
    return generic_.key(uint32_t(e.generic)).size();
  }
  // Starts loading the bytes of entry `e`'s row-encoded key (nothing for a packed key).
  void prefetch_entry_key(const Entry& e) const {
    if (e.generic >= 0) floe::prefetch(generic_.key(uint32_t(e.generic)).data());
  }
  // Inserts `e`, an entry of `from` (an index of the same key types); its id here.
  uint32_t insert_entry(const KeyIndex& from, const Entry& e, bool& inserted);

 private:
  struct Slot {
    PackedKey key;
    uint32_t id1 = 0;  // id + 1; 0 = empty
  };
  int64_t find_packed(const PackedKey& k, uint64_t h) const {
    for (size_t s = h & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (!slot.id1) return -1;
      if (slot.key == k) return int64_t(slot.id1) - 1;
    }
  }
  uint32_t insert_packed(const PackedKey& k, uint64_t h, bool& inserted);
  uint32_t insert_generic(std::string_view k, uint64_t h, bool& inserted);
  int64_t generic_id(int64_t g) const { return g < 0 ? -1 : int64_t(generic_ids_[size_t(g)]); }
  void rehash(size_t slots);  // a power of two

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t packed_ = 0;  // keys in slots_
  KeyTable generic_;
  std::vector<uint32_t> generic_ids_;  // generic_'s id -> id
  size_t size_ = 0;
};

}  // namespace floe::exec
