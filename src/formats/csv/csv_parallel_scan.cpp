#include "formats/csv/csv_parallel_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace floe::formats::csv {

using columnar::Batch;

namespace {

constexpr int64_t kChunkBytes = int64_t(4) << 20;

}  // namespace

ParallelCsvScan::ParallelCsvScan(const CsvContext& ctx, const std::string& local_path,
                                 int64_t start, int64_t file_size, int64_t start_line,
                                 int threads, int64_t range_bytes)
    : ctx_(ctx),
      path_(local_path),
      start_(start),
      file_size_(file_size),
      range_bytes_(std::max<int64_t>(range_bytes, 1)),
      expected_start_(start),
      line_(start_line) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw IoError(fmt::format("{}: cannot open: {}", ctx_.path, std::strerror(errno)));
  ranges_ = size_t(std::max<int64_t>(1, (file_size_ - start_ + range_bytes_ - 1) / range_bytes_));
  ahead_ = size_t(threads) * 2;
  done_.resize(ranges_);
  for (int t = 0; t < threads; ++t) workers_.emplace_back([this] { work(); });
}

ParallelCsvScan::~ParallelCsvScan() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
  if (fd_ >= 0) ::close(fd_);
}

int64_t ParallelCsvScan::nominal_start(size_t i) const {
  return i >= ranges_ ? file_size_ : std::min(file_size_, start_ + int64_t(i) * range_bytes_);
}

ParallelCsvScan::Range ParallelCsvScan::parse_range(size_t i, int64_t from, bool guess) const {
  Range range;
  const int64_t stop = i + 1 >= ranges_ ? file_size_ : nominal_start(i + 1);
  int64_t read_at = guess ? from - 1 : from;
  TextWindow w(
      [this, at = read_at](char* dst, size_t n) mutable -> size_t {
        if (at >= file_size_) return 0;
        size_t want = size_t(std::min<int64_t>(int64_t(n), file_size_ - at));
        ssize_t got;
        do {
          got = ::pread(fd_, dst, want, off_t(at));
        } while (got < 0 && errno == EINTR);
        if (got < 0)
          throw IoError(fmt::format("{}: read failed: {}", ctx_.path, std::strerror(errno)));
        at += got;
        return size_t(got);
      },
      read_at);
  if (guess) {
    while (true) {
      if (w.pos == w.end) {
        if (w.eof) break;
        w.refill(w.pos);
        continue;
      }
      const void* nl = std::memchr(w.data() + w.pos, '\n', w.end - w.pos);
      if (nl) {
        w.pos = size_t(static_cast<const char*>(nl) - w.data()) + 1;
        break;
      }
      w.pos = w.end;
    }
  }
  range.start = w.position();
  // A guess that is wrong may see a quoted field where there is none; past this point the
  // range is not worth finishing, as the check will throw it away.
  const int64_t skip_limit = guess ? stop + ctx_.options->max_record_bytes + kChunkBytes
                                   : std::numeric_limits<int64_t>::max();
  RowLoader loader(ctx_, &range.errors);
  const int64_t batch_rows = ctx_.options->batch_rows;
  while (true) {
    Batch b = Batch::empty_of(ctx_.schema);
    for (auto& c : b.columns) c.reserve(batch_rows);
    int64_t n = 0;
    const size_t first_error = range.errors.size();
    RowLoader::Stop why = loader.fill(w, b, n, batch_rows, stop, skip_limit);
    for (size_t e = first_error; e < range.errors.size(); ++e)
      range.errors[e].batch = range.batches.size();
    if (n > 0) {
      b.rows_without_columns = n;
      range.batches.push_back(std::move(b));
    }
    if (why == RowLoader::Stop::kAbandoned) range.abandoned = true;
    if (why != RowLoader::Stop::kFull) break;
  }
  range.end = w.position();
  range.newlines = w.line - 1;
  return range;
}

void ParallelCsvScan::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] {
      return stopping_ || next_to_parse_ >= ranges_ || next_to_parse_ < returning_ + ahead_;
    });
    if (stopping_ || next_to_parse_ >= ranges_) return;
    size_t i = next_to_parse_++;
    lock.unlock();
    Range r;
    try {
      r = parse_range(i, nominal_start(i), i > 0);
    } catch (...) {
      r = Range();
      r.failure = std::current_exception();
    }
    lock.lock();
    done_[i] = std::move(r);
    changed_.notify_all();
  }
}

void ParallelCsvScan::deliver_errors(size_t through_batch) {
  auto& errors = current_->errors;
  while (error_ < errors.size() && errors[error_].batch <= through_batch)
    deliver(ctx_, errors[error_++], line_ - 1);
}

bool ParallelCsvScan::next(Batch& out) {
  while (true) {
    if (current_) {
      if (batch_ < current_->batches.size()) {
        deliver_errors(batch_);
        out = std::move(current_->batches[batch_++]);
        return true;
      }
      deliver_errors(SIZE_MAX);
      expected_start_ = current_->end;
      line_ += current_->newlines;
      current_.reset();
      std::lock_guard<std::mutex> lock(mutex_);
      ++returning_;
      changed_.notify_all();
    }
    size_t i;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      i = returning_;
      if (i >= ranges_) {
        out = Batch::empty_of(ctx_.schema);
        return false;
      }
      changed_.wait(lock, [&] { return done_[i].has_value(); });
      current_ = std::move(done_[i]);
      done_[i].reset();
    }
    if (current_->failure || current_->abandoned || current_->start != expected_start_) {
      // The guess was wrong (or the worker failed): parse the range here from where the
      // previous one really ended. A failure that is real comes out of this call.
      current_ = parse_range(i, expected_start_, false);
    }
    batch_ = 0;
    error_ = 0;
  }
}

}  // namespace floe::formats::csv
