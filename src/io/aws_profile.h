// The AWS shared credentials and config files (~/.aws/credentials, ~/.aws/config): INI text
// parsed into sections of key = value settings, and one profile looked up in them.
// Layer: io. Used by S3Options::from_environment; pure functions, thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace floe::io {

// Section name -> (lower-case key -> value). An indented "key = value" under a key with no
// value is stored as "parent.key" (the config file's nested "s3 =" block). Comment lines
// start with '#' or ';'; a value's trailing " #…" or " ;…" is a comment too.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

IniSections parse_ini(std::string_view text);

// The settings of `profile` in a credentials file (section "[name]") or a config file
// (section "[profile name]", or "[default]" for the default profile); empty when absent.
std::map<std::string, std::string> credentials_profile(const IniSections& file,
                                                       std::string_view profile);
std::map<std::string, std::string> config_profile(const IniSections& file,
                                                  std::string_view profile);

// The text of a file, or nullopt when it cannot be read (a missing file is not an error).
std::optional<std::string> read_text_file(const std::string& path);

}  // namespace floe::io
