// DeliveryStream: the definition of a delivery stream (the role of an Amazon Data Firehose
// stream): where its records go (a location prefix, the "stage" destination, or an Iceberg
// table), how object keys are built (prefix, error prefix) and when buffers flush (size and
// interval hints). Definitions are floe objects of kind "delivery_stream" in the catalog's
// ObjectStore, as JSON. Layer: ingest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/object_store.h"
#include "catalog/sql_catalog.h"

namespace floe::ingest {

inline constexpr const char* kDeliveryStreamKind = "delivery_stream";
// Firehose's limits: a record is at most 1,000 KiB; a PutRecordBatch holds at most 500
// records and 4 MiB.
inline constexpr size_t kMaxRecordBytes = 1000 * 1024;
inline constexpr size_t kMaxBatchRecords = 500;
inline constexpr size_t kMaxBatchBytes = 4 * 1024 * 1024;

enum class DestinationKind { kLocation, kTable };

struct DeliveryStreamDefinition {
  catalog::TableIdentifier id;  // namespace-qualified name
  DestinationKind destination = DestinationKind::kLocation;
  std::string location;            // kLocation: a folder-like location ending in '/'
  catalog::TableIdentifier table;  // kTable
  std::string prefix;              // object key prefix under `location` (expressions allowed)
  // Where records that fail go. For a location destination, relative to `location`; for a
  // table, a location (relative ones are under the table's delivery_errors/ folder).
  std::string error_prefix;
  int buffer_mb = 5;         // 1..128
  int buffer_seconds = 300;  // 0..900; 0 flushes after every request
  int64_t version = 1;       // rises with each replacement, as Firehose's stream version

  int64_t buffer_bytes() const { return int64_t(buffer_mb) << 20; }
  std::string name() const { return id.to_string(); }

  // JSON text for the ObjectStore, and back. from_json throws CorruptDataError.
  std::string to_json() const;
  static DeliveryStreamDefinition from_json(const catalog::TableIdentifier& id,
                                            const std::string& text);
  // Checks ranges and prefix rules (InvalidInputError explaining which).
  void validate() const;
};

// "orders" -> default.orders; "raw.orders" -> raw.orders.
catalog::TableIdentifier parse_stream_name(std::string_view text);

// A location given by a user (file:///..., a plain path, s3://bucket/prefix) as a
// folder-like location that ends in '/'; local paths become absolute.
std::string normalize_location_prefix(std::string_view location);

// Stores a definition (creating the namespace when missing). `mode` as ObjectStore::put;
// a replacement gets the old version + 1. Returns false when kCreateIfNotExists found one.
bool put_delivery_stream(catalog::SqlCatalog& catalog, DeliveryStreamDefinition def,
                         catalog::ObjectWrite mode);
std::optional<DeliveryStreamDefinition> get_delivery_stream(catalog::SqlCatalog& catalog,
                                                            const catalog::TableIdentifier& id);
std::vector<DeliveryStreamDefinition> list_delivery_streams(catalog::SqlCatalog& catalog);
bool drop_delivery_stream(catalog::SqlCatalog& catalog, const catalog::TableIdentifier& id);

}  // namespace floe::ingest
