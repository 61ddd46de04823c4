#include "formats/compressed_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "io/file_io.h"

namespace floe::formats {

namespace {

constexpr size_t kInputWindow = 1 << 20;
constexpr size_t kOutputBuffer = 1 << 20;
// A remote object is read in requests of this size.
constexpr size_t kRemoteChunk = 8 << 20;

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char a = s[s.size() - suffix.size() + i];
    if (a >= 'A' && a <= 'Z') a = char(a - 'A' + 'a');
    if (a != suffix[i]) return false;
  }
  return true;
}

}  // namespace

StreamCompression compression_from_path(std::string_view path) {
  if (ends_with_ci(path, ".gz") || ends_with_ci(path, ".gzip")) return StreamCompression::kGzip;
  if (ends_with_ci(path, ".zst") || ends_with_ci(path, ".zstd")) return StreamCompression::kZstd;
  return StreamCompression::kNone;
}

// ---------------------------------------------------------------------------------------
// CompressedFileReader

CompressedFileReader::CompressedFileReader(std::string path, StreamCompression compression)
    : path_(std::move(path)), compression_(compression) {
  if (io::location_scheme(path_) == "file") {
    file_ = std::fopen(io::local_path(path_).c_str(), "rb");
    if (!file_) throw IoError(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
  } else {
    remote_ = io::file_io_for(path_)->open_input(path_);
  }
  in_.resize(kInputWindow);
  if (compression_ == StreamCompression::kAuto) {
    // Look at the magic bytes; they win over the suffix.
    while (in_end_ < 4 && fill_input()) {
    }
    const auto* m = reinterpret_cast<const unsigned char*>(in_.data());
    if (in_end_ >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
      compression_ = StreamCompression::kGzip;
    } else if (in_end_ >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
      compression_ = StreamCompression::kZstd;
    } else {
      compression_ = StreamCompression::kNone;
    }
  }
  if (compression_ == StreamCompression::kGzip) {
    // 15 + 32: zlib or gzip header, detected.
    if (inflateInit2(&gz_, 15 + 32) != Z_OK)
      throw InternalError(fmt::format("{}: inflateInit2 failed", path_));
    gz_init_ = true;
  } else if (compression_ == StreamCompression::kZstd) {
    zstd_ = ZSTD_createDCtx();
    if (!zstd_) throw InternalError(fmt::format("{}: ZSTD_createDCtx failed", path_));
  }
}

CompressedFileReader::~CompressedFileReader() {
  if (gz_init_) inflateEnd(&gz_);
  if (zstd_) ZSTD_freeDCtx(zstd_);
  if (file_) std::fclose(file_);
}

// Appends more raw bytes to the input window (compacting it first); false at end of file.
bool CompressedFileReader::fill_input() {
  if (raw_eof_) return false;
  if (in_pos_ > 0) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  if (in_end_ == in_.size()) return true;
  size_t got = read_source(in_.data() + in_end_, in_.size() - in_end_);
  if (got == 0) {
    raw_eof_ = true;
    return false;
  }
  in_end_ += got;
  return true;
}

size_t CompressedFileReader::read_raw(char* dst, size_t n) {
  size_t done = 0;
  // Bytes already peeked into the window come first.
  if (in_pos_ < in_end_) {
    size_t k = std::min(n, in_end_ - in_pos_);
    std::memcpy(dst, in_.data() + in_pos_, k);
    in_pos_ += k;
    done += k;
  }
  while (done < n && !raw_eof_) {
    size_t got = read_source(dst + done, n - done);
    if (got == 0) raw_eof_ = true;
    done += got;
  }
  return done;
}

size_t CompressedFileReader::read_source(char* dst, size_t n) {
  if (remote_) {
    if (remote_chunk_pos_ == remote_chunk_.size()) {
      uint64_t left = remote_->size() - remote_pos_;
      if (left == 0) return 0;
      remote_chunk_.resize(size_t(std::min<uint64_t>(kRemoteChunk, left)));
      remote_->read_into(remote_pos_, remote_chunk_.size(), remote_chunk_.data());
      remote_pos_ += remote_chunk_.size();
      remote_chunk_pos_ = 0;
    }
    size_t k = std::min(n, remote_chunk_.size() - remote_chunk_pos_);
    std::memcpy(dst, remote_chunk_.data() + remote_chunk_pos_, k);
    remote_chunk_pos_ += k;
    return k;
  }
  size_t got = std::fread(dst, 1, n, file_);
  if (got == 0 && std::ferror(file_))
    throw IoError(fmt::format("{}: read failed: {}", path_, std::strerror(errno)));
  return got;
}

size_t CompressedFileReader::read(char* dst, size_t n) {
  if (n == 0 || stream_done_) return 0;
  switch (compression_) {
    case StreamCompression::kAuto:
    case StreamCompression::kNone: return read_raw(dst, n);
    case StreamCompression::kGzip:
      while (true) {
        if (in_pos_ == in_end_ && !fill_input()) {
          if (!at_member_end_)
            throw CorruptDataError(fmt::format("{}: gzip stream is truncated", path_));
          stream_done_ = true;
          return 0;
        }
        size_t want = std::min<size_t>(n, 1u << 30);
        gz_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
        gz_.avail_in = uInt(in_end_ - in_pos_);
        gz_.next_out = reinterpret_cast<Bytef*>(dst);
        gz_.avail_out = uInt(want);
        int rc = inflate(&gz_, Z_NO_FLUSH);
        size_t consumed = (in_end_ - in_pos_) - gz_.avail_in;
        in_pos_ += consumed;
        size_t produced = want - gz_.avail_out;
        if (rc == Z_STREAM_END) {
          // Concatenated gzip members continue the stream.
          at_member_end_ = true;
          inflateReset(&gz_);
        } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
          if (consumed || produced) at_member_end_ = false;
        } else {
          throw CorruptDataError(fmt::format("{}: gzip data is corrupt ({})", path_,
                                             gz_.msg ? gz_.msg : "inflate error"));
        }
        if (produced) return produced;
      }
    case StreamCompression::kZstd: {
      ZSTD_outBuffer out{dst, n, 0};
      while (out.pos == 0) {
        if (in_pos_ == in_end_ && !fill_input()) {
          if (!at_member_end_)
            throw CorruptDataError(fmt::format("{}: zstd stream is truncated", path_));
          stream_done_ = true;
          return 0;
        }
        ZSTD_inBuffer in{in_.data() + in_pos_, in_end_ - in_pos_, 0};
        size_t rc = ZSTD_decompressStream(zstd_, &out, &in);
        in_pos_ += in.pos;
        if (ZSTD_isError(rc))
          throw CorruptDataError(
              fmt::format("{}: zstd data is corrupt ({})", path_, ZSTD_getErrorName(rc)));
        // 0 means a frame is complete and flushed.
        at_member_end_ = rc == 0;
      }
      return out.pos;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------
// CompressedFileWriter

CompressedFileWriter::CompressedFileWriter(std::string path, StreamCompression compression)
    : path_(std::move(path)), compression_(compression) {
  if (compression_ == StreamCompression::kAuto) compression_ = compression_from_path(path_);
  if (io::location_scheme(path_) == "file") {
    file_ = std::fopen(io::local_path(path_).c_str(), "wb");
    if (!file_) throw IoError(fmt::format("{}: cannot create: {}", path_, std::strerror(errno)));
  } else {
    remote_ = io::file_io_for(path_)->create_output(path_);
  }
  if (compression_ == StreamCompression::kGzip) {
    // 15 + 16: gzip header and trailer. Level 6 is gzip's own default.
    if (deflateInit2(&gz_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw InternalError(fmt::format("{}: deflateInit2 failed", path_));
    gz_init_ = true;
  } else if (compression_ == StreamCompression::kZstd) {
    zstd_ = ZSTD_createCCtx();
    if (!zstd_) throw InternalError(fmt::format("{}: ZSTD_createCCtx failed", path_));
    ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, 3);
  }
  out_.resize(kOutputBuffer);
}

CompressedFileWriter::~CompressedFileWriter() {
  // A remote output dropped here (remote_ not closed) is abandoned: nothing is published.
  if (file_) {
    try {
      close();
    } catch (const std::exception&) {
      // Destructors must not throw; callers that care call close().
    }
  }
  if (gz_init_) deflateEnd(&gz_);
  if (zstd_) ZSTD_freeCCtx(zstd_);
}

void CompressedFileWriter::write_raw(const char* p, size_t n) {
  if (remote_) {
    if (n) remote_->write(p, n);
    return;
  }
  if (n && std::fwrite(p, 1, n, file_) != n)
    throw IoError(fmt::format("{}: write failed: {}", path_, std::strerror(errno)));
}

void CompressedFileWriter::compress(const char* p, size_t n, bool finish) {
  if (compression_ == StreamCompression::kGzip) {
    gz_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
    gz_.avail_in = uInt(n);
    int rc;
    do {
      gz_.next_out = reinterpret_cast<Bytef*>(out_.data());
      gz_.avail_out = uInt(out_.size());
      rc = deflate(&gz_, finish ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) throw InternalError(fmt::format("{}: deflate failed", path_));
      write_raw(out_.data(), out_.size() - gz_.avail_out);
    } while (gz_.avail_in > 0 || (finish && rc != Z_STREAM_END));
  } else {
    ZSTD_inBuffer in{p, n, 0};
    size_t rc;
    do {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      rc = ZSTD_compressStream2(zstd_, &out, &in, finish ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(rc))
        throw InternalError(fmt::format("{}: zstd: {}", path_, ZSTD_getErrorName(rc)));
      write_raw(out_.data(), out.pos);
    } while (in.pos < in.size || (finish && rc != 0));
  }
}

void CompressedFileWriter::write(std::string_view bytes) {
  FLOE_CHECK(file_ != nullptr || remote_ != nullptr, "write to closed file {}", path_);
  if (compression_ == StreamCompression::kNone)
    write_raw(bytes.data(), bytes.size());
  else
    compress(bytes.data(), bytes.size(), false);
}

void CompressedFileWriter::close() {
  if (remote_) {
    // On failure remote_ stays open, and the destructor abandons it unpublished.
    if (compression_ != StreamCompression::kNone) compress(nullptr, 0, true);
    remote_->close();
    remote_.reset();
    return;
  }
  if (!file_) return;
  std::FILE* f = file_;
  try {
    if (compression_ != StreamCompression::kNone) compress(nullptr, 0, true);
  } catch (...) {
    std::fclose(f);
    file_ = nullptr;
    throw;
  }
  file_ = nullptr;
  if (std::fclose(f) != 0)
    throw IoError(fmt::format("{}: close failed: {}", path_, std::strerror(errno)));
}

}  // namespace floe::formats
