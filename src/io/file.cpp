#include "io/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace floe::io {

namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::string& path) {
  throw IoError(fmt::format("{}: {} failed: {}", path, what, std::strerror(errno)));
}

class LocalInputFile final : public InputFile {
 public:
  explicit LocalInputFile(std::string path) : path_(std::move(path)) {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_errno("open", path_);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw_errno("stat", path_);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw IoError(fmt::format("{}: is a directory, not a file", path_));
    }
    size_ = uint64_t(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        throw_errno("mmap", path_);
      }
      data_ = static_cast<const uint8_t*>(p);
    }
    ::close(fd);
  }
  ~LocalInputFile() override {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  const std::string& path() const override { return path_; }
  uint64_t size() const override { return size_; }
  std::span<const uint8_t> read_at(uint64_t offset, uint64_t length) override {
    if (offset > size_ || length > size_ - offset)
      throw CorruptDataError(fmt::format("{}: read of {} bytes at offset {} is past the end "
                                         "of the {}-byte file",
                                         path_, length, offset, size_));
    return {data_ + offset, size_t(length)};
  }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

class MemoryInputFile final : public InputFile {
 public:
  MemoryInputFile(std::span<const uint8_t> bytes, std::string name)
      : bytes_(bytes), path_(std::move(name)) {}
  const std::string& path() const override { return path_; }
  uint64_t size() const override { return bytes_.size(); }
  std::span<const uint8_t> read_at(uint64_t offset, uint64_t length) override {
    if (offset > bytes_.size() || length > bytes_.size() - offset)
      throw CorruptDataError(fmt::format("{}: read of {} bytes at offset {} is past the end "
                                         "of the {}-byte file",
                                         path_, length, offset, bytes_.size()));
    return bytes_.subspan(size_t(offset), size_t(length));
  }

 private:
  std::span<const uint8_t> bytes_;
  std::string path_;
};

class LocalOutputFile final : public OutputFile {
 public:
  explicit LocalOutputFile(std::string path) : path_(std::move(path)) {
    static std::atomic<uint64_t> counter{0};
    tmp_path_ = fmt::format("{}.tmp-{}-{}", path_, ::getpid(), counter++);
    fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("create", path_);
    buffer_.reserve(kBufferSize);
  }
  ~LocalOutputFile() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_path_.c_str());
    }
  }
  const std::string& path() const override { return path_; }
  uint64_t position() const override { return position_; }
  void write(const void* data, size_t size) override {
    position_ += size;
    if (buffer_.size() + size > kBufferSize) {
      flush();
      if (size >= kBufferSize) {
        write_fully(data, size);
        return;
      }
    }
    buffer_.append(data, size);
  }
  void close() override {
    if (fd_ < 0) return;
    flush();
    if (::fsync(fd_) != 0) throw_errno("fsync", path_);
    if (::close(fd_) != 0) {
      fd_ = -1;
      throw_errno("close", path_);
    }
    fd_ = -1;
    if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
      ::unlink(tmp_path_.c_str());
      throw_errno("rename", path_);
    }
  }

 private:
  static constexpr size_t kBufferSize = 4 << 20;
  void flush() {
    write_fully(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  void write_fully(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    while (size > 0) {
      ssize_t n = ::write(fd_, p, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("write", path_);
      }
      p += n;
      size -= size_t(n);
    }
  }

  std::string path_;
  std::string tmp_path_;
  int fd_ = -1;
  Buffer buffer_;
  uint64_t position_ = 0;
};

class MemoryOutputFile final : public OutputFile {
 public:
  MemoryOutputFile(Buffer* sink, std::string name) : sink_(sink), path_(std::move(name)) {}
  const std::string& path() const override { return path_; }
  uint64_t position() const override { return bytes_.size(); }
  void write(const void* data, size_t size) override { bytes_.append(data, size); }
  void close() override {
    sink_->append(bytes_.data(), bytes_.size());
    bytes_.clear();
  }

 private:
  Buffer* sink_;
  std::string path_;
  Buffer bytes_;
};

}  // namespace

void InputFile::read_into(uint64_t offset, uint64_t length, void* dst) {
  auto bytes = read_at(offset, length);
  if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
}

std::unique_ptr<InputFile> open_local_input(const std::string& path) {
  return std::make_unique<LocalInputFile>(path);
}
std::unique_ptr<OutputFile> create_local_output(const std::string& path) {
  return std::make_unique<LocalOutputFile>(path);
}
std::unique_ptr<InputFile> open_memory_input(std::span<const uint8_t> bytes, std::string name) {
  return std::make_unique<MemoryInputFile>(bytes, std::move(name));
}
std::unique_ptr<OutputFile> create_memory_output(Buffer* sink, std::string name) {
  return std::make_unique<MemoryOutputFile>(sink, std::move(name));
}

}  // namespace floe::io
