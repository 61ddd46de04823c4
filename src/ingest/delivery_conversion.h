// Record format conversion for table destinations (Firehose's JSON-to-columnar conversion):
// each record is a JSON object whose keys name the table's columns (case-insensitively);
// the records are read by the NDJSON reader with the table's schema into typed batches.
// A record that is not a JSON object, or whose values do not fit the columns, fails alone
// and is reported with its reason, so the rest still load. Layer: ingest.
#pragma once

#include <string>
#include <vector>

#include "columnar/batch.h"
#include "ingest/delivery_wal.h"

namespace floe::ingest {

struct ConversionFailure {
  size_t index = 0;        // position of the record in the input
  std::string error_code;  // DataFormatConversion.MalformedData | DataFormatConversion.InvalidValue
  std::string message;
};

struct ConversionResult {
  std::vector<columnar::Batch> batches;  // rows of the records that converted, in order
  std::vector<ConversionFailure> failures;
  int64_t rows = 0;
};

// Converts `records` to `schema`'s columns. `scratch_path` is a local file the records are
// staged in for the reader (overwritten, then removed). Throws IoError for the scratch file.
ConversionResult convert_json_records(const std::vector<DeliveryRecord>& records,
                                      const columnar::Schema& schema,
                                      const std::string& scratch_path);

}  // namespace floe::ingest
