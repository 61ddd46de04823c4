// OptionValue / NamedOption: the `KEY = value` options of stages, file formats, COPY and
// pipes as written (Snowflake's syntax: strings, numbers, words such as TRUE or CSV, lists
// `('a', 'b')` and groups `(TYPE = CSV SKIP_HEADER = 1)`), kept untyped until the layer
// that owns them checks them, and stored in the catalog as JSON. Layer: ingest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floe::ingest {

struct NamedOption;

struct OptionValue {
  enum class Kind { kString, kNumber, kWord, kList, kGroup };
  Kind kind = Kind::kWord;
  std::string text;                 // kString (unquoted), kNumber, kWord (upper case)
  std::vector<OptionValue> items;   // kList
  std::vector<NamedOption> group;   // kGroup
};

struct NamedOption {
  std::string key;  // upper case
  OptionValue value;
};

using OptionList = std::vector<NamedOption>;

// The last option named `key` (upper case), or nullptr.
const OptionValue* find_option(const OptionList& options, std::string_view key);

// Typed readers that name the option in their InvalidInputError.
std::string option_string(const NamedOption& o);            // a string or a word
bool option_bool(const NamedOption& o);                     // TRUE/FALSE (or 'true'/'false')
int64_t option_integer(const NamedOption& o);               // a number (or its text)
std::vector<std::string> option_strings(const NamedOption& o);  // a list, or one value

// Stored form: {"KEY": value, ...} in order, with values as JSON strings/numbers, lists as
// arrays and groups as objects; words are kept apart from strings ({"word": "CSV"}).
std::string options_to_json(const OptionList& options);
OptionList options_from_json(std::string_view json);

// As written back in SQL, e.g. TYPE = CSV SKIP_HEADER = 1 NULL_IF = ('\N').
std::string options_to_sql(const OptionList& options);

}  // namespace floe::ingest
