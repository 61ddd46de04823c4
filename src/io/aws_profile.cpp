#include "io/aws_profile.h"

#include <fstream>
#include <sstream>

namespace floe::io {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// Drops an inline comment: '#' or ';' preceded by a blank.
std::string_view strip_inline_comment(std::string_view v) {
  for (size_t i = 1; i < v.size(); ++i)
    if ((v[i] == '#' || v[i] == ';') && (v[i - 1] == ' ' || v[i - 1] == '\t'))
      return trim(v.substr(0, i));
  return v;
}

}  // namespace

IniSections parse_ini(std::string_view text) {
  IniSections out;
  std::map<std::string, std::string>* section = nullptr;
  std::string parent;  // a key with no value, whose indented lines are its sub-keys
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) continue;  // not a section: ignored, as the CLI does
      std::string name(trim(line.substr(1, close - 1)));
      section = &out[name];
      parent.clear();
      continue;
    }
    size_t eq = line.find('=');
    if (!section || eq == std::string_view::npos) continue;
    std::string key = lower(trim(line.substr(0, eq)));
    std::string value(strip_inline_comment(trim(line.substr(eq + 1))));
    if (indented && !parent.empty()) {
      (*section)[parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : std::string();
    if (!value.empty()) (*section)[key] = value;
  }
  return out;
}

std::map<std::string, std::string> credentials_profile(const IniSections& file,
                                                       std::string_view profile) {
  auto it = file.find(std::string(profile));
  return it == file.end() ? std::map<std::string, std::string>{} : it->second;
}

std::map<std::string, std::string> config_profile(const IniSections& file,
                                                  std::string_view profile) {
  auto it = file.find("profile " + std::string(profile));
  if (it != file.end()) return it->second;
  // The default profile is "[default]" in the config file ("[profile default]" works too).
  if (profile == "default") {
    it = file.find("default");
    if (it != file.end()) return it->second;
  }
  return {};
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

}  // namespace floe::io
