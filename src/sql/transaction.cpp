#include "sql/transaction.h"

#include <fmt/format.h>

#include "io/file_io.h"

namespace floe::sql {

class StagedTableOperations final : public iceberg::TableOperations {
 public:
  StagedTableOperations(Transaction& txn, catalog::TableIdentifier id)
      : txn_(txn), id_(std::move(id)), key_(id_.to_string()) {}

  std::string name() const override { return key_; }

  std::shared_ptr<const iceberg::TableMetadata> current() override {
    auto it = txn_.tables_.find(key_);
    if (it != txn_.tables_.end()) return it->second.metadata;
    // First use in the transaction: what the catalog holds now is what it reads from.
    auto ops = txn_.catalog_.table_operations(id_);
    Transaction::Staged s;
    s.metadata = ops->current();
    s.original_location = ops->metadata_location();
    s.location = s.original_location;
    txn_.ids_.emplace(key_, id_);
    return txn_.tables_.emplace(key_, std::move(s)).first->second.metadata;
  }
  // Inside a transaction a table stays as the transaction sees it.
  std::shared_ptr<const iceberg::TableMetadata> refresh() override { return current(); }
  std::string metadata_location() override {
    current();
    return txn_.tables_.at(key_).location;
  }
  void commit(const iceberg::TableMetadata* base, const iceberg::TableMetadata& updated) override {
    if (!base) throw UnsupportedError("CREATE TABLE inside a transaction is not supported");
    auto& s = txn_.tables_.at(key_);
    if (base != s.metadata.get())
      throw iceberg::CommitConflictError(fmt::format("{}: changed within the transaction", key_));
    auto [next, location] = iceberg::next_metadata(base, s.location, updated);
    iceberg::write_metadata_file(io(), location, next);
    txn_.written_.push_back(location);
    s.metadata = std::make_shared<const iceberg::TableMetadata>(std::move(next));
    s.location = location;
  }
  io::FileIO& io() override { return *txn_.catalog_.file_io(); }

 private:
  Transaction& txn_;
  catalog::TableIdentifier id_;
  std::string key_;
};

std::unique_ptr<iceberg::TableOperations> Transaction::table_operations(
    const catalog::TableIdentifier& id) {
  return std::make_unique<StagedTableOperations>(*this, id);
}

size_t Transaction::tables_changed() const {
  size_t n = 0;
  for (const auto& [k, s] : tables_) n += s.location != s.original_location;
  return n;
}

void Transaction::commit() {
  std::vector<catalog::TablePointerUpdate> updates;
  for (const auto& [k, s] : tables_)
    if (s.location != s.original_location)
      updates.push_back({ids_.at(k), s.original_location, s.location});
  if (!updates.empty() || !on_commit_.empty()) {
    try {
      catalog_.commit(updates, [this](catalog::SqliteDatabase& db) {
        for (const auto& w : on_commit_) w(db);
      });
    } catch (...) {
      rollback();
      throw;
    }
  }
  tables_.clear();
  written_.clear();
  on_commit_.clear();
}

void Transaction::rollback() {
  io::remove_quietly(*catalog_.file_io(), written_);
  tables_.clear();
  written_.clear();
  on_commit_.clear();
}

void Transaction::on_commit(std::function<void(catalog::SqliteDatabase&)> write) {
  on_commit_.push_back(std::move(write));
}

void Transaction::add_written(const std::vector<std::string>& locations) {
  written_.insert(written_.end(), locations.begin(), locations.end());
}

}  // namespace floe::sql
