// Hashing and encoding: MD5, SHA1, SHA2 (224/256/384/512) as hex or binary through
// OpenSSL's EVP, HASH(...) as a BIGINT xxHash64 over any values (NULL hashes too, as
// Snowflake's HASH does), BASE64 and HEX encoding and decoding, UUID_STRING (version 4).
#include <openssl/evp.h>
#include <xxhash.h>

#include <cmath>
#include <memory>
#include <random>

#include "columnar/value_text.h"
#include "exec/column_builder.h"
#include "exec/function_library.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

void hex_into(const unsigned char* p, size_t n, char* out, const char* digits) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
}

// ---- digests ----

struct DigestContext {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};

  unsigned digest(const EVP_MD* md, std::string_view v, unsigned char* out) {
    unsigned len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), v.data(), v.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out, &len) != 1)
      throw InternalError("internal error: OpenSSL digest failed");
    return len;
  }
};

const EVP_MD* sha2_md(int64_t bits) {
  switch (bits) {
    case 224: return EVP_sha224();
    case 0:
    case 256: return EVP_sha256();
    case 384: return EVP_sha384();
    case 512: return EVP_sha512();
    default:
      throw InvalidInputError(
          fmt::format("sha2: digest size {} is not one of 224, 256, 384, 512", bits));
  }
}

// kMd: 'm' md5, '1' sha1, '2' sha2 (bits from argument 1).
template <char kMd, bool kHex>
Column digest_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column* bits = a.columns.size() > 1 ? a.columns[1] : nullptr;
  DigestContext ctx;
  unsigned char md[EVP_MAX_MD_SIZE];
  return map_string(
      a.columns, a.rows, rt, size_t(a.rows) * (kHex ? 64 : 32), [&](int64_t i, StringBuilder& b) {
        const EVP_MD* m = kMd == 'm'   ? EVP_md5()
                          : kMd == '1' ? EVP_sha1()
                                       : sha2_md(bits ? bits->value<int64_t>(i) : 256);
        unsigned n = ctx.digest(m, s.string_at(i), md);
        if (!kHex) return b.append({reinterpret_cast<char*>(md), n});
        char* out = b.extend(2 * n);
        hex_into(md, n, out, kHexLower);
        b.commit(2 * n);
      });
}

// ---- hash ----

constexpr uint64_t kNullHash = 0x9E3779B97F4A7C15ULL;

// Folds column c into the running hashes, one value per row.
void hash_column(const Column& c, std::vector<uint64_t>& h, std::string& scratch) {
  const int64_t rows = c.size();
  const TypeId id = c.type().id();
  auto fold = [&](int64_t i, const void* p, size_t n) { h[size_t(i)] = XXH64(p, n, h[size_t(i)]); };
  for (int64_t i = 0; i < rows; ++i) {
    if (c.is_null(i)) {
      h[size_t(i)] = XXH64(&kNullHash, sizeof(kNullHash), h[size_t(i)]);
      continue;
    }
    switch (id) {
      case TypeId::kString:
      case TypeId::kBinary: {
        std::string_view v = c.string_at(i);
        fold(i, v.data(), v.size());
        break;
      }
      case TypeId::kFloat64: {
        double d = c.value<double>(i);
        if (d == 0) d = 0;  // -0.0 hashes as 0.0
        if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
        fold(i, &d, sizeof d);
        break;
      }
      default: {
        int w = c.type().byte_width();
        if (w > 0 && !c.type().is_nested()) {
          fold(i, c.data_buffer().data() + size_t(i) * size_t(w), size_t(w));
        } else {
          scratch.clear();
          columnar::append_value_json(c, i, scratch);
          fold(i, scratch.data(), scratch.size());
        }
      }
    }
  }
}

Column hash_kernel(const ScalarArgs& a, const DataType& rt) {
  std::vector<uint64_t> h(size_t(a.rows), 0);
  std::string scratch;
  for (const Column* c : a.columns) hash_column(*c, h, scratch);
  FixedBuilder<int64_t> b(rt, a.rows);
  for (int64_t i = 0; i < a.rows; ++i) b.set(i, int64_t(h[size_t(i)]));
  return b.finish();
}

std::optional<ScalarFunction> bind_hash(std::span<const DataType> args) {
  if (args.empty()) return std::nullopt;
  std::vector<DataType> at;
  for (const auto& t : args) at.push_back(value_type(t));
  return bound(bigint_type(), std::move(at), hash_kernel);
}

// ---- base64 ----

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Column base64_encode_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  return map_string(a.columns, a.rows, rt, string_bytes(s) * 4 / 3 + size_t(a.rows) * 4,
                    [&](int64_t i, StringBuilder& b) {
                      std::string_view v = s.string_at(i);
                      auto p = reinterpret_cast<const unsigned char*>(v.data());
                      size_t n = v.size();
                      char* out = b.extend((n + 2) / 3 * 4);
                      size_t o = 0;
                      for (size_t k = 0; k < n; k += 3) {
                        uint32_t x = uint32_t(p[k]) << 16;
                        if (k + 1 < n) x |= uint32_t(p[k + 1]) << 8;
                        if (k + 2 < n) x |= p[k + 2];
                        out[o++] = kBase64[x >> 18];
                        out[o++] = kBase64[(x >> 12) & 63];
                        out[o++] = k + 1 < n ? kBase64[(x >> 6) & 63] : '=';
                        out[o++] = k + 2 < n ? kBase64[x & 63] : '=';
                      }
                      b.commit(o);
                    });
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes v into out (room for v.size() bytes); whitespace is skipped. Returns the bytes
// written or -1 when v is not base64.
int64_t base64_decode(std::string_view v, char* out) {
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  int64_t n = 0, symbols = 0;
  for (char c : v) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      ++symbols;
      continue;
    }
    int d = base64_value(c);
    if (d < 0 || pad) return -1;
    ++symbols;
    acc = (acc << 6) | uint32_t(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = char((acc >> bits) & 0xFF);
    }
  }
  if (symbols % 4 != 0 || pad > 2) return -1;
  return n;
}

template <bool kTry>
Column base64_decode_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = rt.id() == TypeId::kBinary ? "base64_decode_binary" : "base64_decode_string";
  const Column& s = *a.columns[0];
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    int64_t n = base64_decode(v, b.extend(v.size()));
    if (n < 0) {
      if (kTry) return b.append_null();
      throw InvalidInputError(fmt::format("{}: '{}' is not base64", fn, v.substr(0, 64)));
    }
    b.commit(size_t(n));
  });
}

// ---- hex ----

Column hex_encode_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column* upper = a.columns.size() > 1 ? a.columns[1] : nullptr;
  return map_string(a.columns, a.rows, rt, string_bytes(s) * 2, [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    int64_t u = upper ? upper->value<int64_t>(i) : 1;
    if (u != 0 && u != 1)
      throw InvalidInputError(fmt::format("hex_encode: case {} is neither 0 nor 1", u));
    char* out = b.extend(v.size() * 2);
    hex_into(reinterpret_cast<const unsigned char*>(v.data()), v.size(), out,
             u ? kHexUpper : kHexLower);
    b.commit(v.size() * 2);
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 32) >= 'a' && (c | 32) <= 'f') return (c | 32) - 'a' + 10;
  return -1;
}

template <bool kTry>
Column hex_decode_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = rt.id() == TypeId::kBinary ? "hex_decode_binary" : "hex_decode_string";
  const Column& s = *a.columns[0];
  return map_string(a.columns, a.rows, rt, string_bytes(s) / 2, [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    bool ok = v.size() % 2 == 0;
    char* out = b.extend(v.size() / 2);
    for (size_t k = 0; ok && k < v.size(); k += 2) {
      int hi = hex_value(v[k]), lo = hex_value(v[k + 1]);
      ok = hi >= 0 && lo >= 0;
      out[k / 2] = char(hi * 16 + lo);
    }
    if (!ok) {
      if (kTry) return b.append_null();
      throw InvalidInputError(fmt::format("{}: '{}' is not hexadecimal", fn, v.substr(0, 64)));
    }
    b.commit(v.size() / 2);
  });
}

// ---- uuid ----

Column uuid_kernel(const ScalarArgs& a, const DataType& rt) {
  static thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    return (uint64_t(rd()) << 32) ^ rd();
  }());
  StringBuilder b(rt, a.rows, size_t(a.rows) * 36);
  for (int64_t i = 0; i < a.rows; ++i) {
    uint64_t hi = gen(), lo = gen();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;        // version 4
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // variant 10
    unsigned char bytes[16];
    for (int k = 0; k < 8; ++k) {
      bytes[k] = uint8_t(hi >> (56 - 8 * k));
      bytes[8 + k] = uint8_t(lo >> (56 - 8 * k));
    }
    char* out = b.extend(36);
    size_t o = 0;
    for (int k = 0; k < 16; ++k) {
      if (k == 4 || k == 6 || k == 8 || k == 10) out[o++] = '-';
      hex_into(bytes + k, 1, out + o, kHexLower);
      o += 2;
    }
    b.commit(o);
  }
  return b.finish();
}

}  // namespace

void register_hash_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), B = binary_type();
  t.add("md5", {"md5_hex"})
      .overload({V}, V, digest_kernel<'m', true>)
      .overload({B}, V, digest_kernel<'m', true>);
  t.add("md5_binary")
      .overload({V}, B, digest_kernel<'m', false>)
      .overload({B}, B, digest_kernel<'m', false>);
  t.add("sha1", {"sha1_hex"})
      .overload({V}, V, digest_kernel<'1', true>)
      .overload({B}, V, digest_kernel<'1', true>);
  t.add("sha1_binary")
      .overload({V}, B, digest_kernel<'1', false>)
      .overload({B}, B, digest_kernel<'1', false>);
  t.add("sha2", {"sha2_hex"})
      .overload({V}, V, digest_kernel<'2', true>)
      .overload({V, I}, V, digest_kernel<'2', true>)
      .overload({B}, V, digest_kernel<'2', true>)
      .overload({B, I}, V, digest_kernel<'2', true>);
  t.add("sha2_binary")
      .overload({V}, B, digest_kernel<'2', false>)
      .overload({V, I}, B, digest_kernel<'2', false>)
      .overload({B}, B, digest_kernel<'2', false>)
      .overload({B, I}, B, digest_kernel<'2', false>);
  t.add("hash").rule("hash(ANY[, ...])", bind_hash);
  t.add("base64_encode")
      .overload({V}, V, base64_encode_kernel)
      .overload({B}, V, base64_encode_kernel);
  t.add("base64_decode_string").overload({V}, V, base64_decode_kernel<false>);
  t.add("base64_decode_binary").overload({V}, B, base64_decode_kernel<false>);
  t.add("try_base64_decode_string").overload({V}, V, base64_decode_kernel<true>);
  t.add("try_base64_decode_binary").overload({V}, B, base64_decode_kernel<true>);
  t.add("hex_encode")
      .overload({V}, V, hex_encode_kernel)
      .overload({V, I}, V, hex_encode_kernel)
      .overload({B}, V, hex_encode_kernel)
      .overload({B, I}, V, hex_encode_kernel);
  t.add("hex_decode_string").overload({V}, V, hex_decode_kernel<false>);
  t.add("hex_decode_binary").overload({V}, B, hex_decode_kernel<false>);
  t.add("try_hex_decode_string").overload({V}, V, hex_decode_kernel<true>);
  t.add("try_hex_decode_binary").overload({V}, B, hex_decode_kernel<true>);
  t.add("uuid_string", {"uuid", "gen_random_uuid"}).overload({}, V, uuid_kernel).nondeterministic();
}

}  // namespace floe::exec
