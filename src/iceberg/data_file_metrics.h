// The DataFile record of a Parquet file: its column metrics (sizes, value, null and NaN
// counts, lower and upper bounds in single-value form, spec "Manifests"), computed from
// the Parquet footer's statistics, keyed by the Iceberg field ids the file carries.
// Bounds follow Java's default metrics mode truncate(16). Layer: iceberg.
#pragma once

#include <string>

#include "formats/parquet/parquet_metadata.h"
#include "iceberg/data_file.h"
#include "iceberg/table_schema.h"

namespace floe::iceberg {

// Default length strings and binaries are truncated to in bounds (Java's truncate(16)).
inline constexpr size_t kDefaultBoundTruncateLength = 16;

// Metrics of a Parquet file whose columns carry field ids of `schema`. Leaves without a
// field id, inside lists or maps (bounds only), or of a type without bounds are counted
// but get no bounds. `partition` is left empty for the caller.
DataFile data_file_from_parquet(const parquet::FileMetaData& metadata, const TableSchema& schema,
                                const std::string& location, int64_t file_size,
                                size_t truncate_length = kDefaultBoundTruncateLength);

// Truncates a UTF-8 lower bound to at most `length` code points.
std::string truncate_lower_bound(std::string_view value, size_t length, bool is_string);
// Truncates an upper bound to at most `length` code points (bytes for binary) and
// increments its last position so it stays an upper bound; nullopt when no such bound
// exists (all bytes 0xFF / maximal code points).
std::optional<std::string> truncate_upper_bound(std::string_view value, size_t length,
                                                bool is_string);

}  // namespace floe::iceberg
