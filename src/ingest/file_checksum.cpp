// Checksums of staged files. Layer: ingest.
#include "ingest/file_checksum.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <xxhash.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "io/file_io.h"

namespace floe::ingest {
namespace {

void for_each_chunk(const std::string& location, const std::function<void(const uint8_t*, size_t)>& fn) {
  auto io = io::file_io_for(location);
  auto in = io->open_input(location);
  constexpr uint64_t kChunk = 4 << 20;
  std::vector<uint8_t> buf;
  uint64_t size = in->size();
  for (uint64_t off = 0; off < size; off += kChunk) {
    uint64_t n = std::min(kChunk, size - off);
    buf.resize(n);
    in->read_into(off, n, buf.data());
    fn(buf.data(), n);
  }
}

}  // namespace

std::string file_checksum(const std::string& location) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> st(XXH3_createState(), &XXH3_freeState);
  XXH3_128bits_reset(st.get());
  for_each_chunk(location, [&](const uint8_t* d, size_t n) { XXH3_128bits_update(st.get(), d, n); });
  XXH128_hash_t h = XXH3_128bits_digest(st.get());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string file_md5(const std::string& location) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr);
  for_each_chunk(location, [&](const uint8_t* d, size_t n) { EVP_DigestUpdate(ctx.get(), d, n); });
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

}  // namespace floe::ingest
