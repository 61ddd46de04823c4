#include "columnar/spill_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace floe::columnar {

namespace fs = std::filesystem;

namespace {

std::atomic<int64_t> next_directory{0};

[[noreturn]] void spill_failed(const fs::path& where, const std::string& why) {
  throw IoError(fmt::format("spilling to {}: {} (set temp_directory to a folder with room)",
                            where.string(), why));
}

// Little-endian host layout is fine: the bytes never leave the process.
template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &v, sizeof(T));
}

void put_buffer(std::vector<uint8_t>& out, const Buffer& b) {
  put<uint64_t>(out, b.size());
  out.insert(out.end(), b.data(), b.data() + b.size());
}

void put_column(std::vector<uint8_t>& out, const Column& c) {
  put<int64_t>(out, c.size());
  put<int64_t>(out, c.null_count());
  put_buffer(out, c.validity_buffer());
  put_buffer(out, c.data_buffer());
  put_buffer(out, c.offsets_buffer());
  put<uint32_t>(out, uint32_t(c.num_children()));
  for (const auto& ch : c.children()) put_column(out, ch);
}

// Reads back what put_column wrote; a length past the payload is a broken spill file.
class PayloadReader {
 public:
  PayloadReader(const std::vector<uint8_t>& p, const fs::path& path) : p_(p), path_(path) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  void get_buffer(Buffer& b) {
    uint64_t n = get<uint64_t>();
    need(n);
    b.resize(size_t(n));
    if (n) std::memcpy(b.data(), p_.data() + pos_, size_t(n));
    pos_ += size_t(n);
  }
  Column get_column(const DataType& type) {
    Column c(type);
    int64_t size = get<int64_t>();
    int64_t nulls = get<int64_t>();
    get_buffer(c.validity_buffer());
    get_buffer(c.data_buffer());
    get_buffer(c.offsets_buffer());
    uint32_t children = get<uint32_t>();
    FLOE_CHECK(children == c.num_children(), "spill file {}: {} children for {}, expected {}",
               path_.string(), children, type.to_string(), c.num_children());
    for (uint32_t i = 0; i < children; ++i) c.children()[i] = get_column(type.children()[i].type);
    c.set_size(size, nulls);
    return c;
  }
  bool at_end() const { return pos_ == p_.size(); }

 private:
  void need(size_t n) const {
    FLOE_CHECK(n <= p_.size() - pos_, "spill file {}: {} bytes needed at {} of {}",
               path_.string(), n, pos_, p_.size());
  }
  const std::vector<uint8_t>& p_;
  const fs::path& path_;
  size_t pos_ = 0;
};

}  // namespace

SpillDirectory::SpillDirectory(fs::path parent) : parent_(std::move(parent)) {
  if (parent_.empty()) {
    std::error_code ec;
    parent_ = fs::temp_directory_path(ec);
    if (ec) parent_ = fs::current_path();
  }
}

SpillDirectory::~SpillDirectory() {
  if (folder_.empty()) return;
  std::error_code ec;  // cleanup must not throw; a leftover folder is harmless
  fs::remove_all(folder_, ec);
}

fs::path SpillDirectory::new_file_path() {
  std::lock_guard<std::mutex> lock(mu_);
  if (folder_.empty()) {
    fs::path f = parent_ / fmt::format("floe-spill-{}-{}", ::getpid(), next_directory++);
    std::error_code ec;
    fs::create_directories(f, ec);
    if (ec) spill_failed(parent_, ec.message());
    folder_ = f;
  }
  return folder_ / fmt::format("{}.spill", next_file_++);
}

SpillFile::SpillFile(SpillDirectory& dir) : dir_(dir) {}

SpillFile::~SpillFile() {
  if (out_) std::fclose(out_);
  if (!path_.empty()) {
    std::error_code ec;
    fs::remove(path_, ec);
  }
}

void SpillFile::append(const Batch& batch) {
  int64_t rows = batch.num_rows();
  if (rows == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty()) {
    path_ = dir_.new_file_path();
    out_ = std::fopen(path_.c_str(), "wb");
    if (!out_) {
      int e = errno;
      path_.clear();
      spill_failed(dir_.parent(), std::strerror(e));
    }
    schema_ = batch.schema;
    if (schema_.fields.size() != batch.columns.size()) {
      schema_.fields.clear();
      for (const auto& c : batch.columns) schema_.fields.emplace_back("", c.type());
    }
  }
  FLOE_CHECK(out_, "spill file {} appended to after reading began", path_.string());
  FLOE_CHECK(batch.columns.size() == schema_.fields.size(),
             "spill file {}: {} columns, expected {}", path_.string(), batch.columns.size(),
             schema_.fields.size());
  scratch_.clear();
  put<uint64_t>(scratch_, 0);  // payload length, filled below
  put<int64_t>(scratch_, rows);
  put<uint32_t>(scratch_, uint32_t(batch.columns.size()));
  for (const auto& c : batch.columns) put_column(scratch_, c);
  uint64_t payload = scratch_.size() - sizeof(uint64_t);
  std::memcpy(scratch_.data(), &payload, sizeof(payload));
  if (std::fwrite(scratch_.data(), 1, scratch_.size(), out_) != scratch_.size())
    spill_failed(dir_.parent(), std::strerror(errno));
  rows_ += rows;
  bytes_ += int64_t(scratch_.size());
  ++batches_;
  dir_.rows_written += rows;
  dir_.bytes_written += int64_t(scratch_.size());
  // A batch can be large; do not keep its copy around between appends.
  if (scratch_.capacity() > (size_t(1) << 20)) std::vector<uint8_t>().swap(scratch_);
}

void SpillFile::finish_writing() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!out_) return;
  // Buffered write errors (a full disk) show up here at the latest.
  bool ok = std::fflush(out_) == 0;
  int e = errno;
  ok = (std::fclose(out_) == 0) && ok;
  out_ = nullptr;
  if (!ok) spill_failed(dir_.parent(), std::strerror(e ? e : errno));
}

SpillFile::Reader::Reader(SpillFile& file) : file_(file) {
  file.finish_writing();
  if (file.batches_ == 0) return;
  in_ = std::fopen(file.path_.c_str(), "rb");
  if (!in_) spill_failed(file.path_, std::strerror(errno));
}

SpillFile::Reader::~Reader() {
  if (in_) std::fclose(in_);
}

bool SpillFile::Reader::next(Batch& out) {
  if (!in_ || read_ >= file_.batches_) return false;
  uint64_t n = 0;
  if (std::fread(&n, sizeof(n), 1, in_) != 1) spill_failed(file_.path_, "the file ended early");
  payload_.resize(size_t(n));
  if (n && std::fread(payload_.data(), 1, size_t(n), in_) != n)
    spill_failed(file_.path_, "the file ended early");
  ++read_;
  PayloadReader r(payload_, file_.path_);
  out = Batch();
  out.schema = file_.schema_;
  out.rows_without_columns = r.get<int64_t>();
  uint32_t cols = r.get<uint32_t>();
  FLOE_CHECK(cols == file_.schema_.fields.size(), "spill file {}: {} columns, expected {}",
             file_.path_.string(), cols, file_.schema_.fields.size());
  for (uint32_t c = 0; c < cols; ++c)
    out.columns.push_back(r.get_column(file_.schema_.fields[c].type));
  FLOE_CHECK(r.at_end(), "spill file {}: bytes left after a batch", file_.path_.string());
  if (payload_.capacity() > (size_t(1) << 20)) std::vector<uint8_t>().swap(payload_);
  return true;
}

}  // namespace floe::columnar
