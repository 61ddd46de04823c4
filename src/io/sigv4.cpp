#include "io/sigv4.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include "base/error.h"

namespace floe::io {

namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// SigV4 canonical header values: leading and trailing blanks trimmed, inner runs of
// blanks folded to one space.
std::string canonical_header_value(std::string_view v) {
  std::string out;
  bool in_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

bool has_header(const SigV4Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (lower(k) == name) return true;
  return false;
}

// Canonical (lower-case) header name -> value, sorted; repeated names joined by ','.
std::map<std::string, std::string> canonical_headers(const SigV4Request& r) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : r.headers) {
    std::string& slot = out[lower(k)];
    if (!slot.empty()) slot += ',';
    slot += canonical_header_value(v);
  }
  return out;
}

std::string signed_header_names(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& [k, v] : headers) {
    if (!out.empty()) out += ';';
    out += k;
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::span<const uint8_t> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw InternalError("EVP_Digest(SHA-256) failed");
  return to_hex(digest, len);
}

std::string sha256_hex(std::string_view text) {
  return sha256_hex(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, sizeof mac,
                 &len))
    throw InternalError("EVP_Q_mac(HMAC-SHA256) failed");
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out += char(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& q) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(q.size());
  for (const auto& [k, v] : q) encoded.emplace_back(uri_encode(k, true), uri_encode(v, true));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string canonical_request(const SigV4Request& r) {
  auto headers = canonical_headers(r);
  std::string out;
  out += r.method;
  out += '\n';
  out += r.canonical_uri.empty() ? "/" : r.canonical_uri;
  out += '\n';
  out += canonical_query_string(r.query);
  out += '\n';
  for (const auto& [k, v] : headers) {
    out += k;
    out += ':';
    out += v;
    out += '\n';
  }
  out += '\n';
  out += signed_header_names(headers);
  out += '\n';
  out += r.payload_hash;
  return out;
}

std::string credential_scope(std::string_view amz_date, std::string_view region,
                             std::string_view service) {
  return fmt::format("{}/{}/{}/aws4_request", amz_date.substr(0, 8), region, service);
}

std::string string_to_sign(std::string_view canonical, std::string_view amz_date,
                           std::string_view region, std::string_view service) {
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date,
                     credential_scope(amz_date, region, service), sha256_hex(canonical));
}

std::string sign_v4(SigV4Request& r, const AwsCredentials& c, std::string_view region,
                    std::string_view service, std::string_view amz_date) {
  FLOE_CHECK(amz_date.size() == 16 && amz_date[8] == 'T', "bad x-amz-date '{}'", amz_date);
  if (!has_header(r, "x-amz-date")) r.headers.emplace_back("x-amz-date", std::string(amz_date));
  if (!has_header(r, "x-amz-content-sha256"))
    r.headers.emplace_back("x-amz-content-sha256", r.payload_hash);
  if (!c.session_token.empty() && !has_header(r, "x-amz-security-token"))
    r.headers.emplace_back("x-amz-security-token", c.session_token);

  std::string canonical = canonical_request(r);
  std::string to_sign = string_to_sign(canonical, amz_date, region, service);
  std::string key = hmac_sha256("AWS4" + c.secret_key, amz_date.substr(0, 8));
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  std::string mac = hmac_sha256(key, to_sign);
  std::string signature = to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  return fmt::format("AWS4-HMAC-SHA256 Credential={}/{},SignedHeaders={},Signature={}",
                     c.access_key, credential_scope(amz_date, region, service),
                     signed_header_names(canonical_headers(r)), signature);
}

std::string amz_date_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace floe::io
