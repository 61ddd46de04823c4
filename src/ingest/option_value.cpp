// OptionValue: typed access and the JSON form of options. Layer: ingest.
#include "ingest/option_value.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace floe::ingest {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

nlohmann::ordered_json value_to_json(const OptionValue& v);

nlohmann::ordered_json group_to_json(const OptionList& options) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const auto& n : options) o[n.key] = value_to_json(n.value);
  return o;
}

nlohmann::ordered_json value_to_json(const OptionValue& v) {
  switch (v.kind) {
    case OptionValue::Kind::kString: return v.text;
    case OptionValue::Kind::kNumber: return nlohmann::ordered_json{{"number", v.text}};
    case OptionValue::Kind::kWord: return nlohmann::ordered_json{{"word", v.text}};
    case OptionValue::Kind::kList: {
      auto a = nlohmann::ordered_json::array();
      for (const auto& i : v.items) a.push_back(value_to_json(i));
      return a;
    }
    case OptionValue::Kind::kGroup: return nlohmann::ordered_json{{"group", group_to_json(v.group)}};
  }
  return nullptr;
}

OptionList group_from_json(const nlohmann::ordered_json& o);

OptionValue value_from_json(const nlohmann::ordered_json& j) {
  OptionValue v;
  if (j.is_string()) {
    v.kind = OptionValue::Kind::kString;
    v.text = j.get<std::string>();
  } else if (j.is_array()) {
    v.kind = OptionValue::Kind::kList;
    for (const auto& i : j) v.items.push_back(value_from_json(i));
  } else if (j.is_object() && j.contains("number") && j["number"].is_string()) {
    v.kind = OptionValue::Kind::kNumber;
    v.text = j["number"].get<std::string>();
  } else if (j.is_object() && j.contains("word") && j["word"].is_string()) {
    v.kind = OptionValue::Kind::kWord;
    v.text = j["word"].get<std::string>();
  } else if (j.is_object() && j.contains("group") && j["group"].is_object()) {
    v.kind = OptionValue::Kind::kGroup;
    v.group = group_from_json(j["group"]);
  } else {
    throw CorruptDataError("stored options: unexpected value " + j.dump());
  }
  return v;
}

OptionList group_from_json(const nlohmann::ordered_json& o) {
  OptionList out;
  for (auto it = o.begin(); it != o.end(); ++it) out.push_back({it.key(), value_from_json(it.value())});
  return out;
}

std::string quote_sql(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string value_to_sql(const OptionValue& v) {
  switch (v.kind) {
    case OptionValue::Kind::kString: return quote_sql(v.text);
    case OptionValue::Kind::kNumber:
    case OptionValue::Kind::kWord: return v.text;
    case OptionValue::Kind::kList: {
      std::string out = "(";
      for (size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + value_to_sql(v.items[i]);
      return out + ")";
    }
    case OptionValue::Kind::kGroup: return "(" + options_to_sql(v.group) + ")";
  }
  return "";
}

}  // namespace

const OptionValue* find_option(const OptionList& options, std::string_view key) {
  const OptionValue* found = nullptr;
  for (const auto& o : options)
    if (o.key == key) found = &o.value;
  return found;
}

std::string option_string(const NamedOption& o) {
  if (o.value.kind == OptionValue::Kind::kList || o.value.kind == OptionValue::Kind::kGroup)
    throw InvalidInputError(fmt::format("option {} takes a single value", o.key));
  return o.value.text;
}

bool option_bool(const NamedOption& o) {
  std::string t = upper(option_string(o));
  if (t == "TRUE") return true;
  if (t == "FALSE") return false;
  throw InvalidInputError(fmt::format("option {} takes TRUE or FALSE, not {}", o.key, o.value.text));
}

int64_t option_integer(const NamedOption& o) {
  std::string t = option_string(o);
  try {
    size_t used = 0;
    int64_t v = std::stoll(t, &used);
    if (used == t.size()) return v;
  } catch (const std::exception&) {
  }
  throw InvalidInputError(fmt::format("option {} takes an integer, not {}", o.key, t));
}

std::vector<std::string> option_strings(const NamedOption& o) {
  if (o.value.kind == OptionValue::Kind::kGroup)
    throw InvalidInputError(fmt::format("option {} takes a list of values", o.key));
  if (o.value.kind != OptionValue::Kind::kList) return {o.value.text};
  std::vector<std::string> out;
  for (const auto& i : o.value.items) {
    if (i.kind == OptionValue::Kind::kList || i.kind == OptionValue::Kind::kGroup)
      throw InvalidInputError(fmt::format("option {} takes a list of values", o.key));
    out.push_back(i.text);
  }
  return out;
}

std::string options_to_json(const OptionList& options) { return group_to_json(options).dump(); }

OptionList options_from_json(std::string_view json) {
  auto j = nlohmann::ordered_json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw CorruptDataError("stored options are not a JSON object");
  return group_from_json(j);
}

std::string options_to_sql(const OptionList& options) {
  std::string out;
  for (const auto& o : options) out += (out.empty() ? "" : " ") + o.key + " = " + value_to_sql(o.value);
  return out;
}

}  // namespace floe::ingest
