#include "ingest/delivery_destination.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/fault_point.h"
#include "iceberg/data_writer.h"
#include "iceberg/snapshot_update.h"
#include "ingest/delivery_conversion.h"
#include "ingest/delivery_encoding.h"
#include "ingest/delivery_prefix.h"
#include "io/file_io.h"

namespace floe::ingest {

using Json = nlohmann::json;

uint64_t segment_seed(const DeliveryStreamDefinition& def, uint64_t sequence) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the stream's name and version
  for (char c : def.name()) h = (h ^ uint8_t(c)) * 1099511628211ull;
  h ^= uint64_t(def.version) * 0x9E3779B97F4A7C15ull;
  return h ^ (sequence * 0xC2B2AE3D27D4EB4Full);
}

namespace {

int64_t oldest_arrival(const std::vector<DeliveryRecord>& records) {
  int64_t oldest = records.empty() ? 0 : records.front().arrival_ms;
  for (const auto& r : records) oldest = std::min(oldest, r.arrival_ms);
  return oldest;
}

void write_object(const std::string& location, std::string_view bytes) {
  auto io = io::file_io_for(location);
  auto out = io->create_output(location);
  out->write(bytes.data(), bytes.size());
  out->close();
}

// A location prefix that is absolute (has a scheme or starts with '/') is used as is;
// otherwise it is relative to `base`.
std::string resolve_against(const std::string& base, const std::string& prefix) {
  if (prefix.find("://") != std::string::npos || (!prefix.empty() && prefix[0] == '/'))
    return prefix;
  return base + prefix;
}

class LocationDestination final : public DeliveryDestination {
 public:
  explicit LocationDestination(DeliveryStreamDefinition def) : def_(std::move(def)) {}

  DeliveryReport deliver(const WalSegment& segment) override {
    DeliveryReport report;
    if (segment.records.empty()) return report;
    auto random = seeded_random_string(segment_seed(def_, segment.sequence));
    int64_t oldest = oldest_arrival(segment.records);
    std::string prefix = evaluate_prefix(effective_prefix(def_.prefix), oldest, random);
    std::string key = object_key(prefix, def_.id.name, def_.version, oldest, random);
    std::string bytes;
    bytes.reserve(size_t(segment.data_bytes));
    for (const auto& r : segment.records) bytes += r.data;  // no delimiter, as Firehose
    std::string location = def_.location + key;
    write_object(location, bytes);
    FLOE_FAULT_POINT("delivery.after_object_write");
    report.records_delivered = int64_t(segment.records.size());
    report.objects.push_back(location);
    return report;
  }

 private:
  DeliveryStreamDefinition def_;
};

class TableDestination final : public DeliveryDestination {
 public:
  TableDestination(DeliveryStreamDefinition def, catalog::CatalogConfig config,
                   std::string scratch_folder)
      : def_(std::move(def)), catalog_(std::move(config)), scratch_(std::move(scratch_folder)) {
    ensure_delivery_positions_table(catalog_.database());
    error_base_ = catalog_.default_table_location(def_.table) + "/delivery_errors/";
    error_prefix_ = def_.error_prefix.empty() ? default_error_prefix("") : def_.error_prefix;
  }

  uint64_t delivered_through() override {
    return delivered_position(catalog_.database(), def_.name()).segment;
  }

  DeliveryReport deliver(const WalSegment& segment) override {
    DeliveryReport report;
    DeliveredPosition done = delivered_position(catalog_.database(), def_.name());
    if (segment.sequence < done.segment ||
        (segment.sequence == done.segment && segment.end_offset <= done.position)) {
      report.skipped = true;
      return report;
    }
    std::string stream = def_.name();
    DeliveredPosition position{segment.sequence, segment.end_offset};
    auto also = [stream, position](catalog::SqliteDatabase& db) {
      record_delivered_position(db, stream, position);
    };
    // The append records the delivered position in the catalog transaction of its commit.
    auto ops = catalog_.table_operations(def_.table, false, also);
    auto metadata = ops->current();
    const columnar::Schema& schema = metadata->current_schema().schema;
    ConversionResult converted =
        convert_json_records(segment.records, schema,
                             scratch_ + "/convert-" + std::to_string(segment.sequence) + ".ndjson");
    if (!converted.failures.empty()) {
      std::vector<RecordFailure> failures;
      for (const auto& f : converted.failures)
        failures.push_back({&segment.records[f.index], f.error_code, f.message});
      report.objects.push_back(write_error_object(def_, error_base_, error_prefix_,
                                                  segment.sequence, failures,
                                                  "format-conversion-failed"));
      report.records_failed = int64_t(converted.failures.size());
    }
    if (converted.rows == 0) {
      catalog_.commit({}, also);
      return report;
    }
    iceberg::DataWriter writer(ops->io(), ops->current());
    try {
      int64_t first = 0;
      for (auto& b : converted.batches) {
        int64_t n = b.num_rows();
        writer.write(std::move(b), first);
        first += n;
      }
      iceberg::SnapshotChanges changes;
      changes.operation = "append";
      changes.added_data_files = writer.finish();
      changes.summary["floe.delivery-stream"] = stream;
      changes.summary["floe.delivery-segment"] = std::to_string(segment.sequence);
      auto result = iceberg::commit_changes(*ops, changes);
      report.snapshot_id = result.snapshot_id;
    } catch (const iceberg::CommitStateUnknownError&) {
      throw;
    } catch (...) {
      writer.abort();
      throw;
    }
    FLOE_FAULT_POINT("delivery.after_table_commit");
    report.records_delivered = converted.rows;
    return report;
  }

 private:
  DeliveryStreamDefinition def_;
  catalog::SqlCatalog catalog_;
  std::string scratch_;
  std::string error_base_;
  std::string error_prefix_;
};

}  // namespace

std::string write_error_object(const DeliveryStreamDefinition& def, const std::string& base,
                               const std::string& error_prefix, uint64_t sequence,
                               const std::vector<RecordFailure>& failures,
                               const std::string& error_output_type) {
  // Its own seed, so the error object never takes the name of a data object.
  auto random = seeded_random_string(segment_seed(def, sequence) ^ 0x5bd1e995ull);
  int64_t oldest = failures.front().record->arrival_ms;
  for (const auto& f : failures) oldest = std::min(oldest, f.record->arrival_ms);
  std::string prefix = evaluate_prefix(error_prefix, oldest, random, error_output_type);
  std::string location =
      resolve_against(base, prefix) + object_key("", def.id.name, def.version, oldest, random);
  std::string bytes;
  for (const auto& f : failures) {
    Json j;
    j["attemptsMade"] = 1;
    j["arrivalTimestamp"] = f.record->arrival_ms;
    j["errorCode"] = f.error_code;
    j["errorMessage"] = f.message;
    j["rawData"] = base64_encode(f.record->data);
    bytes += j.dump(-1, ' ', false, Json::error_handler_t::replace);
    bytes += '\n';
  }
  write_object(location, bytes);
  return location;
}

std::unique_ptr<DeliveryDestination> make_location_destination(DeliveryStreamDefinition def) {
  return std::make_unique<LocationDestination>(std::move(def));
}

std::unique_ptr<DeliveryDestination> make_table_destination(DeliveryStreamDefinition def,
                                                            catalog::CatalogConfig config,
                                                            std::string scratch_folder) {
  return std::make_unique<TableDestination>(std::move(def), std::move(config),
                                            std::move(scratch_folder));
}

void ensure_delivery_positions_table(catalog::SqliteDatabase& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS floe_delivery_positions (stream TEXT PRIMARY KEY, "
      "segment INTEGER NOT NULL, position INTEGER NOT NULL)");
}

DeliveredPosition delivered_position(catalog::SqliteDatabase& db, const std::string& stream) {
  auto st = db.prepare("SELECT segment, position FROM floe_delivery_positions WHERE stream = ?");
  st.bind(1, stream);
  if (!st.step()) return {};
  return {uint64_t(st.integer(0)), uint64_t(st.integer(1))};
}

void record_delivered_position(catalog::SqliteDatabase& db, const std::string& stream,
                               DeliveredPosition position) {
  db.prepare(
        "INSERT INTO floe_delivery_positions (stream, segment, position) VALUES (?, ?, ?) "
        "ON CONFLICT(stream) DO UPDATE SET segment = excluded.segment, position = "
        "excluded.position")
      .bind(1, stream)
      .bind(2, int64_t(position.segment))
      .bind(3, int64_t(position.position))
      .run();
}

}  // namespace floe::ingest
