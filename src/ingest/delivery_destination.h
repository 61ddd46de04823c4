// Delivery destinations: where a sealed WAL segment of a delivery stream goes.
// LocationDestination writes it as one object under a location prefix (Firehose's S3
// destination); TableDestination converts its JSON records to the table's columns and
// appends them as Parquet data files in one Iceberg commit. Both are idempotent per
// segment: an object's name derives from the segment, and a table records the delivered
// segment in floe_delivery_positions inside the catalog transaction of the append, so a
// segment delivered again after a crash is skipped. Layer: ingest.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "catalog/sql_catalog.h"
#include "ingest/delivery_stream.h"
#include "ingest/delivery_wal.h"

namespace floe::ingest {

struct DeliveryReport {
  int64_t records_delivered = 0;
  int64_t records_failed = 0;        // went to the error prefix
  bool skipped = false;              // already delivered before (a replay)
  std::vector<std::string> objects;  // objects written (data or error output)
  int64_t snapshot_id = 0;           // table destinations: the append's snapshot
};

class DeliveryDestination {
 public:
  virtual ~DeliveryDestination() = default;
  // Delivers every record of `segment`. Throws (IoError, CommitConflictError, ...) when it
  // could not; the caller keeps the segment and retries. Calling it again for a segment
  // that was delivered writes the same objects again (locations) or nothing (tables).
  virtual DeliveryReport deliver(const WalSegment& segment) = 0;
  // The highest segment number this destination has seen delivered (0 if none).
  virtual uint64_t delivered_through() { return 0; }
};

// The seed of a segment's random strings: stable for (stream, version, segment).
uint64_t segment_seed(const DeliveryStreamDefinition& def, uint64_t sequence);

// Writes JSON-line error records (Firehose's shape) for `failures` of `records` under the
// error prefix (a location, evaluated at the oldest failed record's arrival) and returns
// the object's location. Deterministic for a given segment.
struct RecordFailure {
  const DeliveryRecord* record;
  std::string error_code;
  std::string message;
};
std::string write_error_object(const DeliveryStreamDefinition& def, const std::string& base,
                               const std::string& error_prefix, uint64_t sequence,
                               const std::vector<RecordFailure>& failures,
                               const std::string& error_output_type);

std::unique_ptr<DeliveryDestination> make_location_destination(DeliveryStreamDefinition def);

// `catalog` is used by the delivering thread only. `scratch_folder` is a local folder for
// conversion scratch files.
std::unique_ptr<DeliveryDestination> make_table_destination(DeliveryStreamDefinition def,
                                                            catalog::CatalogConfig config,
                                                            std::string scratch_folder);

// floe_delivery_positions (stream, segment, position) in the catalog's database: created
// when missing; the delivered position of a stream (segment 0 when none).
void ensure_delivery_positions_table(catalog::SqliteDatabase& db);
struct DeliveredPosition {
  uint64_t segment = 0;
  uint64_t position = 0;
};
DeliveredPosition delivered_position(catalog::SqliteDatabase& db, const std::string& stream);
void record_delivered_position(catalog::SqliteDatabase& db, const std::string& stream,
                               DeliveredPosition position);

}  // namespace floe::ingest
