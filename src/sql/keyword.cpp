#include "sql/keyword.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace floe::sql {
namespace {

constexpr size_t kKeywordCount = 0
#define FLOE_SQL_KEYWORD_COUNT(name, spelling, reserved) +1
    FLOE_SQL_KEYWORDS(FLOE_SQL_KEYWORD_COUNT);
#undef FLOE_SQL_KEYWORD_COUNT

constexpr std::array<std::string_view, kKeywordCount> kSpellings = {
#define FLOE_SQL_KEYWORD_SPELLING(name, spelling, reserved) std::string_view(spelling),
    FLOE_SQL_KEYWORDS(FLOE_SQL_KEYWORD_SPELLING)
#undef FLOE_SQL_KEYWORD_SPELLING
};

constexpr std::array<bool, kKeywordCount> kReserved = {
#define FLOE_SQL_KEYWORD_RESERVED(name, spelling, reserved) reserved,
    FLOE_SQL_KEYWORDS(FLOE_SQL_KEYWORD_RESERVED)
#undef FLOE_SQL_KEYWORD_RESERVED
};

static_assert(std::is_sorted(kSpellings.begin(), kSpellings.end()),
              "FLOE_SQL_KEYWORDS must be sorted by spelling");

constexpr size_t kMaxKeywordLength = [] {
  size_t n = 0;
  for (std::string_view s : kSpellings) n = std::max(n, s.size());
  return n;
}();

// Upper-case spellings for messages, built at compile time from the lower-case ones.
struct UpperSpellings {
  std::array<std::array<char, kMaxKeywordLength + 1>, kKeywordCount> text{};
  constexpr UpperSpellings() {
    for (size_t i = 0; i < kKeywordCount; ++i) {
      for (size_t j = 0; j < kSpellings[i].size(); ++j) {
        char c = kSpellings[i][j];
        text[i][j] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      }
    }
  }
};
constexpr UpperSpellings kUpper;

// Lookup is by an open-addressing hash table over the lower-case spelling: one pass over
// the word, one comparison in the common case.
constexpr size_t kSlots = 1024;
static_assert(kSlots > 2 * kKeywordCount);

constexpr uint32_t hash_step(uint32_t h, char c) { return h * 31 + static_cast<unsigned char>(c); }

struct KeywordTable {
  std::array<uint16_t, kSlots> slot{};  // keyword index + 1; 0 for an empty slot
  constexpr KeywordTable() {
    for (size_t i = 0; i < kKeywordCount; ++i) {
      uint32_t h = 0;
      for (char c : kSpellings[i]) h = hash_step(h, c);
      size_t k = h & (kSlots - 1);
      while (slot[k] != 0) k = (k + 1) & (kSlots - 1);
      slot[k] = static_cast<uint16_t>(i + 1);
    }
  }
};
constexpr KeywordTable kTable;

}  // namespace

Keyword find_keyword(std::string_view word) {
  size_t n = word.size();
  if (n > kMaxKeywordLength || n == 0) return Keyword::kNone;
  const char* w = word.data();
  char lower[kMaxKeywordLength];
  uint32_t h = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = w[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    lower[i] = c;
    h = hash_step(h, c);
  }
  for (size_t k = h & (kSlots - 1);; k = (k + 1) & (kSlots - 1)) {
    uint16_t entry = kTable.slot[k];
    if (entry == 0) return Keyword::kNone;
    const std::string_view& candidate = kSpellings[entry - 1];
    if (candidate.size() == n && std::memcmp(candidate.data(), lower, n) == 0) {
      return static_cast<Keyword>(entry);
    }
  }
}

bool is_reserved(Keyword keyword) {
  if (keyword == Keyword::kNone) return false;
  return kReserved[static_cast<size_t>(keyword) - 1];
}

std::string_view keyword_name(Keyword keyword) {
  if (keyword == Keyword::kNone) return {};
  size_t i = static_cast<size_t>(keyword) - 1;
  return std::string_view(kUpper.text[i].data(), kSpellings[i].size());
}

}  // namespace floe::sql
