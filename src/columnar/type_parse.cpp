#include "columnar/type_parse.h"

#include <cctype>
#include <string>

#include "base/error.h"

namespace floe::columnar {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool at_end() {
    skip_ws();
    return pos_ >= s_.size();
  }
  bool accept(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(fmt::format("'{}'", c));
  }
  [[noreturn]] void fail(const std::string& expected) {
    skip_ws();
    std::string got = pos_ < s_.size() ? fmt::format("'{}'", s_.substr(pos_, 12)) : "the end";
    throw InvalidInputError(
        fmt::format("at position {} of '{}': expected {}, got {}", pos_ + 1, s_, expected, got));
  }
  std::string word() {
    skip_ws();
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '"') {  // quoted identifier
      ++pos_;
      std::string out;
      while (pos_ < s_.size()) {
        if (s_[pos_] == '"') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
            out += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          return out;
        }
        out += s_[pos_++];
      }
      pos_ = start;
      fail("a closing '\"'");
    }
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
      ++pos_;
    if (pos_ == start) fail("a name");
    return std::string(s_.substr(start, pos_ - start));
  }
  int number() {
    skip_ws();
    size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ == start || pos_ - start > 9) fail("a number");
    return std::stoi(std::string(s_.substr(start, pos_ - start)));
  }
  bool peek_word(std::string_view w) {
    skip_ws();
    size_t save = pos_;
    if (pos_ >= s_.size() || !std::isalpha(static_cast<unsigned char>(s_[pos_]))) return false;
    std::string got = upper(word());
    pos_ = save;
    return got == w;
  }
  static std::string upper(std::string s) {
    for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }

  Field field() {
    std::string name = word();
    DataType t = type();
    bool nullable = true;
    if (peek_word("NOT")) {
      word();
      if (!peek_word("NULL")) fail("NULL after NOT");
      word();
      nullable = false;
    } else if (peek_word("NULL")) {
      word();
    }
    return Field(name, t, nullable);
  }

  DataType type() {
    size_t start = pos_;
    std::string w = upper(word());
    auto time_unit = [&](TimeUnit dflt) {
      if (accept('(')) {
        int p = number();
        expect(')');
        if (p <= 3) return TimeUnit::kMilli;
        if (p <= 6) return TimeUnit::kMicro;
        return TimeUnit::kNano;
      }
      return dflt;
    };
    if (w == "BOOLEAN" || w == "BOOL") return DataType(TypeId::kBoolean);
    if (w == "TINYINT") return DataType(TypeId::kInt8);
    if (w == "SMALLINT" || w == "INT2") return DataType(TypeId::kInt16);
    if (w == "INT" || w == "INTEGER" || w == "INT4") return DataType(TypeId::kInt32);
    if (w == "BIGINT" || w == "LONG" || w == "INT8") return DataType(TypeId::kInt64);
    if (w == "UTINYINT") return DataType(TypeId::kUInt8);
    if (w == "USMALLINT") return DataType(TypeId::kUInt16);
    if (w == "UINTEGER") return DataType(TypeId::kUInt32);
    if (w == "UBIGINT") return DataType(TypeId::kUInt64);
    if (w == "FLOAT" || w == "REAL" || w == "FLOAT4") return DataType(TypeId::kFloat32);
    if (w == "DOUBLE" || w == "FLOAT8") {
      if (peek_word("PRECISION")) word();
      return DataType(TypeId::kFloat64);
    }
    if (w == "DECIMAL" || w == "NUMERIC" || w == "NUMBER") {
      int p = 38, sc = 0;
      if (accept('(')) {
        p = number();
        if (accept(',')) sc = number();
        expect(')');
      }
      if (p < 1 || p > 38 || sc > p) {
        pos_ = start;
        fail("DECIMAL(precision 1..38, scale <= precision)");
      }
      return DataType::decimal(p, sc);
    }
    if (w == "VARCHAR" || w == "STRING" || w == "TEXT" || w == "CHAR") {
      if (accept('(')) {
        number();
        expect(')');
      }
      return DataType(TypeId::kString);
    }
    if (w == "BINARY" || w == "VARBINARY" || w == "BLOB" || w == "BYTEA") {
      if (accept('(')) {
        int n = number();
        expect(')');
        if (w == "BINARY") return DataType::fixed_binary(n);
      }
      return DataType(TypeId::kBinary);
    }
    if (w == "FIXED") {
      bool bracket = accept('[');
      if (!bracket) expect('(');
      int n = number();
      expect(bracket ? ']' : ')');
      return DataType::fixed_binary(n);
    }
    if (w == "DATE") return DataType(TypeId::kDate);
    if (w == "TIME") return DataType::time(time_unit(TimeUnit::kMicro));
    if (w == "TIMESTAMP" || w == "DATETIME" || w == "TIMESTAMP_NTZ") {
      TimeUnit u = time_unit(TimeUnit::kMicro);
      if (peek_word("WITH")) {
        word();
        if (!peek_word("TIME")) fail("TIME ZONE");
        word();
        if (!peek_word("ZONE")) fail("ZONE");
        word();
        return DataType::timestamp_tz(u);
      }
      if (peek_word("WITHOUT")) {
        word();
        word();
        word();
      }
      return DataType::timestamp(u);
    }
    if (w == "TIMESTAMPTZ" || w == "TIMESTAMP_TZ" || w == "TIMESTAMP_LTZ")
      return DataType::timestamp_tz(time_unit(TimeUnit::kMicro));
    if (w == "TIMESTAMP_NS") return DataType::timestamp(TimeUnit::kNano);
    if (w == "TIMESTAMPTZ_NS") return DataType::timestamp_tz(TimeUnit::kNano);
    if (w == "UUID") return DataType(TypeId::kUuid);
    if (w == "LIST" || w == "ARRAY") {
      bool angle = accept('<');
      if (!angle) expect('(');
      DataType e = type();
      expect(angle ? '>' : ')');
      return DataType::list_of(Field("element", e));
    }
    if (w == "MAP") {
      bool angle = accept('<');
      if (!angle) expect('(');
      DataType k = type();
      expect(',');
      DataType v = type();
      expect(angle ? '>' : ')');
      return DataType::map_of(Field("key", k, false), Field("value", v));
    }
    if (w == "STRUCT" || w == "ROW" || w == "OBJECT") {
      bool angle = accept('<');
      if (!angle) expect('(');
      std::vector<Field> fields;
      do {
        fields.push_back(field_with_optional_colon());
      } while (accept(','));
      expect(angle ? '>' : ')');
      return DataType::struct_of(std::move(fields));
    }
    pos_ = start;
    fail("a type name (BIGINT, VARCHAR, DECIMAL(p,s), TIMESTAMP, ...)");
  }

  Field field_with_optional_colon() {
    std::string name = word();
    accept(':');
    DataType t = type();
    bool nullable = true;
    if (peek_word("NOT")) {
      word();
      word();
      nullable = false;
    }
    return Field(name, t, nullable);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

DataType parse_data_type(std::string_view text) {
  Parser p(text);
  DataType t = p.type();
  if (!p.at_end()) p.fail("the end of the type");
  return t;
}

Schema parse_column_list(std::string_view text) {
  Parser p(text);
  Schema s;
  if (p.at_end()) p.fail("a column (name TYPE)");
  do {
    s.fields.push_back(p.field());
  } while (p.accept(','));
  if (!p.at_end()) p.fail("',' or the end of the column list");
  return s;
}

}  // namespace floe::columnar
