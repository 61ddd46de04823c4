#include "io/s3_file_io.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <map>
#include <mutex>

#include "base/error.h"

namespace floe::io {

namespace {

// Small reads (a footer's length, a page header) fetch at least this much, so that the
// next small read nearby is served from the cache rather than by another request.
constexpr uint64_t kMinFetch = 256 << 10;
// S3 numbers parts from 1 to 10,000.
constexpr int kMaxParts = 10000;

S3Location object_location(const std::string& location) {
  S3Location loc = parse_s3_location(location);
  if (loc.key.empty() || loc.key.back() == '/')
    throw InvalidInputError(fmt::format("{}: names a bucket or folder, not an object", location));
  return loc;
}

class S3InputFile final : public InputFile {
 public:
  S3InputFile(std::shared_ptr<S3Client> client, S3Location loc, std::string path, uint64_t size)
      : client_(std::move(client)), loc_(std::move(loc)), path_(std::move(path)), size_(size) {}

  const std::string& path() const override { return path_; }
  uint64_t size() const override { return size_; }

  std::span<const uint8_t> read_at(uint64_t offset, uint64_t length) override {
    check_range(offset, length);
    if (length == 0) return {};
    if (size_ <= client_->options().whole_read_threshold) {
      const Buffer& all = whole();
      return {all.data() + offset, size_t(length)};
    }
    if (auto hit = cached(offset, length)) return *hit;
    // Widen a small read to kMinFetch, forwards, or backwards at the end of the object
    // (Parquet reads its footer from the end).
    uint64_t begin = offset, end = offset + length;
    if (end - begin < kMinFetch) {
      end = std::min(size_, begin + kMinFetch);
      if (end - begin < kMinFetch) begin = end > kMinFetch ? end - kMinFetch : 0;
    }
    Buffer bytes = client_->get_object(loc_, begin, end - begin);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ranges_.emplace(begin, std::move(bytes));
    return {it->second.data() + (offset - begin), size_t(length)};
  }

  void read_into(uint64_t offset, uint64_t length, void* dst) override {
    check_range(offset, length);
    if (length == 0) return;
    if (size_ <= client_->options().whole_read_threshold) {
      std::memcpy(dst, whole().data() + offset, size_t(length));
      return;
    }
    if (auto hit = cached(offset, length)) {
      std::memcpy(dst, hit->data(), size_t(length));
      return;
    }
    Buffer bytes = client_->get_object(loc_, offset, length);
    std::memcpy(dst, bytes.data(), size_t(length));
  }

 private:
  void check_range(uint64_t offset, uint64_t length) const {
    if (offset > size_ || length > size_ - offset)
      throw CorruptDataError(
          fmt::format("{}: read of {} bytes at offset {} is past the end "
                      "of the {}-byte object",
                      path_, length, offset, size_));
  }

  // The whole object, fetched once.
  const Buffer& whole() {
    std::lock_guard<std::mutex> lock(whole_mu_);
    if (!whole_loaded_) {
      Buffer all = client_->get_object(loc_, 0, std::nullopt);
      if (all.size() != size_)
        throw IoError(
            fmt::format("{}: object changed while being read (HEAD said {} bytes, "
                        "GET returned {})",
                        path_, size_, all.size()));
      whole_ = std::move(all);
      whole_loaded_ = true;
    }
    return whole_;
  }

  // A cached range covering [offset, offset + length), if one was fetched.
  std::optional<std::span<const uint8_t>> cached(uint64_t offset, uint64_t length) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ranges_.upper_bound(offset);
    while (it != ranges_.begin()) {
      --it;
      uint64_t begin = it->first;
      if (begin + it->second.size() >= offset + length)
        return std::span<const uint8_t>(it->second.data() + (offset - begin), size_t(length));
    }
    return std::nullopt;
  }

  std::shared_ptr<S3Client> client_;
  S3Location loc_;
  std::string path_;
  uint64_t size_;
  std::mutex whole_mu_;
  bool whole_loaded_ = false;
  Buffer whole_;
  std::mutex mu_;
  // Fetched ranges by start offset; never freed before the file, so spans stay valid.
  std::multimap<uint64_t, Buffer> ranges_;
};

class S3OutputFile final : public OutputFile {
 public:
  S3OutputFile(std::shared_ptr<S3Client> client, S3Location loc, std::string path)
      : client_(std::move(client)),
        loc_(std::move(loc)),
        path_(std::move(path)),
        part_size_(client_->options().part_size),
        threshold_(std::max<uint64_t>(client_->options().multipart_threshold, 1)) {}

  ~S3OutputFile() override {
    if (closed_ || upload_id_.empty()) return;
    // Dropped without close(): nothing may appear at the location.
    try {
      if (pending_.valid()) pending_.wait();
    } catch (...) {
    }
    client_->abort_multipart_upload(loc_, upload_id_);
  }

  const std::string& path() const override { return path_; }
  uint64_t position() const override { return position_; }

  void write(const void* data, size_t size) override {
    FLOE_CHECK(!closed_, "write to closed file {}", path_);
    if (failed_) throw IoError(fmt::format("{}: write after a failed upload", path_));
    const auto* p = static_cast<const uint8_t*>(data);
    position_ += size;
    while (size > 0) {
      // Until the object is known to be large, it may still go out in one PUT.
      uint64_t cap = upload_id_.empty() ? threshold_ : part_size_;
      if (buffer_.size() >= cap) {
        guarded([&] {
          if (upload_id_.empty()) {
            upload_id_ = client_->create_multipart_upload(loc_);
            return;
          }
          send_part(part_size_);
        });
        continue;
      }
      size_t take = size_t(std::min<uint64_t>(size, cap - buffer_.size()));
      buffer_.append(p, take);
      p += take;
      size -= take;
    }
  }

  void close() override {
    if (closed_) return;
    if (failed_) throw IoError(fmt::format("{}: close after a failed upload", path_));
    guarded([&] {
      if (upload_id_.empty()) {
        client_->put_object(loc_, buffer_.span());
      } else {
        while (buffer_.size() > part_size_) send_part(part_size_);
        if (!buffer_.empty() || (parts_.empty() && !pending_.valid())) send_part(buffer_.size());
        collect_pending();
        client_->complete_multipart_upload(loc_, upload_id_, parts_);
      }
    });
    closed_ = true;
    buffer_ = Buffer();
  }

 private:
  // Runs `f`; on failure aborts the multipart upload (if any) and rethrows, so that the
  // object never appears and later writes are refused.
  template <typename F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
      failed_ = true;
      if (pending_.valid()) {
        try {
          pending_.get();
        } catch (...) {
        }
      }
      if (!upload_id_.empty()) client_->abort_multipart_upload(loc_, upload_id_);
      upload_id_.clear();
      throw;
    }
  }

  // Sends the first `n` bytes of the buffer as the next part, in the background; waits for
  // the part before it first, so at most one part is in flight.
  void send_part(uint64_t n) {
    int number = int(parts_.size()) + (pending_.valid() ? 1 : 0) + 1;
    if (number > kMaxParts)
      throw IoError(fmt::format("{}: more than {} parts of {} bytes; raise FLOE_S3_PART_SIZE",
                                path_, kMaxParts, part_size_));
    Buffer part;
    if (n == buffer_.size()) {
      part = std::move(buffer_);
      buffer_ = Buffer();
    } else {
      part.append(buffer_.data(), size_t(n));
      std::memmove(buffer_.data(), buffer_.data() + n, buffer_.size() - size_t(n));
      buffer_.resize(buffer_.size() - size_t(n));
    }
    collect_pending();
    pending_number_ = number;
    pending_ = std::async(std::launch::async, [client = client_, loc = loc_, id = upload_id_,
                                               number, bytes = std::move(part)]() {
      return client->upload_part(loc, id, number, bytes.span());
    });
  }

  void collect_pending() {
    if (!pending_.valid()) return;
    std::string etag = pending_.get();
    parts_.push_back({pending_number_, std::move(etag)});
  }

  std::shared_ptr<S3Client> client_;
  S3Location loc_;
  std::string path_;
  uint64_t part_size_;
  uint64_t threshold_;
  Buffer buffer_;
  uint64_t position_ = 0;
  std::string upload_id_;
  std::vector<S3CompletedPart> parts_;
  std::future<std::string> pending_;
  int pending_number_ = 0;
  bool closed_ = false;
  bool failed_ = false;
};

}  // namespace

S3FileIO::S3FileIO(S3Options options) : client_(std::make_shared<S3Client>(std::move(options))) {}

std::unique_ptr<InputFile> S3FileIO::open_input(const std::string& location) {
  S3Location loc = object_location(location);
  auto info = client_->head_object(loc, false);
  return std::make_unique<S3InputFile>(client_, std::move(loc), location, info->size);
}

std::unique_ptr<OutputFile> S3FileIO::create_output(const std::string& location) {
  S3Location loc = object_location(location);
  return std::make_unique<S3OutputFile>(client_, std::move(loc), location);
}

bool S3FileIO::exists(const std::string& location) {
  return client_->head_object(object_location(location), true).has_value();
}

void S3FileIO::remove(const std::string& location) {
  client_->delete_object(object_location(location));
}

std::vector<FileInfo> S3FileIO::list(const std::string& prefix) {
  S3Location loc = parse_s3_location(prefix);
  std::vector<FileInfo> out;
  for (auto& o : client_->list_objects(loc)) {
    if (!o.key.empty() && o.key.back() == '/') continue;
    out.push_back({loc.with_key(o.key).to_string(), o.size, o.modified_ms});
  }
  return out;
}

}  // namespace floe::io
