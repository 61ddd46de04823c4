#include "formats/transcoding_reader.h"

#include <iconv.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/error.h"

namespace floe::formats {

namespace {

constexpr size_t kInputBytes = size_t(1) << 20;
constexpr size_t kOutputBytes = size_t(4) << 20;  // UTF-8 is at most 4 bytes per input byte pair
constexpr char kReplacement[] = "\xEF\xBF\xBD";   // U+FFFD

// Upper case without '-', '_' and spaces: "utf-8" and "UTF8" compare equal.
std::string normalised(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (c == '-' || c == '_' || c == ' ') continue;
    s += (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
  }
  return s;
}

// Spellings (Snowflake's among them) glibc does not know under the name given.
std::string iconv_name(std::string_view encoding) {
  std::string n = normalised(encoding);
  if (n == "LATIN1" || n == "ISO88591") return "ISO-8859-1";
  if (n.rfind("WINDOWS", 0) == 0 && n.size() == 11) return "WINDOWS-" + n.substr(7);
  if (n == "SHIFTJIS" || n == "SJIS") return "SHIFT_JIS";
  if (n == "UTF16" || n == "UTF16LE" || n == "UTF16BE" || n == "UTF32" || n == "UTF32LE" ||
      n == "UTF32BE")
    return "UTF-" + n.substr(3);
  if (n == "EUCJP") return "EUC-JP";
  if (n == "EUCKR") return "EUC-KR";
  if (n == "KOI8R") return "KOI8-R";
  return std::string(encoding);
}

}  // namespace

bool is_utf8_encoding(std::string_view encoding) { return normalised(encoding) == "UTF8"; }

TranscodingReader::TranscodingReader(Source source, std::string encoding, const std::string& path)
    : source_(std::move(source)), encoding_(std::move(encoding)) {
  std::string name = iconv_name(encoding_);
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == iconv_t(-1)) cd = iconv_open("UTF-8", encoding_.c_str());
  if (cd == iconv_t(-1))
    throw InvalidInputError(fmt::format("{}: unknown encoding '{}'", path, encoding_));
  cd_ = cd;
  std::string n = normalised(name);
  unit_ = n.rfind("UTF16", 0) == 0 || n.rfind("UCS2", 0) == 0   ? 2
          : n.rfind("UTF32", 0) == 0 || n.rfind("UCS4", 0) == 0 ? 4
                                                                 : 1;
  in_.resize(kInputBytes);
  out_.resize(kOutputBytes);
}

TranscodingReader::~TranscodingReader() {
  if (cd_) iconv_close(iconv_t(cd_));
}

void TranscodingReader::fill_output() {
  out_pos_ = out_end_ = 0;
  while (out_end_ == 0) {
    // Top up the input: keep an incomplete sequence from the last call at the front.
    if (!in_eof_ && in_end_ - in_pos_ < in_.size() / 2) {
      std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
      in_end_ -= in_pos_;
      in_pos_ = 0;
      while (!in_eof_ && in_end_ < in_.size()) {
        size_t got = source_(in_.data() + in_end_, in_.size() - in_end_);
        if (got == 0) in_eof_ = true;
        in_end_ += got;
      }
    }
    char* ip = in_.data() + in_pos_;
    size_t ileft = in_end_ - in_pos_;
    char* op = out_.data();
    size_t oleft = out_.size();
    if (ileft == 0) {
      if (flushed_) return;
      // Let a stateful encoding (ISO-2022-*) write its final shift sequence.
      iconv(iconv_t(cd_), nullptr, nullptr, &op, &oleft);
      flushed_ = true;
      out_end_ = out_.size() - oleft;
      return;
    }
    size_t rc = iconv(iconv_t(cd_), &ip, &ileft, &op, &oleft);
    int err = errno;
    in_pos_ = in_end_ - ileft;
    out_end_ = out_.size() - oleft;
    if (rc != size_t(-1)) continue;
    if (err == E2BIG) return;
    bool incomplete = err == EINVAL;
    if (incomplete && !in_eof_) continue;  // read more first
    if (oleft < 3) return;                 // room for the replacement next time
    // Not valid in the source encoding (or cut off at the end): U+FFFD for one unit.
    std::memcpy(out_.data() + out_end_, kReplacement, 3);
    out_end_ += 3;
    in_pos_ = std::min(in_end_, in_pos_ + (incomplete ? ileft : unit_));
  }
}

size_t TranscodingReader::read(char* dst, size_t n) {
  if (out_pos_ == out_end_) fill_output();
  size_t k = std::min(n, out_end_ - out_pos_);
  std::memcpy(dst, out_.data() + out_pos_, k);
  out_pos_ += k;
  return k;
}

}  // namespace floe::formats
