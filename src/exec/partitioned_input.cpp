#include "exec/partitioned_input.h"

#include <fmt/format.h>

#include "base/error.h"

namespace floe::exec {

using columnar::Batch;

PartitionedCollector::PartitionedCollector(ExecContext& ctx, columnar::Schema schema,
                                           RowHasher hasher, std::string what,
                                           std::string cannot_spill, int64_t row_overhead)
    : ctx_(ctx),
      schema_(std::move(schema)),
      hasher_(std::move(hasher)),
      what_(std::move(what)),
      cannot_spill_(std::move(cannot_spill)),
      row_overhead_(row_overhead) {}

PartitionedCollector::~PartitionedCollector() {
  if (held_) ctx_.hold(-held_, what_.c_str());
}

void PartitionedCollector::consume(Batch&& b, int) {
  if (b.num_rows() == 0) return;
  // Spill files take their column types from the schema of the first batch.
  b.schema = schema_;
  SpillPartitions* parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parts = parts_.get();
    if (!parts) {
      int64_t bytes = batch_memory(b) + b.num_rows() * row_overhead_;
      if (hasher_ && ctx_.would_exceed(bytes, spill_share(0))) {
        spill_locked();
        parts = parts_.get();
      } else {
        if (!hasher_ && ctx_.would_exceed(bytes)) throw ResourceError(cannot_spill_);
        ctx_.hold(bytes, what_.c_str());
        held_ += bytes;
        batches_.push_back(std::move(b));
        return;
      }
    }
  }
  // Hashing and writing need no lock (SpillPartitions::append is thread-safe).
  parts->append_by_hash(b, hasher_(b));
}

void PartitionedCollector::spill() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!parts_) spill_locked();
}

void PartitionedCollector::spill_locked() {
  FLOE_CHECK(bool(hasher_), "{} spills without a hash of its rows", what_);
  parts_ = std::make_unique<SpillPartitions>(ctx_.spill_directory(), 0);
  for (auto& held : batches_) parts_->append_by_hash(held, hasher_(held));
  batches_.clear();
  ctx_.hold(-held_, what_.c_str());
  held_ = 0;
}

Batch PartitionedCollector::rows() {
  std::lock_guard<std::mutex> lock(mu_);
  return concatenate_batches(batches_, schema_);
}

namespace {

// Runs work.process over `files` (one per side, nullptr for a side without rows there), the
// partition of `level - 1` whose rows are now read back; splits it by level's hash bits when
// it does not fit.
void process_partition(ExecContext& ctx, const PartitionedWork& work,
                       const std::vector<SpillFile*>& files, int level) {
  size_t sides = files.size();
  std::vector<std::vector<Batch>> held(sides);
  int64_t held_bytes = 0;
  struct Release {
    ExecContext& ctx;
    int64_t& held;
    const std::string& what;
    ~Release() {
      if (held) ctx.hold(-held, what.c_str());
    }
  } release{ctx, held_bytes, work.what};
  for (size_t s = 0; s < sides; ++s) {
    if (!files[s]) continue;
    auto reader = std::make_unique<SpillFile::Reader>(*files[s]);
    Batch b;
    while (reader->next(b)) {
      int64_t bytes = batch_memory(b) + b.num_rows() * work.row_overhead;
      if (level <= SpillPartitions::kMaxLevel && ctx.would_exceed(bytes, spill_share(level))) {
        // Too large: every side of this partition goes to partitions by the next hash bits.
        std::vector<std::unique_ptr<SpillPartitions>> parts;
        for (size_t t = 0; t < sides; ++t)
          parts.push_back(std::make_unique<SpillPartitions>(ctx.spill_directory(), level));
        for (size_t t = 0; t <= s; ++t)
          for (auto& h : held[t]) parts[t]->append_by_hash(h, work.hashers[t](h));
        held.clear();
        ctx.hold(-held_bytes, work.what.c_str());
        held_bytes = 0;
        do {
          parts[s]->append_by_hash(b, work.hashers[s](b));
        } while (reader->next(b));
        reader.reset();
        for (size_t t = s + 1; t < sides; ++t) {
          if (!files[t]) continue;
          SpillFile::Reader rest(*files[t]);
          while (rest.next(b)) parts[t]->append_by_hash(b, work.hashers[t](b));
        }
        int64_t rows = 0, spilled_rows = 0, spilled_bytes = 0;
        for (size_t t = 0; t < sides; ++t) {
          if (files[t]) rows += files[t]->rows();
          spilled_rows += parts[t]->rows();
          spilled_bytes += parts[t]->bytes();
        }
        ctx.record_spill(*work.node, spilled_rows, spilled_bytes);
        for (int p = 0; p < SpillPartitions::kCount; ++p) {
          std::vector<SpillFile*> sub;
          int64_t sub_rows = 0;
          for (auto& part : parts) {
            sub.push_back(part->file(p));
            if (sub.back()) sub_rows += sub.back()->rows();
          }
          if (sub_rows == 0) continue;
          // All rows in one partition again: they share one hash, splitting cannot help.
          int next = sub_rows == rows ? SpillPartitions::kMaxLevel + 1 : level + 1;
          process_partition(ctx, work, sub, next);
        }
        return;
      }
      if (ctx.would_exceed(bytes))
        throw ResourceError(fmt::format(
            "{}: {} do not fit in the memory limit of {} even after spilling ({} of them, "
            "with {} held by the other operators); raise it with SET memory_limit = '..GB'",
            work.what, work.unit, memory_amount(ctx.options.memory_limit),
            memory_amount(held_bytes + bytes), memory_amount(ctx.memory_held.load() - held_bytes)));
      ctx.hold(bytes, work.what.c_str());
      held_bytes += bytes;
      held[s].push_back(std::move(b));
    }
  }
  std::vector<Batch> rows;
  for (size_t s = 0; s < sides; ++s) rows.push_back(concatenate_batches(held[s], work.schemas[s]));
  work.process(rows);
}

}  // namespace

void process_partitions(ExecContext& ctx, const PartitionedWork& work,
                        const std::vector<SpillPartitions*>& sides) {
  int64_t rows = 0, bytes = 0;
  for (SpillPartitions* s : sides) {
    rows += s->rows();
    bytes += s->bytes();
  }
  ctx.record_spill(*work.node, rows, bytes);
  for (int p = 0; p < SpillPartitions::kCount; ++p) {
    std::vector<SpillFile*> files;
    bool any = false;
    for (SpillPartitions* s : sides) {
      files.push_back(s->file(p));
      any = any || files.back();
    }
    if (any) process_partition(ctx, work, files, 1);
  }
}

}  // namespace floe::exec
