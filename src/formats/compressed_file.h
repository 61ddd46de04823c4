// CompressedFileReader / CompressedFileWriter: sequential byte streams over a text file
// that may be gzip- or zstd-compressed, decompressing as a stream (never whole-file). Local
// paths use stdio; other locations (s3://…) go through their io::FileIO.
// Layer: formats. Used by the CSV and NDJSON readers and writers.
#pragma once

#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/file.h"

namespace floe::formats {

enum class StreamCompression { kAuto, kNone, kGzip, kZstd };

// Reads a file's (decompressed) bytes in order. kAuto picks gzip or zstd from the magic
// bytes (so a misnamed file still reads), else plain bytes; concatenated gzip members and
// zstd frames read as one stream.
// Throws IoError when the file cannot be opened or read, CorruptDataError on bad
// compressed data. Not thread-safe.
class CompressedFileReader {
 public:
  explicit CompressedFileReader(std::string path,
                                StreamCompression compression = StreamCompression::kAuto);
  ~CompressedFileReader();
  CompressedFileReader(const CompressedFileReader&) = delete;
  CompressedFileReader& operator=(const CompressedFileReader&) = delete;

  // Copies up to `n` decompressed bytes into `dst`; returns how many (0 only at the end).
  size_t read(char* dst, size_t n);
  const std::string& path() const { return path_; }
  StreamCompression compression() const { return compression_; }

 private:
  size_t read_raw(char* dst, size_t n);
  bool fill_input();
  // Up to `n` raw bytes from the file or object; 0 at its end.
  size_t read_source(char* dst, size_t n);

  std::string path_;
  StreamCompression compression_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<io::InputFile> remote_;  // a non-local location
  uint64_t remote_pos_ = 0;
  std::vector<char> remote_chunk_;  // read ahead from remote_, in large requests
  size_t remote_chunk_pos_ = 0;
  bool raw_eof_ = false;
  bool stream_done_ = false;
  bool at_member_end_ = false;  // the last gzip member / zstd frame is complete
  std::vector<char> in_;  // compressed input window
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  z_stream gz_{};
  bool gz_init_ = false;
  ZSTD_DCtx* zstd_ = nullptr;
};

// Writes bytes to a file, compressing with gzip when the path ends in .gz and zstd when
// it ends in .zst (kAuto), or as told. Buffers internally; close() flushes and reports
// errors. The destructor closes a local file silently, but drops a remote one unpublished
// (an object appears only when close() succeeds). Throws IoError on write failure.
class CompressedFileWriter {
 public:
  explicit CompressedFileWriter(std::string path,
                                StreamCompression compression = StreamCompression::kAuto);
  ~CompressedFileWriter();
  CompressedFileWriter(const CompressedFileWriter&) = delete;
  CompressedFileWriter& operator=(const CompressedFileWriter&) = delete;

  void write(std::string_view bytes);
  void close();
  const std::string& path() const { return path_; }

 private:
  void write_raw(const char* p, size_t n);
  void compress(const char* p, size_t n, bool finish);

  std::string path_;
  StreamCompression compression_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<io::OutputFile> remote_;  // a non-local location
  std::vector<char> out_;
  z_stream gz_{};
  bool gz_init_ = false;
  ZSTD_CCtx* zstd_ = nullptr;
};

// The compression a path's suffix names (.gz/.gzip, .zst/.zstd), else kNone.
StreamCompression compression_from_path(std::string_view path);

}  // namespace floe::formats
