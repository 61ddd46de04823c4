#include "exec/spill_file.h"

namespace floe::exec {

using columnar::Batch;

void SpillPartitions::append(int p, const Batch& rows) {
  SpillFile* f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = files_[size_t(p)];
    if (!slot) slot = std::make_unique<SpillFile>(dir_);
    f = slot.get();
  }
  f->append(rows);
}

void SpillPartitions::append_by_hash(const Batch& rows, const std::vector<uint64_t>& hashes) {
  std::vector<columnar::SelectionVector> parts(kCount);
  for (size_t i = 0; i < hashes.size(); ++i)
    parts[size_t(partition_of(hashes[i], level_))].push_back(uint32_t(i));
  for (int p = 0; p < kCount; ++p) {
    const auto& sel = parts[size_t(p)];
    if (sel.empty()) continue;
    if (sel.size() == hashes.size()) {
      append(p, rows);
      continue;
    }
    Batch part;
    part.schema = rows.schema;
    part.rows_without_columns = int64_t(sel.size());
    for (const auto& c : rows.columns) part.columns.push_back(c.take(sel));
    append(p, part);
  }
}

SpillFile* SpillPartitions::file(int p) {
  std::lock_guard<std::mutex> lock(mu_);
  SpillFile* f = files_[size_t(p)].get();
  if (f) f->finish_writing();
  return f;
}

int64_t SpillPartitions::rows() const {
  int64_t n = 0;
  for (const auto& f : files_)
    if (f) n += f->rows();
  return n;
}

int64_t SpillPartitions::bytes() const {
  int64_t n = 0;
  for (const auto& f : files_)
    if (f) n += f->bytes();
  return n;
}

}  // namespace floe::exec
