// TranscodingReader: a byte stream decorator that turns text in another character encoding
// (ISO-8859-1, WINDOWS-1252, UTF-16, Shift_JIS, ...) into UTF-8 as it is read, with glibc's
// iconv. Layer: formats. Used by the CSV and NDJSON readers for their `encoding` option.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace floe::formats {

// True when `encoding` names UTF-8 (UTF8, utf-8, ...): bytes pass through untouched.
bool is_utf8_encoding(std::string_view encoding);

// Reads bytes in `encoding` from `source` (a function like CompressedFileReader::read:
// copies up to n bytes, returns how many, 0 only at the end) and returns them as UTF-8.
// A byte sequence that is not valid in the source encoding becomes U+FFFD, as does an
// incomplete sequence at the end of the input. Not thread-safe.
class TranscodingReader {
 public:
  using Source = std::function<size_t(char* dst, size_t n)>;

  // Throws InvalidInputError naming `encoding` when iconv does not know it; `path` is for
  // that message.
  TranscodingReader(Source source, std::string encoding, const std::string& path);
  ~TranscodingReader();
  TranscodingReader(const TranscodingReader&) = delete;
  TranscodingReader& operator=(const TranscodingReader&) = delete;

  // Copies up to `n` UTF-8 bytes into `dst`; returns how many (0 only at the end).
  size_t read(char* dst, size_t n);

 private:
  void fill_output();

  Source source_;
  std::string encoding_;
  void* cd_ = nullptr;  // iconv_t
  size_t unit_ = 1;     // bytes skipped past an invalid sequence
  std::vector<char> in_;
  size_t in_pos_ = 0, in_end_ = 0;
  bool in_eof_ = false;
  std::vector<char> out_;
  size_t out_pos_ = 0, out_end_ = 0;
  bool flushed_ = false;
};

}  // namespace floe::formats
