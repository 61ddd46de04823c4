#include "iceberg/sorted_runs.h"

#include <limits>

namespace floe::iceberg {

using columnar::Batch;
using columnar::SpillFile;

SortedRuns::SortedRuns(columnar::SpillDirectory& dir, const RowOrder& order)
    : dir_(dir), order_(order) {}

SortedRuns::~SortedRuns() = default;

void SortedRuns::add(const Batch& sorted) {
  const int64_t rows = sorted.num_rows();
  if (rows == 0) return;
  auto file = std::make_unique<SpillFile>(dir_);
  for (int64_t at = 0; at < rows; at += kChunkRows) {
    Batch chunk;
    chunk.schema = sorted.schema;
    const int64_t n = std::min(kChunkRows, rows - at);
    chunk.rows_without_columns = n;
    for (const auto& c : sorted.columns) chunk.columns.push_back(c.slice(at, n));
    file->append(chunk);
  }
  file->finish_writing();
  rows_ += rows;
  files_.push_back(std::move(file));
}

namespace {

// Where the merge stands in one run: the chunk read last and the next row in it.
struct RunCursor {
  std::unique_ptr<SpillFile::Reader> reader;  // null: `chunk` is the whole run
  Batch chunk;
  int64_t pos = 0;

  bool has_row() const { return pos < chunk.num_rows(); }
  // Reads the run's next chunk with rows; false at its end.
  bool advance() {
    if (!reader) return false;
    while (reader->next(chunk)) {
      pos = 0;
      if (chunk.num_rows() > 0) return true;
    }
    chunk = Batch();
    pos = 0;
    return false;
  }
};

// Rows of one cursor's chunk, in output order.
struct Segment {
  size_t cursor;
  int64_t offset;
  int64_t length;
};

}  // namespace

void SortedRuns::merge(Batch last, const std::function<void(Batch&&)>& emit) {
  std::vector<RunCursor> cursors;
  for (auto& f : files_) {
    RunCursor c;
    c.reader = std::make_unique<SpillFile::Reader>(*f);
    if (c.advance()) cursors.push_back(std::move(c));
  }
  if (last.num_rows() > 0) cursors.push_back(RunCursor{nullptr, std::move(last), 0});
  if (cursors.empty()) return;
  const columnar::Schema schema = cursors[0].chunk.schema;

  std::vector<Segment> segments;
  int64_t segment_rows = 0;
  auto flush = [&] {
    if (segments.empty()) return;
    Batch out = Batch::empty_of(schema);
    for (size_t c = 0; c < out.columns.size(); ++c) {
      out.columns[c].reserve(segment_rows);
      for (const auto& s : segments)
        out.columns[c].append_range(cursors[s.cursor].chunk.columns[c], s.offset, s.length);
    }
    out.rows_without_columns = segment_rows;
    segments.clear();
    segment_rows = 0;
    emit(std::move(out));
  };
  // Whether row `r` of cursor `x`'s chunk goes before the head of cursor `y` (equal rows:
  // the earlier run first).
  auto goes_before = [&](size_t x, int64_t r, size_t y) {
    int c = order_.compare(cursors[x].chunk, r, cursors[y].chunk, cursors[y].pos);
    return c < 0 || (c == 0 && x < y);
  };
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  while (true) {
    size_t best = kNone, second = kNone;
    for (size_t i = 0; i < cursors.size(); ++i) {
      if (!cursors[i].has_row()) continue;
      if (best == kNone || goes_before(i, cursors[i].pos, best)) {
        second = best;
        best = i;
      } else if (second == kNone || goes_before(i, cursors[i].pos, second)) {
        second = i;
      }
    }
    if (best == kNone) break;
    RunCursor& b = cursors[best];
    const int64_t n = b.chunk.num_rows();
    int64_t end = n;
    if (second != kNone) {
      // The best run's rows up to the second's head, found by galloping: `lo` goes before
      // it, `hi` (or the chunk's end) does not.
      int64_t lo = b.pos, hi = b.pos + 1, step = 1;
      while (hi < n && goes_before(best, hi, second)) {
        lo = hi;
        step *= 2;
        hi = lo + step;
      }
      hi = std::min(hi, n);
      while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        (goes_before(best, mid, second) ? lo : hi) = mid;
      }
      end = hi;
    }
    segments.push_back({best, b.pos, end - b.pos});
    segment_rows += end - b.pos;
    b.pos = end;
    if (!b.has_row()) {
      flush();  // before the chunk its segments point into is replaced
      b.advance();
    } else if (segment_rows >= kChunkRows) {
      flush();
    }
  }
  flush();
  files_.clear();
  rows_ = 0;
}

}  // namespace floe::iceberg
