// Snowflake's functions that read and reshape ARRAY values: ARRAY_SLICE, ARRAY_COMPACT,
// ARRAY_DISTINCT, ARRAY_POSITION, ARRAYS_OVERLAP, ARRAY_INTERSECTION, ARRAY_EXCEPT,
// ARRAY_FLATTEN, ARRAY_SORT, ARRAY_MIN, ARRAY_MAX and TO_ARRAY. Arrays are VARIANT text in
// VARCHAR (json_text.h); results are normalised compact JSON, as ARRAY_CONSTRUCT writes.
// Elements compare as json_equal does (numbers by value, containers element by element).
// floe keeps a SQL NULL element as JSON null, so the two are one kind of null element here
// (Snowflake tells "undefined" from JSON null in ARRAY_SORT and ARRAY_COMPACT).
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/json_text.h"
#include "exec/variant_value_arg.h"
#include "exec/type_rules.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

// The elements of the array argument `arg` (1-based) at `row`: `text` receives its
// normalised form, `elements` slices of it. A value that is not an array is an error.
void read_array(const Column& col, int64_t row, int arg, std::string_view fn, std::string& text,
                std::vector<std::string_view>& elements) {
  text.clear();
  normalize_variant(col.string_at(row), text, fn);
  if (json_kind(text, fn) != JsonKind::kArray)
    throw InvalidInputError(
        fmt::format("{}: argument {} {} is not an ARRAY", fn, arg, shown_value(text)));
  elements.clear();
  JsonItems items(text, fn);
  std::string_view key, value;
  while (items.next(&key, &value)) elements.push_back(value);
}

void write_array(const std::vector<std::string_view>& elements, std::string& out) {
  out.assign("[");
  for (size_t k = 0; k < elements.size(); ++k) {
    if (k) out += ',';
    out += elements[k];
  }
  out += ']';
}

// The index of the first of `candidates` equal to `value` and not yet `used`, or npos.
size_t find_unused(std::string_view value, const std::vector<std::string_view>& candidates,
                   const std::vector<bool>& used) {
  for (size_t k = 0; k < candidates.size(); ++k)
    if (!used[k] && json_equal(value, candidates[k])) return k;
  return std::string_view::npos;
}

// ---- ordering of elements (ARRAY_SORT, ARRAY_MIN, ARRAY_MAX) ----

// A JSON number as sign, significant digits (no leading or trailing zeros) and magnitude:
// the value is 0.<digits> * 10^magnitude, so 120.5 is {+, "1205", 3}. Zero has no digits.
struct NumberParts {
  bool negative = false;
  std::string digits;
  int64_t magnitude = 0;
};

// Reads normalised JSON number text: -?digits[.digits][(e|E)[+-]digits].
NumberParts number_parts(std::string_view s) {
  NumberParts p;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    p.negative = true;
    ++i;
  }
  // Digits from the first significant one to the point (negative when zeros follow the
  // point first): the magnitude before the exponent.
  int64_t point_position = 0;
  bool point = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      point = true;
    } else if (p.digits.empty() && s[i] == '0') {
      if (point) --point_position;
    } else {
      p.digits += s[i];
      if (!point) ++point_position;
    }
  }
  int64_t exponent = 0;
  if (i < s.size()) {
    ++i;
    bool negative_exponent = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    // Beyond 10^6 every number text a document can hold compares the same way.
    for (; i < s.size(); ++i)
      if (exponent < 1000000) exponent = exponent * 10 + (s[i] - '0');
    if (negative_exponent) exponent = -exponent;
  }
  p.digits.erase(p.digits.find_last_not_of('0') + 1);
  if (p.digits.empty()) return NumberParts{};
  p.magnitude = point_position + exponent;
  return p;
}

// -1, 0 or 1 as the number a is below, equal to or above b.
int compare_numbers(const NumberParts& a, const NumberParts& b) {
  auto sign = [](const NumberParts& n) { return n.digits.empty() ? 0 : n.negative ? -1 : 1; };
  int sa = sign(a), sb = sign(b);
  if (sa != sb || sa == 0) return sa < sb ? -1 : sa > sb ? 1 : 0;
  int magnitude_order = a.magnitude < b.magnitude ? -1 : a.magnitude > b.magnitude ? 1 : 0;
  int order = magnitude_order != 0 ? magnitude_order : a.digits.compare(b.digits);
  order = order < 0 ? -1 : order > 0 ? 1 : 0;
  return sa < 0 ? -order : order;
}

// An element as it is ordered. floe's own order across kinds (Snowflake does not document
// one): numbers (by value) before strings (byte-wise, escapes decoded) before booleans
// (FALSE before TRUE). Arrays and objects are not ordered: an error names the function.
struct SortKey {
  enum Rank : uint8_t { kNumber, kString, kBoolean } rank;
  NumberParts number;
  std::string text;  // a string's characters; "t" or "f" for a boolean
  size_t element;    // index of the element in the array
};

SortKey sort_key(std::string_view element, size_t index, std::string_view fn) {
  SortKey key{SortKey::kNumber, {}, {}, index};
  switch (json_kind(element, fn)) {
    case JsonKind::kInteger:
    case JsonKind::kDecimal:
    case JsonKind::kDouble:
      key.number = number_parts(element);
      break;
    case JsonKind::kString:
      key.rank = SortKey::kString;
      decode_json_string(element, key.text);
      break;
    case JsonKind::kBoolean:
      key.rank = SortKey::kBoolean;
      key.text = element == "true" ? "t" : "f";
      break;
    default:
      throw InvalidInputError(
          fmt::format("{}: cannot order the element {}: only numbers, strings and booleans "
                      "are ordered",
                      fn, shown_value(element)));
  }
  return key;
}

bool key_less(const SortKey& a, const SortKey& b) {
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.rank == SortKey::kNumber) return compare_numbers(a.number, b.number) < 0;
  return a.text < b.text;
}

// The sort keys of the non-null elements.
void sort_keys(const std::vector<std::string_view>& elements, std::vector<SortKey>& keys,
               std::string_view fn) {
  keys.clear();
  for (size_t k = 0; k < elements.size(); ++k)
    if (elements[k] != "null") keys.push_back(sort_key(elements[k], k, fn));
}

// ---- array_slice, array_compact, array_distinct, array_flatten ----

// ARRAY_SLICE(array, from, to): elements [from, to), a negative index counting from the
// end, both clamped to the array.
Column array_slice_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& arr = *a.columns[0];
  const Column& from = *a.columns[1];
  const Column& to = *a.columns[2];
  std::string text, out;
  std::vector<std::string_view> elements;
  return map_string(a.columns, a.rows, rt, string_bytes(arr), [&](int64_t i, StringBuilder& b) {
    read_array(arr, i, 1, "array_slice", text, elements);
    const int64_t n = int64_t(elements.size());
    auto position = [n](int64_t index) {
      return std::clamp(index < 0 ? index + n : index, int64_t{0}, n);
    };
    int64_t begin = position(from.value<int64_t>(i)), end = position(to.value<int64_t>(i));
    elements.erase(elements.begin() + std::max(begin, end), elements.end());
    elements.erase(elements.begin(), elements.begin() + begin);
    write_array(elements, out);
    b.append(out);
  });
}

Column array_compact_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& arr = *a.columns[0];
  std::string text, out;
  std::vector<std::string_view> elements;
  return map_string(a.columns, a.rows, rt, string_bytes(arr), [&](int64_t i, StringBuilder& b) {
    read_array(arr, i, 1, "array_compact", text, elements);
    std::erase(elements, std::string_view("null"));
    write_array(elements, out);
    b.append(out);
  });
}

// The first of each group of equal elements, in order; a null element is kept once. Each
// element is compared with those kept so far (quadratic, as arrays are row values).
Column array_distinct_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& arr = *a.columns[0];
  std::string text, out;
  std::vector<std::string_view> elements, kept;
  return map_string(a.columns, a.rows, rt, string_bytes(arr), [&](int64_t i, StringBuilder& b) {
    read_array(arr, i, 1, "array_distinct", text, elements);
    kept.clear();
    for (std::string_view e : elements)
      if (std::none_of(kept.begin(), kept.end(),
                       [&](std::string_view k) { return json_equal(e, k); }))
        kept.push_back(e);
    write_array(kept, out);
    b.append(out);
  });
}

// ARRAY_FLATTEN removes one level of nesting; Snowflake returns NULL when an element is
// null and rejects an element that is not an array.
Column array_flatten_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "array_flatten";
  const Column& arr = *a.columns[0];
  std::string text, out;
  std::vector<std::string_view> elements;
  return map_string(a.columns, a.rows, rt, string_bytes(arr), [&](int64_t i, StringBuilder& b) {
    read_array(arr, i, 1, fn, text, elements);
    out.assign("[");
    for (std::string_view e : elements) {
      if (e == "null") return b.append_null();
      if (json_kind(e, fn) != JsonKind::kArray)
        throw InvalidInputError(
            fmt::format("{}: the element {} is not an ARRAY", fn, shown_value(e)));
      std::string_view inner = e.substr(1, e.size() - 2);  // normalised: no spaces inside
      if (inner.empty()) continue;
      if (out.size() > 1) out += ',';
      out += inner;
    }
    out += ']';
    b.append(out);
  });
}

// ---- array_position, arrays_overlap, array_intersection, array_except ----

// ARRAY_POSITION(value, array): the 0-based index of the first element equal to the value,
// NULL when there is none. A NULL value finds the first null element (Snowflake since the
// 2023_01 behaviour change); only a NULL array gives NULL.
Column array_position_kernel(const ScalarArgs& a, const DataType& rt) {
  ValueArg value(a, 0, "array_position");
  const Column& arr = *a.columns[1];
  const Column* const array_only[] = {&arr};
  std::string want, text;
  std::vector<std::string_view> elements;
  return map_fixed_or_null<int64_t>(array_only, a.rows, rt, [&](int64_t i, int64_t* out) {
    want.clear();
    value.append(i, want);
    read_array(arr, i, 2, "array_position", text, elements);
    for (size_t k = 0; k < elements.size(); ++k)
      if (json_equal(want, elements[k])) {
        *out = int64_t(k);
        return true;
      }
    return false;
  });
}

std::optional<ScalarFunction> bind_array_position(std::span<const DataType> args) {
  if (args.size() != 2 || !text_or_null(args[1])) return std::nullopt;
  return bound(bigint_type(), {value_arg_type(args[0]), varchar_type()}, array_position_kernel);
}

// Null elements match each other: Snowflake's set functions are NULL-safe.
Column arrays_overlap_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  const Column& y = *a.columns[1];
  std::string first, second;
  std::vector<std::string_view> xs, ys;
  return map_fixed<uint8_t>(a.columns, a.rows, rt, [&](int64_t i) -> uint8_t {
    read_array(x, i, 1, "arrays_overlap", first, xs);
    read_array(y, i, 2, "arrays_overlap", second, ys);
    for (std::string_view e : xs)
      for (std::string_view f : ys)
        if (json_equal(e, f)) return 1;
    return 0;
  });
}

// ARRAY_INTERSECTION and ARRAY_EXCEPT with multiset semantics: each element of the first
// array is matched with one equal, not yet matched element of the second. The intersection
// keeps the matched elements (min(N, M) copies of a value), the difference the others
// (max(N - M, 0) copies); both in the first array's order (Snowflake leaves it unspecified).
template <bool kKeepMatched>
Column array_match_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kKeepMatched ? "array_intersection" : "array_except";
  const Column& x = *a.columns[0];
  const Column& y = *a.columns[1];
  std::string first, second, out;
  std::vector<std::string_view> xs, ys, kept;
  std::vector<bool> used;
  return map_string(a.columns, a.rows, rt, string_bytes(x), [&](int64_t i, StringBuilder& b) {
    read_array(x, i, 1, fn, first, xs);
    read_array(y, i, 2, fn, second, ys);
    used.assign(ys.size(), false);
    kept.clear();
    for (std::string_view e : xs) {
      size_t match = find_unused(e, ys, used);
      if (match != std::string_view::npos) used[match] = true;
      if ((match != std::string_view::npos) == kKeepMatched) kept.push_back(e);
    }
    write_array(kept, out);
    b.append(out);
  });
}

// ---- array_sort, array_min, array_max ----

// ARRAY_SORT(array[, ascending[, nulls_first]]): ascending by default, null elements last
// unless nulls_first (in either direction, as Snowflake). Equal elements keep their order.
Column array_sort_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& arr = *a.columns[0];
  const Column* ascending = a.columns.size() > 1 ? a.columns[1] : nullptr;
  const Column* nulls_first = a.columns.size() > 2 ? a.columns[2] : nullptr;
  std::string text, out;
  std::vector<std::string_view> elements, sorted;
  std::vector<SortKey> keys;
  return map_string(a.columns, a.rows, rt, string_bytes(arr), [&](int64_t i, StringBuilder& b) {
    read_array(arr, i, 1, "array_sort", text, elements);
    sort_keys(elements, keys, "array_sort");
    if (!ascending || ascending->value<uint8_t>(i))
      std::stable_sort(keys.begin(), keys.end(), key_less);
    else
      std::stable_sort(keys.begin(), keys.end(),
                       [](const SortKey& x, const SortKey& y) { return key_less(y, x); });
    const size_t nulls = elements.size() - keys.size();
    const bool first = nulls_first && nulls_first->value<uint8_t>(i);
    sorted.clear();
    if (first) sorted.insert(sorted.end(), nulls, "null");
    for (const SortKey& k : keys) sorted.push_back(elements[k.element]);
    if (!first) sorted.insert(sorted.end(), nulls, "null");
    write_array(sorted, out);
    b.append(out);
  });
}

// ARRAY_MIN / ARRAY_MAX: the smallest / largest non-null element as VARIANT text, in
// ARRAY_SORT's order; NULL when the array has no such element. The first of equal ones wins.
template <bool kMax>
Column array_extreme_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kMax ? "array_max" : "array_min";
  const Column& arr = *a.columns[0];
  std::string text;
  std::vector<std::string_view> elements;
  std::vector<SortKey> keys;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    read_array(arr, i, 1, fn, text, elements);
    sort_keys(elements, keys, fn);
    if (keys.empty()) return b.append_null();
    // Both return the first of equal extremes.
    auto best = kMax ? std::max_element(keys.begin(), keys.end(), key_less)
                     : std::min_element(keys.begin(), keys.end(), key_less);
    b.append(elements[best->element]);
  });
}

// ---- to_array ----

// TO_ARRAY(x): an array as it is, NULL and JSON null as NULL, any other value wrapped in a
// one-element array.
Column to_array_kernel(const ScalarArgs& a, const DataType& rt) {
  ValueArg value(a, 0, "to_array");
  std::string text;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    text.assign("[");
    value.append(i, text);
    std::string_view element = std::string_view(text).substr(1);
    if (element == "null") return b.append_null();
    if (json_kind(element, "to_array") == JsonKind::kArray) return b.append(element);
    text += ']';
    b.append(text);
  });
}

std::optional<ScalarFunction> bind_to_array(std::span<const DataType> args) {
  if (args.size() != 1) return std::nullopt;
  return bound(varchar_type(), {value_arg_type(args[0])}, to_array_kernel);
}

}  // namespace

void register_json_array_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), B = boolean_type();
  t.add("array_slice").overload({V, I, I}, V, array_slice_kernel);
  t.add("array_compact").overload({V}, V, array_compact_kernel);
  t.add("array_distinct").overload({V}, V, array_distinct_kernel);
  t.add("array_flatten").overload({V}, V, array_flatten_kernel);
  t.add("array_position").rule("array_position(ANY, VARIANT)", bind_array_position);
  t.add("arrays_overlap").overload({V, V}, B, arrays_overlap_kernel);
  t.add("array_intersection").overload({V, V}, V, array_match_kernel<true>);
  t.add("array_except").overload({V, V}, V, array_match_kernel<false>);
  t.add("array_sort")
      .overload({V}, V, array_sort_kernel)
      .overload({V, B}, V, array_sort_kernel)
      .overload({V, B, B}, V, array_sort_kernel);
  t.add("array_min").overload({V}, V, array_extreme_kernel<false>);
  t.add("array_max").overload({V}, V, array_extreme_kernel<true>);
  t.add("to_array").rule("to_array(ANY)", bind_to_array);
}

}  // namespace floe::exec
