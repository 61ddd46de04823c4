#include "sql/lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "base/utf8.h"
#include "sql/syntax_error.h"

namespace floe::sql {
namespace {

// Character classes, one table lookup per byte.
enum : uint8_t { kDigit = 1, kWordStart = 2, kWordChar = 4, kHex = 8, kBlank = 16 };

struct CharClassTable {
  uint8_t of[256];  // a plain array: indexing it is no call, even in Debug builds
};

constexpr CharClassTable kCharClass = [] {
  CharClassTable t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t v = 0;
    bool digit = c >= '0' && c <= '9';
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (digit) v |= kDigit | kWordChar | kHex;
    if (alpha || c == '_' || c >= 0x80) v |= kWordStart | kWordChar;
    if (c == '$') v |= kWordChar;
    if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHex;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') v |= kBlank;
    t.of[c] = v;
  }
  return t;
}();

// always_inline: a call per byte would dominate Debug builds.
[[gnu::always_inline]] inline bool has_class(char c, uint8_t cls) {
  return (kCharClass.of[static_cast<unsigned char>(c)] & cls) != 0;
}
[[gnu::always_inline]] inline bool is_digit(char c) { return has_class(c, kDigit); }
bool is_hex(char c) { return has_class(c, kHex); }
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The lexer works on the raw bytes (s_[i]) rather than through string_view's accessors:
// Debug builds run the sqllogictest corpus through it.
class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source), s_(source.data()), n_(source.size()) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    tokens.reserve(n_ / 2 + 2);  // SQLite's corpus has about one token per two bytes
    SourcePos end_pos;           // just after the last token: where "end of input" is reported
    while (true) {
      skip_blanks_and_comments();
      if (i_ >= n_) break;
      tokens.push_back(next());
      end_pos = position_at(i_);
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.pos = end_pos;
    end.text = std::string_view(s_ + n_, 0);
    tokens.push_back(end);
    return tokens;
  }

 private:
  // The position of byte `offset`, which lies on the current line.
  [[gnu::always_inline]] SourcePos position_at(size_t offset) const {
    SourcePos p;
    p.offset = static_cast<int32_t>(offset);
    p.line = line_;
    p.column = static_cast<int32_t>(offset - line_start_ - continuations_ + 1);
    return p;
  }

  // Accounts for the newlines and multi-byte characters in [from, to) once the cursor
  // has moved past them.
  void track(size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      char c = s_[k];
      if (c == '\n') {
        ++line_;
        line_start_ = k + 1;
        continuations_ = 0;
      } else if (is_continuation(c)) {
        ++continuations_;
      }
    }
  }

  [[noreturn]] void fail(SourcePos pos, std::string_view message) const {
    throw_syntax_error(src_, pos, message);
  }

  [[gnu::always_inline]] char at(size_t k) const { return k < n_ ? s_[k] : '\0'; }

  void skip_blanks_and_comments() {
    while (i_ < n_) {
      char c = s_[i_];
      if (has_class(c, kBlank)) {
        ++i_;
      } else if (c == '\n') {
        ++i_;
        ++line_;
        line_start_ = i_;
        continuations_ = 0;
      } else if (c == '-' && at(i_ + 1) == '-') {
        size_t from = i_;
        while (i_ < n_ && s_[i_] != '\n') ++i_;
        track(from, i_);
      } else if (c == '/' && at(i_ + 1) == '*') {
        SourcePos start = position_at(i_);
        size_t close = src_.find("*/", i_ + 2);
        if (close == std::string_view::npos) {
          fail(start, "expected */ to close the comment that starts here, found end of input");
        }
        size_t from = i_;
        i_ = close + 2;
        track(from, i_);
      } else {
        return;
      }
    }
  }

  Token make(TokenKind kind, size_t start, SourcePos pos) const {
    Token t;
    t.kind = kind;
    t.text = std::string_view(s_ + start, i_ - start);
    t.pos = pos;
    return t;
  }

  Token next() {
    size_t start = i_;
    SourcePos pos = position_at(i_);
    char c = s_[i_];
    char n = at(i_ + 1);

    if (has_class(c, kWordStart)) {
      // file:///path/*.csv (PUT and GET): one token up to the next blank, so that a glob's
      // /* does not open a comment.
      if ((c == 'f' || c == 'F') && n_ - i_ > 7 && (src_.substr(i_, 7) == "file://" || src_.substr(i_, 7) == "FILE://")) {
        while (i_ < n_ && !std::isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != ';') ++i_;
        track(start, i_);
        return make(TokenKind::kFileUri, start, pos);
      }
      if ((c == 'e' || c == 'E') && n == '\'') return quoted_string(TokenKind::kEscapeString, 1);
      if ((c == 'x' || c == 'X') && n == '\'') return quoted_string(TokenKind::kBlob, 1);
      bool wide = false;
      while (i_ < n_ && has_class(s_[i_], kWordChar)) {
        wide |= static_cast<unsigned char>(s_[i_]) >= 0x80;
        ++i_;
      }
      if (wide) track(start, i_);
      Token t = make(TokenKind::kIdentifier, start, pos);
      t.keyword = find_keyword(t.text);
      return t;
    }
    if (is_digit(c) || (c == '.' && is_digit(n))) return number();

    switch (c) {
      case '\'': return quoted_string(TokenKind::kString, 0);
      case '"': return quoted_identifier('"');
      case '`': return quoted_identifier('`');
      case '$': return dollar();
      case '@': {
        ++i_;
        while (i_ < n_ && !std::isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != '(' &&
               s_[i_] != ')' && s_[i_] != ',' && s_[i_] != ';' && s_[i_] != '\'')
          ++i_;
        if (i_ == start + 1) fail(pos, "expected a stage name after '@'");
        track(start, i_);
        return make(TokenKind::kStage, start, pos);
      }
      case '?': {
        ++i_;
        while (i_ < n_ && is_digit(s_[i_])) ++i_;
        return make(TokenKind::kParameter, start, pos);
      }
      default: break;
    }

    TokenKind kind;
    size_t len = 1;
    switch (c) {
      case '(': kind = TokenKind::kLeftParen; break;
      case ')': kind = TokenKind::kRightParen; break;
      case '[': kind = TokenKind::kLeftBracket; break;
      case ']': kind = TokenKind::kRightBracket; break;
      case '{': kind = TokenKind::kLeftBrace; break;
      case '}': kind = TokenKind::kRightBrace; break;
      case ',': kind = TokenKind::kComma; break;
      case ';': kind = TokenKind::kSemicolon; break;
      case '.': kind = TokenKind::kDot; break;
      case '+': kind = TokenKind::kPlus; break;
      case '*': kind = TokenKind::kStar; break;
      case '/': kind = TokenKind::kSlash; break;
      case '%': kind = TokenKind::kPercent; break;
      case '&': kind = TokenKind::kBitAnd; break;
      case '^': kind = TokenKind::kBitXor; break;
      case '~': kind = TokenKind::kBitNot; break;
      case ':':
        kind = n == ':' ? TokenKind::kDoubleColon : TokenKind::kColon;
        len = n == ':' ? 2 : 1;
        break;
      case '-':
        kind = n == '>' ? TokenKind::kThinArrow : TokenKind::kMinus;
        len = n == '>' ? 2 : 1;
        break;
      case '|':
        kind = n == '|' ? TokenKind::kConcat : TokenKind::kBitOr;
        len = n == '|' ? 2 : 1;
        break;
      case '=':
        if (n == '>') {
          kind = TokenKind::kFatArrow;
          len = 2;
        } else {
          kind = TokenKind::kEqual;
          len = n == '=' ? 2 : 1;
        }
        break;
      case '!':
        if (n != '=') fail(pos, fmt::format("expected an SQL token, found {}", quote_found("!")));
        kind = TokenKind::kNotEqual;
        len = 2;
        break;
      case '<':
        if (n == '>') {
          kind = TokenKind::kNotEqual;
          len = 2;
        } else if (n == '=') {
          kind = TokenKind::kLessEqual;
          len = 2;
        } else if (n == '<') {
          kind = TokenKind::kShiftLeft;
          len = 2;
        } else {
          kind = TokenKind::kLess;
        }
        break;
      case '>':
        if (n == '=') {
          kind = TokenKind::kGreaterEqual;
          len = 2;
        } else if (n == '>') {
          kind = TokenKind::kShiftRight;
          len = 2;
        } else {
          kind = TokenKind::kGreater;
        }
        break;
      default: {
        size_t width = std::min(utf8_sequence_length(static_cast<unsigned char>(c)), n_ - i_);
        fail(pos,
             fmt::format("expected an SQL token, found {}", quote_found(src_.substr(i_, width))));
      }
    }
    i_ += len;
    return make(kind, start, pos);
  }

  Token number() {
    size_t start = i_;
    SourcePos pos = position_at(i_);
    TokenKind kind = TokenKind::kInteger;
    while (i_ < n_ && has_class(s_[i_], kDigit)) ++i_;
    if (i_ < n_ && s_[i_] == '.') {
      kind = TokenKind::kDecimal;
      ++i_;
      while (i_ < n_ && is_digit(s_[i_])) ++i_;
    }
    if (i_ < n_ && (s_[i_] == 'e' || s_[i_] == 'E')) {
      size_t k = i_ + 1;
      if (k < n_ && (s_[k] == '+' || s_[k] == '-')) ++k;
      if (k < n_ && is_digit(s_[k])) {
        kind = TokenKind::kFloat;
        i_ = k;
        while (i_ < n_ && is_digit(s_[i_])) ++i_;
      }
    }
    if (i_ < n_ && (has_class(s_[i_], kWordChar) || s_[i_] == '.')) {
      // 12abc, 0x1F, 1e+, 1.2.3: not a number floe reads.
      size_t end = i_;
      while (end < n_ &&
             (has_class(s_[end], kWordChar) || s_[end] == '.' ||
              ((s_[end] == '+' || s_[end] == '-') && (s_[end - 1] == 'e' || s_[end - 1] == 'E')))) {
        ++end;
      }
      fail(pos, fmt::format("expected a number, found {}",
                            quote_found(src_.substr(start, end - start))));
    }
    return make(kind, start, pos);
  }

  // '...' with '' for a quote; E'...' also takes backslash escapes. `prefix` is the length
  // of the E / X before the quote.
  Token quoted_string(TokenKind kind, size_t prefix) {
    size_t start = i_;
    SourcePos pos = position_at(i_);
    bool backslash = kind == TokenKind::kEscapeString;
    size_t k = i_ + prefix + 1;
    while (true) {
      if (k >= n_) fail(pos, "expected ' to close the string that starts here, found end of input");
      char c = s_[k];
      if (backslash && c == '\\' && k + 1 < n_) {
        k += 2;
      } else if (c == '\'') {
        if (k + 1 < n_ && s_[k + 1] == '\'') {
          k += 2;
        } else {
          ++k;
          break;
        }
      } else {
        ++k;
      }
    }
    i_ = k;
    track(start, i_);
    return make(kind, start, pos);
  }

  Token quoted_identifier(char quote) {
    size_t start = i_;
    SourcePos pos = position_at(i_);
    size_t k = i_ + 1;
    while (true) {
      if (k >= n_) {
        fail(pos, fmt::format("expected {} to close the identifier that starts here, found end "
                              "of input",
                              quote));
      }
      if (s_[k] == quote) {
        if (k + 1 < n_ && s_[k + 1] == quote) {
          k += 2;
          continue;
        }
        ++k;
        break;
      }
      ++k;
    }
    i_ = k;
    track(start, i_);
    if (i_ - start == 2) fail(pos, "expected a name between the quotes, found an empty name");
    return make(TokenKind::kQuotedIdentifier, start, pos);
  }

  Token dollar() {
    size_t start = i_;
    SourcePos pos = position_at(i_);
    size_t k = i_ + 1;
    if (k < n_ && is_digit(s_[k])) {
      while (k < n_ && is_digit(s_[k])) ++k;
      i_ = k;
      return make(TokenKind::kPositional, start, pos);
    }
    // $$..$$ or $tag$..$tag$
    while (k < n_ && s_[k] != '$' && has_class(s_[k], kWordChar)) ++k;
    if (k >= n_ || s_[k] != '$') {
      fail(pos, fmt::format("expected an SQL token, found {}", quote_found("$")));
    }
    std::string_view tag = src_.substr(start, k + 1 - start);
    size_t close = src_.find(tag, k + 1);
    if (close == std::string_view::npos) {
      fail(pos, fmt::format("expected {} to close the string that starts here, found end of input",
                            tag));
    }
    i_ = close + tag.size();
    track(start, i_);
    return make(TokenKind::kDollarString, start, pos);
  }

  std::string_view src_;
  const char* s_;
  size_t n_;
  size_t i_ = 0;
  int32_t line_ = 1;
  size_t line_start_ = 0;
  size_t continuations_ = 0;  // UTF-8 continuation bytes on the current line so far
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
  if (source.size() > static_cast<size_t>(INT32_MAX)) {
    throw_syntax_error({}, SourcePos{}, "expected a statement text under 2 GiB, found more");
  }
  return Lexer(source).run();
}

std::string identifier_name(const Token& token) {
  std::string out;
  std::string_view t = token.text;
  if (token.kind == TokenKind::kQuotedIdentifier) {
    char quote = t.front();
    out.reserve(t.size() - 2);
    for (size_t k = 1; k + 1 < t.size(); ++k) {
      out += t[k];
      if (t[k] == quote) ++k;  // a doubled quote stands for one
    }
    return out;
  }
  out.assign(t.data(), t.size());
  char* p = out.data();
  for (size_t k = 0, n = t.size(); k < n; ++k) {
    if (p[k] >= 'A' && p[k] <= 'Z') p[k] = static_cast<char>(p[k] - 'A' + 'a');
  }
  return out;
}

std::string string_value(std::string_view source, const Token& token) {
  std::string_view t = token.text;
  std::string out;
  switch (token.kind) {
    case TokenKind::kString: {
      std::string_view body = t.substr(1, t.size() - 2);
      out.reserve(body.size());
      for (size_t k = 0; k < body.size(); ++k) {
        out += body[k];
        if (body[k] == '\'') ++k;
      }
      return out;
    }
    case TokenKind::kDollarString: {
      size_t tag = t.find('$', 1) + 1;
      return std::string(t.substr(tag, t.size() - 2 * tag));
    }
    case TokenKind::kBlob: {
      std::string_view hex = t.substr(2, t.size() - 3);
      if (hex.size() % 2 != 0) {
        throw_syntax_error(
            source, token.pos,
            fmt::format("expected an even number of hex digits, found {}", quote_found(t)));
      }
      out.reserve(hex.size() / 2);
      for (size_t k = 0; k < hex.size(); k += 2) {
        if (!is_hex(hex[k]) || !is_hex(hex[k + 1])) {
          throw_syntax_error(source, token.pos,
                             fmt::format("expected hex digits, found {}", quote_found(t)));
        }
        out += static_cast<char>(hex_value(hex[k]) * 16 + hex_value(hex[k + 1]));
      }
      return out;
    }
    case TokenKind::kEscapeString: {
      std::string_view body = t.substr(2, t.size() - 3);
      out.reserve(body.size());
      for (size_t k = 0; k < body.size(); ++k) {
        char c = body[k];
        if (c == '\'') {
          out += '\'';
          ++k;
          continue;
        }
        if (c != '\\' || k + 1 >= body.size()) {
          out += c;
          continue;
        }
        char e = body[++k];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case '0': out += '\0'; break;
          case 'x':
          case 'u': {
            size_t digits = e == 'x' ? 2 : 4;
            uint32_t cp = 0;
            for (size_t d = 1; d <= digits; ++d) {
              if (k + d >= body.size() || !is_hex(body[k + d])) {
                throw_syntax_error(
                    source, token.pos,
                    fmt::format("expected {} hex digits after \\{}, found {}", digits, e,
                                quote_found(body.substr(
                                    k - 1, std::min(body.size() - k + 1, digits + 2)))));
              }
              cp = cp * 16 + static_cast<uint32_t>(hex_value(body[k + d]));
            }
            k += digits;
            if (e == 'x') {
              out += static_cast<char>(cp);
            } else {
              append_utf8(out, cp);
            }
            break;
          }
          default: out += e; break;  // \\, \', \" and any other character stand for it
        }
      }
      return out;
    }
    default: return std::string(t);
  }
}

}  // namespace floe::sql
