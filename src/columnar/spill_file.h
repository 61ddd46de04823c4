// Spill files: the temporary files that hold rows past a memory limit (a query's sort runs,
// aggregation and join partitions; a table writer's sorted runs), and the folder that holds
// them. A spill file is a sequence of batches in a raw length-prefixed column dump that
// never leaves the process. Layer: columnar.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "columnar/batch.h"

namespace floe::columnar {

// The folder a query (or a writer) spills into: `<parent>/floe-spill-<pid>-<n>`, created on
// the first file and removed with everything in it when the object dies (query end, also
// on error). Thread-safe.
class SpillDirectory {
 public:
  // `parent` empty: std::filesystem::temp_directory_path() ($TMPDIR or the system's).
  explicit SpillDirectory(std::filesystem::path parent = {});
  ~SpillDirectory();
  SpillDirectory(const SpillDirectory&) = delete;
  SpillDirectory& operator=(const SpillDirectory&) = delete;

  // A fresh file name inside the folder (creating the folder); IoError when it cannot be made.
  std::filesystem::path new_file_path();
  // Where files go (the folder may not exist yet).
  const std::filesystem::path& parent() const { return parent_; }

  // Totals over every file written, for EXPLAIN ANALYZE and tests.
  std::atomic<int64_t> rows_written{0};
  std::atomic<int64_t> bytes_written{0};

 private:
  std::mutex mu_;
  std::filesystem::path parent_;
  std::filesystem::path folder_;  // empty until created
  int64_t next_file_ = 0;
};

// One spill file: appended to batch by batch, then read back in the same order. The file is
// deleted when the object dies. append() is thread-safe; reading is for one thread.
class SpillFile {
 public:
  explicit SpillFile(SpillDirectory& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Writes `batch` (every column type, validity included). The first batch fixes the
  // schema; later ones must have the same column types. IoError naming the file on failure
  // (for example "spilling to <dir>: No space left on device").
  void append(const columnar::Batch& batch);
  // Flushes what was written; reading starts after it (implicit in the first read).
  void finish_writing();

  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }
  int64_t batches() const { return batches_; }
  const std::filesystem::path& path() const { return path_; }

  // Reads the batches back in order. Each reader opens the file on its own.
  class Reader {
   public:
    explicit Reader(SpillFile& file);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    // The next batch into `out`; false at the end.
    bool next(columnar::Batch& out);

   private:
    SpillFile& file_;
    std::FILE* in_ = nullptr;
    int64_t read_ = 0;
    std::vector<uint8_t> payload_;
  };

 private:
  SpillDirectory& dir_;
  std::mutex mu_;
  std::filesystem::path path_;
  std::FILE* out_ = nullptr;
  columnar::Schema schema_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  int64_t batches_ = 0;
  std::vector<uint8_t> scratch_;
};

}  // namespace floe::columnar
