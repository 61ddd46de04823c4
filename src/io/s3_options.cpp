#include "io/s3_options.h"

#include <charconv>
#include <cstdlib>

#include "base/error.h"
#include "io/aws_profile.h"

namespace floe::io {

namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool parse_bool(std::string_view text, std::string_view what) {
  std::string v = lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw InvalidInputError(fmt::format("{}={}: expected true or false", what, text));
}

int parse_int(std::string_view text, std::string_view what, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi)
    throw InvalidInputError(
        fmt::format("{}={}: expected a whole number from {} to {}", what, text, lo, hi));
  return v;
}

std::string get(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

uint64_t parse_byte_size(std::string_view text, std::string_view what) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  std::string unit = lower(std::string_view(p, size_t(end - p)));
  uint64_t scale = 0;
  if (unit.empty() || unit == "b") scale = 1;
  if (unit == "k" || unit == "kb" || unit == "kib") scale = 1ull << 10;
  if (unit == "m" || unit == "mb" || unit == "mib") scale = 1ull << 20;
  if (unit == "g" || unit == "gb" || unit == "gib") scale = 1ull << 30;
  if (ec != std::errc() || p == text.data() || scale == 0 || v > (UINT64_MAX / scale))
    throw InvalidInputError(
        fmt::format("{}={}: expected a byte count such as 8388608 or 8MiB", what, text));
  return v * scale;
}

std::string S3Options::endpoint_url() const {
  std::string e = endpoint.empty() ? fmt::format("https://s3.{}.amazonaws.com", region) : endpoint;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

bool S3Options::use_path_style() const { return path_style.value_or(!endpoint.empty()); }

S3Options S3Options::from_environment() {
  return from_environment([](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  });
}

S3Options S3Options::from_environment(const EnvLookup& getenv) {
  S3Options o;
  auto env = [&](std::string_view name) { return getenv(name).value_or(""); };
  std::string home = env("HOME");
  std::string profile = getenv("AWS_PROFILE").value_or("default");

  o.access_key = env("AWS_ACCESS_KEY_ID");
  o.secret_key = env("AWS_SECRET_ACCESS_KEY");
  o.session_token = env("AWS_SESSION_TOKEN");

  std::string config_path =
      getenv("AWS_CONFIG_FILE").value_or(home.empty() ? "" : home + "/.aws/config");
  std::map<std::string, std::string> config;
  if (!config_path.empty())
    if (auto text = read_text_file(config_path)) config = config_profile(parse_ini(*text), profile);

  if (o.access_key.empty()) {
    std::string creds_path = getenv("AWS_SHARED_CREDENTIALS_FILE")
                                 .value_or(home.empty() ? "" : home + "/.aws/credentials");
    std::map<std::string, std::string> creds;
    if (!creds_path.empty())
      if (auto text = read_text_file(creds_path))
        creds = credentials_profile(parse_ini(*text), profile);
    // The config file may hold keys too; the credentials file wins.
    for (const auto* source : {&creds, &config}) {
      if (!get(*source, "aws_access_key_id").empty()) {
        o.access_key = get(*source, "aws_access_key_id");
        o.secret_key = get(*source, "aws_secret_access_key");
        o.session_token = get(*source, "aws_session_token");
        break;
      }
    }
  }
  if (!o.access_key.empty() && o.secret_key.empty())
    throw InvalidInputError(
        fmt::format("S3 access key {} has no secret key (set AWS_SECRET_ACCESS_KEY or "
                    "aws_secret_access_key in the profile '{}')",
                    o.access_key, profile));

  if (auto r = getenv("AWS_REGION")) {
    o.region = *r;
  } else if (auto dr = getenv("AWS_DEFAULT_REGION")) {
    o.region = *dr;
  } else if (!get(config, "region").empty()) {
    o.region = get(config, "region");
  }

  if (auto e = getenv("AWS_ENDPOINT_URL_S3")) {
    o.endpoint = *e;
  } else if (auto ge = getenv("AWS_ENDPOINT_URL")) {
    o.endpoint = *ge;
  } else if (!get(config, "s3.endpoint_url").empty()) {
    o.endpoint = get(config, "s3.endpoint_url");
  } else {
    o.endpoint = get(config, "endpoint_url");
  }
  if (!o.endpoint.empty() && o.endpoint.find("://") == std::string::npos)
    throw InvalidInputError(
        fmt::format("S3 endpoint '{}' needs a scheme, such as http://{} or https://{}", o.endpoint,
                    o.endpoint, o.endpoint));

  if (auto ps = getenv("FLOE_S3_PATH_STYLE")) {
    o.path_style = parse_bool(*ps, "FLOE_S3_PATH_STYLE");
  } else if (std::string style = get(config, "s3.addressing_style"); !style.empty()) {
    if (style == "path") o.path_style = true;
    if (style == "virtual") o.path_style = false;
  }

  if (auto a = getenv("AWS_MAX_ATTEMPTS"))
    o.max_attempts = parse_int(*a, "AWS_MAX_ATTEMPTS", 1, 20);
  if (auto s = getenv("FLOE_S3_STALL_SECONDS"))
    o.stall_timeout_s = parse_int(*s, "FLOE_S3_STALL_SECONDS", 1, 3600);
  if (auto ps = getenv("FLOE_S3_PART_SIZE")) {
    uint64_t size = parse_byte_size(*ps, "FLOE_S3_PART_SIZE");
    if (size < kMinPartSize || size > kMaxPartSize)
      throw InvalidInputError(fmt::format(
          "FLOE_S3_PART_SIZE={}: a multipart part must be from 5 MiB ({} bytes) to 5 GiB", *ps,
          kMinPartSize));
    o.part_size = size;
    o.multipart_threshold = size;
  }
  if (auto l = getenv("FLOE_S3_LIST_PAGE_SIZE"))
    o.list_page_size = parse_int(*l, "FLOE_S3_LIST_PAGE_SIZE", 1, 1000);
  if (auto t = getenv("FLOE_S3_TRACE")) o.trace = parse_bool(*t, "FLOE_S3_TRACE");
  return o;
}

}  // namespace floe::io
