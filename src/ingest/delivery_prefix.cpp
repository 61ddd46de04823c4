#include "ingest/delivery_prefix.h"

#include <fmt/format.h>

#include <cctype>
#include <memory>

#include "base/civil_time.h"
#include "base/error.h"

namespace floe::ingest {

namespace {

constexpr std::string_view kDefaultLayout = "!{timestamp:yyyy/MM/dd/HH/}";

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct UtcParts {
  int64_t year;
  unsigned month, day, hour, minute, second, millis;
};

UtcParts utc_parts(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rest = ms - days * 86400000;
  CivilDate d = civil_from_days(days);
  return {d.year,
          d.month,
          d.day,
          unsigned(rest / 3600000),
          unsigned(rest / 60000 % 60),
          unsigned(rest / 1000 % 60),
          unsigned(rest % 1000)};
}

}  // namespace

RandomString seeded_random_string(uint64_t seed) {
  auto state = std::make_shared<uint64_t>(seed);
  return [state] {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s(11, ' ');
    uint64_t bits = splitmix64(*state);
    for (char& c : s) {
      c = kAlphabet[bits % 36];
      bits /= 36;
      if (bits == 0) bits = splitmix64(*state);
    }
    return s;
  };
}

bool prefix_has_timestamp(std::string_view prefix) {
  return prefix.find("!{timestamp:") != std::string_view::npos;
}

bool prefix_has_expressions(std::string_view prefix) {
  return prefix.find("!{") != std::string_view::npos;
}

std::string effective_prefix(std::string_view prefix) {
  std::string out(prefix);
  if (!prefix_has_timestamp(prefix)) out += kDefaultLayout;
  return out;
}

std::string default_error_prefix(std::string_view prefix) {
  if (prefix_has_expressions(prefix))
    throw InvalidInputError(
        "a prefix with !{...} expressions needs an error prefix that uses "
        "!{firehose:error-output-type} (--error-prefix)");
  return fmt::format("{}!{{firehose:error-output-type}}/{}", prefix, kDefaultLayout);
}

std::string format_utc(std::string_view pattern, int64_t ms) {
  UtcParts t = utc_parts(ms);
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {  // a quoted literal; '' is a single quote
      size_t end = pattern.find('\'', i + 1);
      if (end == std::string_view::npos)
        throw InvalidInputError(fmt::format("timestamp pattern '{}': unclosed quote", pattern));
      if (end == i + 1) out += '\'';
      out.append(pattern.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      out += c;
      ++i;
      continue;
    }
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == c) ++run;
    switch (c) {
      case 'y':
      case 'u':
        out += run == 2 ? fmt::format("{:02}", t.year % 100) : fmt::format("{:04}", t.year);
        break;
      case 'M': out += fmt::format("{:0{}}", t.month, run); break;
      case 'd': out += fmt::format("{:0{}}", t.day, run); break;
      case 'H': out += fmt::format("{:0{}}", t.hour, run); break;
      case 'm': out += fmt::format("{:0{}}", t.minute, run); break;
      case 's': out += fmt::format("{:0{}}", t.second, run); break;
      case 'S': out += fmt::format("{:03}", t.millis).substr(0, std::min<size_t>(run, 3)); break;
      default:
        throw InvalidInputError(fmt::format(
            "timestamp pattern '{}': unsupported letter '{}' (use yyyy, MM, dd, HH, mm, ss, SSS "
            "and 'quoted text')",
            pattern, c));
    }
    i += run;
  }
  return out;
}

std::string evaluate_prefix(std::string_view prefix, int64_t arrival_ms, const RandomString& random,
                            std::string_view error_output_type) {
  std::string out;
  size_t i = 0;
  while (i < prefix.size()) {
    size_t start = prefix.find("!{", i);
    if (start == std::string_view::npos) {
      out.append(prefix.substr(i));
      break;
    }
    out.append(prefix.substr(i, start - i));
    size_t end = prefix.find('}', start);
    if (end == std::string_view::npos)
      throw InvalidInputError(fmt::format("prefix '{}': unclosed !{{", prefix));
    std::string_view expr = prefix.substr(start + 2, end - start - 2);
    size_t colon = expr.find(':');
    std::string_view ns = colon == std::string_view::npos ? expr : expr.substr(0, colon);
    std::string_view arg = colon == std::string_view::npos ? "" : expr.substr(colon + 1);
    if (ns == "timestamp") {
      out += format_utc(arg, arrival_ms);
    } else if (ns == "firehose" && arg == "random-string") {
      out += random();
    } else if (ns == "firehose" && arg == "error-output-type") {
      if (error_output_type.empty())
        throw InvalidInputError(fmt::format(
            "prefix '{}': !{{firehose:error-output-type}} is only allowed in an error prefix",
            prefix));
      out.append(error_output_type);
    } else {
      throw InvalidInputError(fmt::format(
          "prefix '{}': unsupported expression !{{{}}} (floe evaluates !{{timestamp:...}}, "
          "!{{firehose:random-string}} and !{{firehose:error-output-type}})",
          prefix, expr));
    }
    i = end + 1;
  }
  if (out.size() > 512)
    throw InvalidInputError(fmt::format("prefix '{}' is {} characters once evaluated (at most 512)",
                                        prefix, out.size()));
  return out;
}

std::string object_key(std::string_view evaluated_prefix, std::string_view stream, int64_t version,
                       int64_t oldest_arrival_ms, const RandomString& random) {
  return fmt::format("{}{}-{}-{}-{}", evaluated_prefix, stream, version,
                     format_utc("yyyy-MM-dd-HH-mm-ss", oldest_arrival_ms), random());
}

}  // namespace floe::ingest
