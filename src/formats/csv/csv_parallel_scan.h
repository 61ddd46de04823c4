// ParallelCsvScan: parses the rest of an uncompressed local CSV file as byte ranges on
// worker threads and hands the rows back in file order. Layer: formats (csv), internal to
// the CSV reader (its `threads` option).
//
// A range other than the first guesses that its first record starts after the first line
// break in it. The guess is checked when the range's rows are due: it must start exactly
// where the previous range's last record ended. A wrong guess (the break was inside a
// quoted field) is thrown away and the range parsed again from the right place on the
// reading thread, so quoted newlines and escapes never change the result.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "columnar/batch.h"
#include "formats/csv/csv_row_loader.h"

namespace floe::formats::csv {

class ParallelCsvScan {
 public:
  // Reads [start, file_size) of the file at `local_path`, whose byte `start` begins a
  // record on line `start_line`. Throws IoError when the file cannot be opened.
  ParallelCsvScan(const CsvContext& ctx, const std::string& local_path, int64_t start,
                  int64_t file_size, int64_t start_line, int threads, int64_t range_bytes);
  ~ParallelCsvScan();
  ParallelCsvScan(const ParallelCsvScan&) = delete;
  ParallelCsvScan& operator=(const ParallelCsvScan&) = delete;

  // The next batch in file order; false at the end. Errors found in the rows up to and
  // including this batch are delivered first, on this thread (thrown without a sink).
  bool next(columnar::Batch& out);

 private:
  struct Range {
    int64_t start = 0;     // where its first record starts
    int64_t end = 0;       // just past its last record
    int64_t newlines = 0;  // line breaks in its records
    std::vector<columnar::Batch> batches;
    std::vector<PendingError> errors;  // lines relative to the range's first line
    bool abandoned = false;
    std::exception_ptr failure;
  };

  int64_t nominal_start(size_t i) const;
  // Parses the records that start in [from, nominal end of range i). With `guess`, `from`
  // is the range's nominal start and the first record is taken to follow the first line
  // break at or after from - 1.
  Range parse_range(size_t i, int64_t from, bool guess) const;
  void work();
  void deliver_errors(size_t through_batch);

  const CsvContext& ctx_;
  std::string path_;
  int fd_ = -1;
  int64_t start_;
  int64_t file_size_;
  int64_t range_bytes_;
  size_t ranges_;
  size_t ahead_;  // ranges parsed ahead of the one being returned

  std::mutex mutex_;
  std::condition_variable changed_;
  size_t next_to_parse_ = 0;
  size_t returning_ = 0;  // the range whose rows next() is returning
  bool stopping_ = false;
  std::vector<std::optional<Range>> done_;
  std::vector<std::thread> workers_;

  // The reading thread's state.
  std::optional<Range> current_;
  size_t batch_ = 0;
  size_t error_ = 0;
  int64_t expected_start_;
  int64_t line_;  // line of expected_start_
};

}  // namespace floe::formats::csv
