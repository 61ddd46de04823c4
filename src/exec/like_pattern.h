// LIKE / ILIKE patterns: '%' matches any run of characters, '_' one character (one UTF-8
// code point), an escape character makes the next one literal. Layer: exec. A pattern is
// compiled once into literal runs, so the common shapes ('abc%', '%abc', '%abc%') match by
// prefix, suffix or substring search.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace floe::exec {

class LikePattern {
 public:
  // `escape` 0 for none. Throws InvalidInputError for a pattern ending in the escape.
  LikePattern(std::string_view pattern, char escape, bool case_insensitive);
  bool matches(std::string_view text) const;

 private:
  struct Token {
    enum Kind { kLiteral, kAnyOne, kAnyRun } kind;
    std::string literal;
  };
  std::vector<Token> tokens_;
  bool case_insensitive_;
  bool match_from(std::string_view text, size_t token) const;
};

}  // namespace floe::exec
