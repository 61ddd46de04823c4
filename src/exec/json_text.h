// VARIANT values as JSON text: floe keeps a VARIANT in a VARCHAR column holding normalised
// compact JSON (no whitespace, object keys unique and sorted byte-wise, strings with one
// escape form, numbers as written). This file reads and writes that text without building
// a tree: normalising a document, walking an object's members or an array's elements, the
// kinds Snowflake's TYPEOF names, and SQL values turned into JSON. Layer: exec (private to
// the JSON functions and FLATTEN).
//
// How a VARIANT travels between the binder and the functions: a parameter declared VARIANT
// takes VARCHAR holding VARIANT text. A plain SQL value becomes VARIANT text through
// to_variant(x) (a string becomes a JSON string, a number a number, a date an ISO string);
// the binder wraps a non-VARIANT VARCHAR in to_variant() wherever it meets a VARIANT
// parameter, and passes VARIANT expressions as they are (never through to_variant, which
// would quote the text again). The value parameters of the constructors (ARRAY_CONSTRUCT,
// OBJECT_CONSTRUCT, ARRAY_APPEND, OBJECT_INSERT, ARRAY_CONTAINS) are VARIANT parameters that
// also take numbers, booleans, dates, timestamps and nested values directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "columnar/column.h"

namespace floe::exec {

// The kinds of a VARIANT value; json_kind_name gives Snowflake's TYPEOF names.
enum class JsonKind : uint8_t {
  kObject,
  kArray,
  kString,
  kInteger,  // a number without fraction or exponent, at most 38 digits
  kDecimal,  // a number with a fraction and no exponent, at most 38 digits
  kDouble,   // a number with an exponent or more than 38 digits
  kBoolean,
  kNull,     // JSON null (SQL NULL is a null row, never text)
};

// OBJECT, ARRAY, VARCHAR, INTEGER, DECIMAL, DOUBLE, BOOLEAN or NULL_VALUE.
std::string_view json_kind_name(JsonKind kind);

// Deepest nesting of arrays and objects a document may have.
inline constexpr int kMaxJsonDepth = 1000;

// Why a text is not JSON, and where.
struct JsonSyntaxError {
  int64_t position = 0;  // 1-based, in characters (code points) of the text
  std::string message;   // "expected ':' after an object key"
  std::string text() const { return message + " at position " + std::to_string(position); }
};

// Appends the normalised form of the one JSON document `text` holds (whitespace around it is
// allowed) to `out`. Beyond RFC 8259 it accepts what Snowflake's PARSE_JSON does: true,
// false and null in any case, and a trailing comma before ']' or '}' (ignored). A key that
// appears twice is an error unless `allow_duplicate_keys` (then the last one wins). Returns
// false and fills `error` (if given) when the text is not JSON; `out` then holds a partial
// value the caller discards.
bool normalize_json(std::string_view text, std::string& out, JsonSyntaxError* error,
                    bool allow_duplicate_keys = false);

// As normalize_json for VARIANT text a function was given (duplicate keys allowed, the last
// wins): throws InvalidInputError naming `fn` and the value when it is not JSON.
void normalize_variant(std::string_view value, std::string& out, std::string_view fn);

// A value as an error message shows it: at most 60 bytes, then "...".
std::string shown_value(std::string_view value);

// Where the JSON value starting at text[begin] ends (one past its last byte), validating it
// on the way (no duplicate-key check); npos with `error` filled when it is not JSON.
size_t json_value_end(std::string_view text, size_t begin, JsonSyntaxError* error);

// `text` without the JSON whitespace (space, tab, CR, LF) around it.
std::string_view trim_json_space(std::string_view text);

// The kind of the JSON value `value` starts with (no leading whitespace). Read from the first
// bytes only: the rest of the value is trusted. Throws InvalidInputError naming `fn` when the
// text does not start a JSON value.
JsonKind json_kind(std::string_view value, std::string_view fn);

// Appends the characters of a JSON string (`raw` with its quotes, as validated by the
// functions above) with its escapes decoded.
void decode_json_string(std::string_view raw, std::string& out);

// True when the JSON string `raw` (with quotes) holds exactly `name`.
bool json_string_equals(std::string_view raw, std::string_view name);

// The members of an object or the elements of an array, one at a time, as slices of the
// text. For an object `key` is the raw key (with quotes); for an array it is empty. The
// container text is validated as it is walked: InvalidInputError naming `fn` when it is not
// JSON.
class JsonItems {
 public:
  // `container` starts with '{' or '['.
  JsonItems(std::string_view container, std::string_view fn);
  bool next(std::string_view* key, std::string_view* value);

 private:
  [[noreturn]] void fail(size_t at, std::string_view message) const;
  [[noreturn]] void fail_syntax(const JsonSyntaxError& error) const;
  void skip_space();

  std::string_view text_;
  std::string_view fn_;
  size_t pos_ = 1;
  char close_;
  bool first_ = true;
  bool done_ = false;
};

// True when two normalised JSON values are equal as VARIANT values: numbers by value (1,
// 1.0 and 1e0 are equal), strings, booleans and null by content, arrays element by element,
// objects key by key.
bool json_equal(std::string_view a, std::string_view b);

// The value of JSON number text rounded half away from zero to an integer; false when it
// needs more than 38 digits. Also reads number text inside a string (" 12.5 ", "+3", "1e2").
bool json_number_to_integer(std::string_view number, __int128* out);
// The value of number text as a double (also "NaN", "Infinity", "-inf" and the like, any
// case); false when it is not a number.
bool json_number_to_double(std::string_view number, double* out);

// Appends the SQL value at `row` as normalised VARIANT text: null for NULL, numbers as
// numbers (doubles always with an exponent, so that TYPEOF reads DOUBLE back; NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity"), booleans, text as a JSON
// string, dates, times and timestamps as ISO strings, binary as hex, lists as arrays,
// structs and maps as objects.
void append_variant(const columnar::Column& column, int64_t row, std::string& out);

}  // namespace floe::exec
