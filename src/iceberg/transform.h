// Transform: an Iceberg partition transform (spec "Partition Transforms", Appendix B for
// bucket hashing): parsing its text form, its result type, applying it to a whole column,
// the human-readable partition value Java puts in data file paths, and the inclusive
// projection of a column predicate onto partition values for pruning. Layer: iceberg.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "columnar/column.h"
#include "columnar/data_type.h"
#include "formats/scan_predicate.h"

namespace floe::iceberg {

struct Transform {
  enum class Kind { kIdentity, kBucket, kTruncate, kYear, kMonth, kDay, kHour, kVoid, kUnknown };
  Kind kind = Kind::kIdentity;
  int32_t param = 0;  // N of bucket[N], W of truncate[W]; 0 otherwise
  std::string text;   // an unknown transform's original text, kept to write it back verbatim

  bool operator==(const Transform&) const = default;
};

// Parses "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"
// (case-insensitive, as Java's Transforms.fromString). Any other text is a kUnknown transform
// keeping the text, which v3 readers must tolerate. A bucket/truncate parameter that is not
// a positive 32-bit integer ("bucket[0]", "bucket[x]") throws CorruptDataError.
Transform parse_transform(std::string_view text);

// The canonical text form: "bucket[16]", "day", ...; an unknown transform's original text.
std::string to_string(const Transform& t);

// The type of the partition values the transform produces from `source`: identity, truncate
// and void keep the source type; bucket, year, month and hour give INT; day gives DATE (as
// Java's Days does); an unknown transform gives VARCHAR (as Java's UnknownTransform).
// Throws InvalidInputError when `source` cannot take the transform (bucket on a float,
// year on a string, truncate on a date, any transform but void on a nested type, ...).
columnar::DataType transform_result_type(const Transform& t, const columnar::DataType& source);

// True when transform_result_type would not throw.
bool transform_accepts(const Transform& t, const columnar::DataType& source);

// Applies the transform to every row of `source`, giving a column of
// transform_result_type(t, source.type()) and the same length; null in, null out, and void
// gives all nulls. Time transforms round toward negative infinity (1969-12-31 is year -1,
// month -1, day -1). Throws InvalidInputError as transform_result_type does and
// UnsupportedError for an unknown transform. Thread-safe (no shared state).
columnar::Column apply_transform(const Transform& t, const columnar::Column& source);

// The partition value at `row` of `partition_values` (typed as the transform's result) in
// the form Java's Transform.toHumanString gives, which data file paths use: "2024" (year),
// "2024-03" (month), "2024-03-01" (day), "2024-03-01-10" (hour), ISO dates and
// "2024-01-01T10:00:00" timestamps for identity, base64 for binary, "null" for null.
std::string partition_value_to_path(const Transform& t, const columnar::Column& partition_values,
                                    int64_t row);

// One directory of a partition path as Java's PartitionSpec.partitionToPath writes it:
// "name=value" with both parts URL-encoded (java.net.URLEncoder: space as '+').
std::string partition_path_segment(std::string_view name, std::string_view human_value);

// The inclusive projection of `source_term` (a predicate on the transform's source column,
// its literals typed as that column) onto the partition field `partition_field_name` of type
// `partition_type`: a predicate that holds for a file's partition value whenever the source
// predicate can hold for a row in it, so files failing it can be skipped. Follows Java's
// ProjectionUtil (including its adjustment for pre-epoch values written by old versions).
// nullopt when there is no such predicate (e.g. bucket with <, any transform with !=, void,
// unknown transforms), which means "no pruning".
std::optional<formats::ColumnPredicate> project_inclusive(
    const Transform& t, const std::string& partition_field_name,
    const columnar::DataType& partition_type, const formats::ColumnPredicate& source_term);

}  // namespace floe::iceberg
