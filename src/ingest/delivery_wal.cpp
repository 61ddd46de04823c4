#include "ingest/delivery_wal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/fault_point.h"

namespace floe::ingest {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'F', 'L', 'O', 'E', 'W', 'A', 'L', '1'};
constexpr size_t kEntryHeader = 16;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += char((v >> (8 * i)) & 0xff);
}
void put_i64(std::string& out, int64_t value) {
  uint64_t v = uint64_t(value);
  for (int i = 0; i < 8; ++i) out += char((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(p[i])) << (8 * i);
  return v;
}
int64_t get_i64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(p[i])) << (8 * i);
  return int64_t(v);
}

uint32_t entry_crc(int64_t arrival_ms, std::string_view data) {
  char ts[8];
  uint64_t v = uint64_t(arrival_ms);
  for (int i = 0; i < 8; ++i) ts[i] = char((v >> (8 * i)) & 0xff);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(ts), 8);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size()));
  return uint32_t(crc);
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("{}: write failed: {}", path, std::strerror(errno)));
    }
    done += size_t(n);
  }
}

void sync_folder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw IoError(fmt::format("{}: cannot open: {}", folder, std::strerror(errno)));
  ::fsync(fd);
  ::close(fd);
}

std::optional<uint64_t> segment_number(const std::string& name) {
  if (name.size() != 28 || name.rfind("wal-", 0) != 0 || name.substr(24) != ".log")
    return std::nullopt;
  std::string digits = name.substr(4, 20);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoull(digits);
}

}  // namespace

DeliveryWal::DeliveryWal(std::string folder) : folder_(std::move(folder)) {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) throw IoError(fmt::format("{}: cannot create the WAL folder: {}", folder_, ec.message()));
  std::ifstream last(fs::path(folder_) / "last-segment");
  uint64_t stored = 0;
  if (last >> stored) last_sequence_ = stored;
  std::vector<uint64_t> found;
  for (const auto& e : fs::directory_iterator(folder_)) {
    if (auto n = segment_number(e.path().filename().string())) found.push_back(*n);
  }
  std::sort(found.begin(), found.end());
  for (uint64_t n : found) {
    last_sequence_ = std::max(last_sequence_, n);
    WalSegment s = read_segment(segment_path(n), n, /*repair=*/true);
    if (s.records.empty()) {
      fs::remove(segment_path(n), ec);
      continue;
    }
    recovered_.push_back(std::move(s));
  }
}

DeliveryWal::~DeliveryWal() {
  if (fd_ >= 0) ::close(fd_);
}

std::string DeliveryWal::segment_path(uint64_t sequence) const {
  return (fs::path(folder_) / fmt::format("wal-{:020}.log", sequence)).string();
}

std::vector<WalSegment> DeliveryWal::take_recovered() { return std::move(recovered_); }

void DeliveryWal::reserve_through(uint64_t sequence) {
  if (sequence > last_sequence_) {
    last_sequence_ = sequence;
    write_last_sequence(sequence);
  }
}

void DeliveryWal::write_last_sequence(uint64_t sequence) {
  std::string path = (fs::path(folder_) / "last-segment").string();
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(fmt::format("{}: cannot create: {}", tmp, std::strerror(errno)));
  try {
    write_all(fd, std::to_string(sequence) + "\n", tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    throw IoError(fmt::format("{}: cannot rename: {}", tmp, std::strerror(errno)));
}

void DeliveryWal::open_segment() {
  uint64_t n = last_sequence_ + 1;
  write_last_sequence(n);
  last_sequence_ = n;
  std::string path = segment_path(n);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  try {
    write_all(fd, std::string(kMagic, 8), path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  sync_folder(folder_);
  fd_ = fd;
  open_sequence_ = n;
  open_offset_ = 8;
}

std::vector<WalPosition> DeliveryWal::append(const std::vector<std::string_view>& records,
                                             int64_t arrival_ms) {
  if (fd_ < 0) open_segment();
  std::string bytes;
  size_t total = 0;
  for (auto r : records) total += kEntryHeader + r.size();
  bytes.reserve(total);
  std::vector<WalPosition> positions;
  positions.reserve(records.size());
  uint64_t offset = open_offset_;
  for (auto r : records) {
    positions.push_back({open_sequence_, offset});
    put_u32(bytes, uint32_t(r.size()));
    put_u32(bytes, entry_crc(arrival_ms, r));
    put_i64(bytes, arrival_ms);
    bytes.append(r);
    offset += kEntryHeader + r.size();
  }
  std::string path = segment_path(open_sequence_);
  try {
    write_all(fd_, bytes, path);
    FLOE_FAULT_POINT("delivery.wal_before_sync");
    if (::fdatasync(fd_) != 0)
      throw IoError(fmt::format("{}: fdatasync failed: {}", path, std::strerror(errno)));
  } catch (...) {
    // Whatever part of the write landed is not acknowledged: cut it off so that the next
    // append follows the last acknowledged entry.
    if (::ftruncate(fd_, off_t(open_offset_)) != 0 ||
        ::lseek(fd_, off_t(open_offset_), SEEK_SET) < 0) {
      ::close(fd_);
      fd_ = -1;
    }
    throw;
  }
  open_offset_ = offset;
  return positions;
}

std::optional<uint64_t> DeliveryWal::seal() {
  if (fd_ < 0) return std::nullopt;
  ::close(fd_);
  fd_ = -1;
  open_offset_ = 0;
  return open_sequence_;
}

void DeliveryWal::remove(uint64_t sequence) {
  std::error_code ec;
  fs::remove(segment_path(sequence), ec);
  if (ec) throw IoError(fmt::format("{}: cannot remove: {}", segment_path(sequence), ec.message()));
}

WalSegment DeliveryWal::read_segment(const std::string& path, uint64_t sequence, bool repair) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("{}: cannot open", path));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WalSegment s;
  s.sequence = sequence;
  if (bytes.size() < 8) {
    // A crash right after the segment was created: nothing was acknowledged in it.
    s.end_offset = 0;
  } else {
    if (std::memcmp(bytes.data(), kMagic, 8) != 0)
      throw CorruptDataError(fmt::format("{}: not a floe delivery WAL segment", path));
    size_t pos = 8;
    while (pos + kEntryHeader <= bytes.size()) {
      uint32_t len = get_u32(bytes.data() + pos);
      uint32_t crc = get_u32(bytes.data() + pos + 4);
      int64_t arrival = get_i64(bytes.data() + pos + 8);
      if (pos + kEntryHeader + len > bytes.size()) break;  // torn tail
      std::string_view data(bytes.data() + pos + kEntryHeader, len);
      if (entry_crc(arrival, data) != crc) break;  // torn tail (never synced whole)
      s.records.push_back({arrival, std::string(data)});
      s.data_bytes += int64_t(len);
      pos += kEntryHeader + len;
    }
    s.end_offset = pos;
  }
  if (repair && s.end_offset != bytes.size() && bytes.size() >= 8) {
    fs::resize_file(path, s.end_offset);
  }
  return s;
}

}  // namespace floe::ingest
