#include "exec/like_pattern.h"

#include <algorithm>

#include "base/error.h"

namespace floe::exec {

namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

size_t code_point_length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xe) return 3;
  if ((c >> 3) == 0x1e) return 4;
  return 1;
}

bool equal_at(std::string_view text, size_t pos, std::string_view lit, bool ci) {
  if (pos + lit.size() > text.size()) return false;
  if (!ci) return text.compare(pos, lit.size(), lit) == 0;
  for (size_t i = 0; i < lit.size(); ++i)
    if (fold(text[pos + i]) != lit[i]) return false;
  return true;
}

size_t find_from(std::string_view text, size_t pos, std::string_view lit, bool ci) {
  if (!ci) return text.find(lit, pos);
  for (size_t p = pos; p + lit.size() <= text.size(); ++p)
    if (equal_at(text, p, lit, true)) return p;
  return std::string_view::npos;
}

}  // namespace

LikePattern::LikePattern(std::string_view pattern, char escape, bool case_insensitive)
    : case_insensitive_(case_insensitive) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (escape && c == escape) {
      if (i + 1 >= pattern.size())
        throw InvalidInputError(fmt::format("LIKE pattern '{}' ends with its escape character",
                                            pattern));
      c = pattern[++i];
    } else if (c == '%') {
      if (tokens_.empty() || tokens_.back().kind != Token::kAnyRun)
        tokens_.push_back({Token::kAnyRun, {}});
      continue;
    } else if (c == '_') {
      tokens_.push_back({Token::kAnyOne, {}});
      continue;
    }
    if (tokens_.empty() || tokens_.back().kind != Token::kLiteral)
      tokens_.push_back({Token::kLiteral, {}});
    tokens_.back().literal += case_insensitive ? fold(c) : c;
  }
}

bool LikePattern::matches(std::string_view text) const { return match_from(text, 0); }

bool LikePattern::match_from(std::string_view text, size_t token) const {
  size_t pos = 0;
  for (size_t t = token; t < tokens_.size(); ++t) {
    const Token& tok = tokens_[t];
    if (tok.kind == Token::kLiteral) {
      if (!equal_at(text, pos, tok.literal, case_insensitive_)) return false;
      pos += tok.literal.size();
    } else if (tok.kind == Token::kAnyOne) {
      if (pos >= text.size()) return false;
      pos += code_point_length(static_cast<unsigned char>(text[pos]));
    } else {
      // A run: the rest of the pattern must match some suffix.
      if (t + 1 == tokens_.size()) return true;
      const Token& next = tokens_[t + 1];
      if (next.kind == Token::kLiteral) {
        // Last literal: it must end the text (fast path for '%abc').
        if (t + 2 == tokens_.size()) {
          if (text.size() < pos + next.literal.size()) return false;
          return equal_at(text, text.size() - next.literal.size(), next.literal,
                          case_insensitive_);
        }
        for (size_t p = find_from(text, pos, next.literal, case_insensitive_);
             p != std::string_view::npos;
             p = find_from(text, p + 1, next.literal, case_insensitive_)) {
          if (match_from(text.substr(p + next.literal.size()), t + 2)) return true;
        }
        return false;
      }
      for (size_t p = pos; p <= text.size(); ++p)
        if (match_from(text.substr(p), t + 1)) return true;
      return false;
    }
  }
  return pos == text.size();
}

}  // namespace floe::exec
