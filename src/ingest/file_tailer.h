// FileTailer: follows the files a glob matches as a log writer appends to and rotates them,
// the Kinesis Agent's file tracking. Files are ordered by modification time; with no
// checkpoint only the newest is opened (at the start or the end, as configured). The open
// file is followed by its descriptor (device and inode), so a rename rotation finishes the
// rotated file before moving to the newer one; a file that shrinks was truncated in place
// (copytruncate): its copy, recognised by the fingerprint of its first bytes, is read from
// where the original was left and the original again from its start; a copy of data already
// read is never read again. Each record carries the position (file identity and offset
// after it) that a checkpoint stores. Layer: ingest. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ingest/agent_config.h"

namespace floe::ingest {

struct TailPosition {
  std::string path;  // where the file was when opened (informational)
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;      // bytes of the file handed out (or skipped) so far
  int64_t mtime_ns = 0;     // the file's modification time when the position was taken
  std::string fingerprint;  // "<length>:<hash>" of the file's first bytes
};

struct TailedRecord {
  std::string data;       // the record's bytes, ending with a newline
  TailPosition position;  // after this record
};

struct FileTailerOptions {
  std::string pattern;  // a glob(3) pattern
  InitialPosition initial_position = InitialPosition::kEndOfFile;
  int skip_header_lines = 0;             // per file, from its start
  std::string multi_line_start_pattern;  // RE2; "" = one record per line
  size_t max_record_bytes = 1000 * 1024;
  std::string truncated_record_terminator = "\n";
  int64_t multi_line_idle_ms = 1000;  // a multi-line record ends after this long idle
};

class FileTailer {
 public:
  FileTailer(FileTailerOptions options, std::optional<TailPosition> checkpoint);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // The complete records available now, at most `max_records` and about `max_bytes`.
  // Throws InvalidInputError for a bad multi-line pattern (at construction), IoError when a
  // file cannot be read.
  std::vector<TailedRecord> poll(size_t max_records, size_t max_bytes);
  // The last poll reached the end of the newest file (nothing more to read now).
  bool caught_up() const { return caught_up_; }
  // The position after everything handed out or skipped (nullopt before a file was opened).
  std::optional<TailPosition> position() const;
  const std::string& current_path() const { return path_; }

  // "<length>:<hash>" of the first up to 1024 bytes of the file open at `fd` ("" if empty).
  static std::string fingerprint(int fd);

 private:
  struct Candidate {
    std::string path;
    uint64_t device, inode, size;
    int64_t mtime_ns;
  };
  std::vector<Candidate> list() const;
  bool open(const Candidate& c, uint64_t offset);
  void close_current();
  bool open_initial();
  // A copy (same fingerprint, at least `min_size` bytes) of the content of file
  // (device, inode), other than that file itself.
  std::optional<Candidate> find_copy(const std::string& fp, uint64_t min_size, uint64_t device,
                                     uint64_t inode) const;
  std::optional<Candidate> successor() const;
  bool is_copy_of_seen(const Candidate& c) const;
  void emit(std::vector<TailedRecord>& out, std::string data, uint64_t end_offset);
  void handle_truncation();

  FileTailerOptions options_;
  std::optional<TailPosition> checkpoint_;  // until the first file is opened
  void* start_re_ = nullptr;                // RE2*, for multi-line records
  int fd_ = -1;
  std::string path_;
  uint64_t device_ = 0, inode_ = 0;
  std::string fingerprint_;
  uint64_t read_offset_ = 0;     // file offset of the end of buffer_
  uint64_t buffer_offset_ = 0;   // file offset of the start of buffer_
  uint64_t emitted_offset_ = 0;  // after the last record handed out or skipped
  std::string buffer_;
  int header_lines_left_ = 0;
  std::string multi_pending_;  // a multi-line record being assembled
  uint64_t multi_end_ = 0;
  int64_t last_growth_ms_ = 0;
  std::set<std::pair<uint64_t, uint64_t>> done_;  // finished files (device, inode)
  std::vector<std::string> seen_fingerprints_;    // of content already read
  // After reading a copytruncate copy: the truncated original, read again from its start.
  std::optional<std::pair<uint64_t, uint64_t>> resume_original_;
  bool caught_up_ = false;
};

}  // namespace floe::ingest
