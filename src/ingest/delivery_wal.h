// DeliveryWal: a delivery stream's write-ahead log on local disk. Accepted records are
// appended to the open segment and fsynced before the request is acknowledged; a flush
// seals the open segment, the destination delivers it, and the segment file is removed.
// Segments are numbered upwards, never reusing a number (the last one used is kept in a
// small file), so a segment number names one set of records for good: destinations derive
// object names from it and tables record it as the delivered position. Layer: ingest.
//
// Segment file wal-<20-digit sequence>.log: the 8 bytes "FLOEWAL1", then entries of
// [u32 length][u32 crc32 of the rest][i64 arrival ms][length bytes of record], little-endian.
// A torn entry at the end (a crash during a write that was never acknowledged) is cut off
// when the log is opened. Not thread-safe: the owning stream serialises calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floe::ingest {

struct DeliveryRecord {
  int64_t arrival_ms = 0;
  std::string data;
};

struct WalSegment {
  uint64_t sequence = 0;
  std::vector<DeliveryRecord> records;
  uint64_t end_offset = 0;  // bytes in the segment file: the position after its last record
  int64_t data_bytes = 0;   // sum of the records' sizes
};

// Where a record was written: its segment and the offset of its entry.
struct WalPosition {
  uint64_t sequence = 0;
  uint64_t offset = 0;
};

class DeliveryWal {
 public:
  // Opens (creating) the folder and reads the segments left in it, repairing a torn tail.
  // Throws IoError, CorruptDataError for a segment whose bytes are not a log.
  explicit DeliveryWal(std::string folder);
  ~DeliveryWal();
  DeliveryWal(const DeliveryWal&) = delete;
  DeliveryWal& operator=(const DeliveryWal&) = delete;

  const std::string& folder() const { return folder_; }
  // The segments found when the log was opened (all sealed), oldest first; moved out once.
  std::vector<WalSegment> take_recovered();
  // New segments get numbers above `sequence` (a destination's delivered position, so a
  // lost state folder cannot reuse numbers the destination has seen).
  void reserve_through(uint64_t sequence);

  // Appends records (all with `arrival_ms`) to the open segment, opening one when needed,
  // and syncs them to disk before returning. Returns each record's position. Throws IoError
  // (then nothing may be acknowledged; the log stays usable).
  std::vector<WalPosition> append(const std::vector<std::string_view>& records, int64_t arrival_ms);
  // Closes the open segment (nothing when none is open) and returns its number.
  std::optional<uint64_t> seal();
  // The open segment's size so far (0 when none is open).
  uint64_t open_bytes() const { return open_offset_; }
  // Removes a delivered segment's file.
  void remove(uint64_t sequence);

  // Reads one segment file (for recovery and tests). Throws CorruptDataError.
  static WalSegment read_segment(const std::string& path, uint64_t sequence, bool repair);
  std::string segment_path(uint64_t sequence) const;

 private:
  void open_segment();
  void write_last_sequence(uint64_t sequence);

  std::string folder_;
  std::vector<WalSegment> recovered_;
  uint64_t last_sequence_ = 0;  // the highest number used or reserved
  int fd_ = -1;                 // the open segment, or -1
  uint64_t open_sequence_ = 0;
  uint64_t open_offset_ = 0;
};

}  // namespace floe::ingest
