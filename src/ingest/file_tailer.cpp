#include "ingest/file_tailer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <glob.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/error.h"

namespace floe::ingest {

namespace {

constexpr size_t kFingerprintBytes = 1024;
constexpr size_t kReadChunk = 1 << 20;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t mtime_ns(const struct stat& st) {
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

std::string fingerprint_of(const char* data, size_t n) {
  if (n == 0) return "";
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(data), uInt(n));
  uLong adler = adler32(1L, reinterpret_cast<const Bytef*>(data), uInt(n));
  return fmt::format("{}:{:08x}{:08x}", n, crc, adler);
}

// The fingerprint of the file at `path` over the first `length` bytes ("" if shorter).
std::string fingerprint_prefix(const std::string& path, size_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string buf(length, '\0');
  ssize_t n = ::pread(fd, buf.data(), length, 0);
  ::close(fd);
  if (n < 0 || size_t(n) != length) return "";
  return fingerprint_of(buf.data(), length);
}

size_t fingerprint_length(const std::string& fp) {
  auto colon = fp.find(':');
  return colon == std::string::npos ? 0 : std::stoull(fp.substr(0, colon));
}

// Whether the file open at `fd` still begins with the bytes `fp` was taken of.
bool same_first_bytes(int fd, const std::string& fp) {
  size_t len = fingerprint_length(fp);
  if (len == 0) return true;
  std::string buf(len, '\0');
  ssize_t n = ::pread(fd, buf.data(), len, 0);
  return n == ssize_t(len) && fingerprint_of(buf.data(), len) == fp;
}

}  // namespace

std::string FileTailer::fingerprint(int fd) {
  char buf[kFingerprintBytes];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  if (n <= 0) return "";
  return fingerprint_of(buf, size_t(n));
}

FileTailer::FileTailer(FileTailerOptions options, std::optional<TailPosition> checkpoint)
    : options_(std::move(options)), checkpoint_(std::move(checkpoint)) {
  if (!options_.multi_line_start_pattern.empty()) {
    auto* re = new RE2("(?:" + options_.multi_line_start_pattern + ")");
    if (!re->ok()) {
      std::string error = re->error();
      delete re;
      throw InvalidInputError(
          fmt::format("multiLineStartPattern '{}': {}", options_.multi_line_start_pattern, error));
    }
    start_re_ = re;
  }
}

FileTailer::~FileTailer() {
  close_current();
  delete static_cast<RE2*>(start_re_);
}

std::vector<FileTailer::Candidate> FileTailer::list() const {
  std::vector<Candidate> out;
  glob_t g;
  if (::glob(options_.pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st;
      if (::stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode)) continue;
      out.push_back({g.gl_pathv[i], uint64_t(st.st_dev), uint64_t(st.st_ino), uint64_t(st.st_size),
                     mtime_ns(st)});
    }
  }
  globfree(&g);
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.mtime_ns != b.mtime_ns ? a.mtime_ns < b.mtime_ns : a.path < b.path;
  });
  return out;
}

void FileTailer::close_current() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool FileTailer::open(const Candidate& c, uint64_t offset) {
  int fd = ::open(c.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // gone between listing and opening: the next poll sees why
  struct stat st;
  if (::fstat(fd, &st) != 0 || uint64_t(st.st_ino) != c.inode) {
    ::close(fd);
    return false;
  }
  close_current();
  fd_ = fd;
  path_ = c.path;
  device_ = c.device;
  inode_ = c.inode;
  fingerprint_ = fingerprint(fd);
  if (offset > uint64_t(st.st_size)) offset = 0;
  read_offset_ = buffer_offset_ = emitted_offset_ = offset;
  buffer_.clear();
  multi_pending_.clear();
  header_lines_left_ = offset == 0 ? options_.skip_header_lines : 0;
  last_growth_ms_ = now_ms();
  return true;
}

std::optional<FileTailer::Candidate> FileTailer::find_copy(const std::string& fp, uint64_t min_size,
                                                           uint64_t device, uint64_t inode) const {
  if (fp.empty()) return std::nullopt;
  size_t len = fingerprint_length(fp);
  for (const auto& c : list()) {
    if (c.device == device && c.inode == inode) continue;
    if (done_.count({c.device, c.inode}) || c.size < min_size || c.size < len) continue;
    if (fingerprint_prefix(c.path, len) == fp) return c;
  }
  return std::nullopt;
}

bool FileTailer::is_copy_of_seen(const Candidate& c) const {
  auto matches = [&](const std::string& fp) {
    if (fp.empty()) return false;
    size_t len = fingerprint_length(fp);
    return c.size >= len && fingerprint_prefix(c.path, len) == fp;
  };
  if (matches(fingerprint_)) return true;
  return std::any_of(seen_fingerprints_.begin(), seen_fingerprints_.end(), matches);
}

bool FileTailer::open_initial() {
  auto files = list();
  if (checkpoint_) {
    const TailPosition& cp = *checkpoint_;
    for (const auto& c : files) {
      if (c.device != cp.device || c.inode != cp.inode) continue;
      // The same inode with other first bytes is a new file that reused the number.
      if (!cp.fingerprint.empty() &&
          fingerprint_prefix(c.path, fingerprint_length(cp.fingerprint)) != cp.fingerprint) {
        if (c.size >= cp.offset) break;
        // Shrunk: truncated in place (copytruncate) while we were away; fall through.
      }
      if (c.size < cp.offset) {
        if (auto copy = find_copy(cp.fingerprint, cp.offset, c.device, c.inode)) {
          if (open(*copy, cp.offset)) {
            resume_original_ = {c.device, c.inode};
            seen_fingerprints_.push_back(cp.fingerprint);
            checkpoint_.reset();
            return true;
          }
        }
        if (!open(c, 0)) return false;
      } else if (!open(c, cp.offset)) {
        return false;
      }
      checkpoint_.reset();
      return true;
    }
    // The checkpointed file is gone: go on with the oldest file written after it.
    for (const auto& c : files) {
      if (c.mtime_ns <= cp.mtime_ns) continue;
      if (!cp.fingerprint.empty() && c.size >= fingerprint_length(cp.fingerprint) &&
          fingerprint_prefix(c.path, fingerprint_length(cp.fingerprint)) == cp.fingerprint)
        continue;  // a copy of what was read
      if (open(c, 0)) {
        checkpoint_.reset();
        return true;
      }
    }
    return false;
  }
  if (files.empty()) return false;
  const Candidate& newest = files.back();
  uint64_t offset = options_.initial_position == InitialPosition::kEndOfFile ? newest.size : 0;
  return open(newest, offset);
}

std::optional<FileTailer::Candidate> FileTailer::successor() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return std::nullopt;
  int64_t current_mtime = mtime_ns(st);
  // Rotated by rename (or deleted): the path no longer names the open file.
  struct stat at_path;
  bool moved = ::stat(path_.c_str(), &at_path) != 0 || uint64_t(at_path.st_ino) != inode_ ||
               uint64_t(at_path.st_dev) != device_;
  for (const auto& c : list()) {
    if (c.device == device_ && c.inode == inode_) continue;
    if (done_.count({c.device, c.inode})) continue;
    if (c.mtime_ns < current_mtime) continue;
    // A file that has not got data yet replaces the open one only when the open one was
    // rotated away (the writer moved on); otherwise wait for its first bytes.
    if (c.size == 0 && !moved) continue;
    if (is_copy_of_seen(c)) continue;
    return c;
  }
  return std::nullopt;
}

void FileTailer::emit(std::vector<TailedRecord>& out, std::string data, uint64_t end_offset) {
  emitted_offset_ = end_offset;
  if (data.empty() || data.back() != '\n') data += '\n';
  if (data.size() > options_.max_record_bytes) {
    const std::string& term = options_.truncated_record_terminator;
    data.resize(options_.max_record_bytes > term.size() ? options_.max_record_bytes - term.size()
                                                        : 0);
    data += term;
  }
  TailedRecord r;
  r.data = std::move(data);
  r.position = *position();
  out.push_back(std::move(r));
}

std::optional<TailPosition> FileTailer::position() const {
  if (fd_ < 0) {
    if (checkpoint_) return checkpoint_;
    return std::nullopt;
  }
  TailPosition p;
  p.path = path_;
  p.device = device_;
  p.inode = inode_;
  p.offset = emitted_offset_;
  struct stat st;
  p.mtime_ns = ::fstat(fd_, &st) == 0 ? mtime_ns(st) : 0;
  p.fingerprint = fingerprint_;
  return p;
}

void FileTailer::handle_truncation() {
  // Copytruncate: the file was copied aside, then truncated. Read the copy from where this
  // file was left (what was written between the last read and the copy is there), then
  // this file again from its start.
  std::string old_fp = fingerprint_;
  uint64_t original_device = device_, original_inode = inode_;
  seen_fingerprints_.push_back(old_fp);
  if (auto copy = find_copy(old_fp, emitted_offset_, device_, inode_)) {
    uint64_t from = emitted_offset_;
    if (open(*copy, from)) {
      resume_original_ = {original_device, original_inode};
      return;
    }
  }
  // No copy in reach: start over (what the copy held past the last read is not seen).
  read_offset_ = buffer_offset_ = emitted_offset_ = 0;
  buffer_.clear();
  multi_pending_.clear();
  header_lines_left_ = options_.skip_header_lines;
  fingerprint_ = fingerprint(fd_);
}

std::vector<TailedRecord> FileTailer::poll(size_t max_records, size_t max_bytes) {
  std::vector<TailedRecord> out;
  size_t out_bytes = 0;
  caught_up_ = false;
  if (fd_ < 0 && !open_initial()) {
    caught_up_ = true;
    return out;
  }
  auto* start_re = static_cast<RE2*>(start_re_);
  while (out.size() < max_records && out_bytes < max_bytes) {
    // Whole lines out of the buffer.
    size_t pos = 0;
    while (out.size() < max_records && out_bytes < max_bytes) {
      size_t nl = buffer_.find('\n', pos);
      if (nl == std::string::npos) break;
      std::string_view line(buffer_.data() + pos, nl + 1 - pos);
      uint64_t line_end = buffer_offset_ + nl + 1;
      pos = nl + 1;
      if (header_lines_left_ > 0) {
        --header_lines_left_;
        emitted_offset_ = line_end;
        continue;
      }
      if (!start_re) {
        out_bytes += line.size();
        emit(out, std::string(line), line_end);
        continue;
      }
      std::string_view body = line.substr(0, line.size() - 1);
      if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
      // A record starts at a line whose beginning matches the pattern.
      bool starts = start_re->Match(re2::StringPiece(body.data(), body.size()), 0, body.size(),
                                    RE2::ANCHOR_START, nullptr, 0);
      if (starts && !multi_pending_.empty()) {
        out_bytes += multi_pending_.size();
        emit(out, std::move(multi_pending_), multi_end_);
        multi_pending_.clear();
      }
      multi_pending_.append(line);
      multi_end_ = line_end;
    }
    buffer_.erase(0, pos);
    buffer_offset_ += pos;
    if (out.size() >= max_records || out_bytes >= max_bytes) break;

    // Truncated in place: the file is shorter than what was read, or (when it was written
    // again past that length before this look) its first bytes changed.
    struct stat st;
    if (::fstat(fd_, &st) == 0 &&
        (uint64_t(st.st_size) < read_offset_ || !same_first_bytes(fd_, fingerprint_))) {
      handle_truncation();
      continue;
    }

    // More bytes from the file, read straight behind the buffered ones.
    size_t had = buffer_.size();
    buffer_.resize(had + kReadChunk);
    ssize_t n = ::pread(fd_, buffer_.data() + had, kReadChunk, off_t(read_offset_));
    buffer_.resize(had + size_t(std::max<ssize_t>(n, 0)));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("{}: read failed: {}", path_, std::strerror(errno)));
    }
    if (n > 0) {
      read_offset_ += uint64_t(n);
      last_growth_ms_ = now_ms();
      if (fingerprint_length(fingerprint_) < kFingerprintBytes) fingerprint_ = fingerprint(fd_);
      continue;
    }

    // At the end of the open file.
    std::optional<Candidate> next;
    if (resume_original_) {
      for (const auto& c : list())
        if (c.device == resume_original_->first && c.inode == resume_original_->second) next = c;
    }
    if (!next) next = successor();
    if (!next) {
      if (!multi_pending_.empty() && now_ms() - last_growth_ms_ >= options_.multi_line_idle_ms) {
        out_bytes += multi_pending_.size();
        emit(out, std::move(multi_pending_), multi_end_);
        multi_pending_.clear();
      }
      // Caught up; an unterminated last line waits for its newline.
      caught_up_ = true;
      break;
    }
    // The open file is finished: what is left of it (a last line without its newline, a
    // multi-line record) is a record, then the next file from its start.
    if (!multi_pending_.empty()) {
      if (!buffer_.empty()) multi_pending_ += buffer_;
      emit(out, std::move(multi_pending_), read_offset_);
      multi_pending_.clear();
    } else if (!buffer_.empty()) {
      if (header_lines_left_ > 0)
        emitted_offset_ = read_offset_;
      else
        emit(out, buffer_, read_offset_);
    }
    buffer_.clear();
    done_.insert({device_, inode_});
    seen_fingerprints_.push_back(fingerprint_);
    resume_original_.reset();
    if (!open(*next, 0)) break;
  }
  return out;
}

}  // namespace floe::ingest
