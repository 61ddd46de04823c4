// Firehose's S3 key rules for delivery streams: prefix expressions
// (!{timestamp:<pattern>}, !{firehose:random-string}, !{firehose:error-output-type}), the
// default UTC YYYY/MM/DD/HH/ layout appended to a prefix without a timestamp, the default
// error prefix, and object names <prefix><Stream>-<version>-YYYY-MM-DD-HH-MM-SS-<random>.
// Layer: ingest. Pure functions; randomness comes from the caller so keys can be derived
// deterministically from a WAL segment (a re-delivery writes the same key).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace floe::ingest {

// 11 characters of [a-z0-9], as !{firehose:random-string}.
using RandomString = std::function<std::string()>;

// A deterministic RandomString seeded from `seed` (splitmix64 over the seed).
RandomString seeded_random_string(uint64_t seed);

// True when the prefix uses !{timestamp:...}.
bool prefix_has_timestamp(std::string_view prefix);
// True when the prefix uses any !{...} expression.
bool prefix_has_expressions(std::string_view prefix);

// The prefix as delivery evaluates it: `prefix` with !{timestamp:yyyy/MM/dd/HH/} appended
// when it has no timestamp (so "" is the default YYYY/MM/DD/HH/ layout).
std::string effective_prefix(std::string_view prefix);
// The error prefix used when none is given: <prefix>!{firehose:error-output-type}/ followed
// by the YYYY/MM/DD/HH/ layout. Throws InvalidInputError when `prefix` has expressions (then
// Firehose requires an explicit error prefix).
std::string default_error_prefix(std::string_view prefix);

// Evaluates the expressions of a prefix at `arrival_ms` (UTC; one instant for the whole
// prefix). `error_output_type` replaces !{firehose:error-output-type} (InvalidInputError
// when it is used but empty). Timestamp patterns take Java DateTimeFormatter letters
// yyyy, yy, MM, dd, HH, mm, ss, SSS and 'quoted literals'. Throws InvalidInputError for
// unknown expressions or a result over 512 characters.
std::string evaluate_prefix(std::string_view prefix, int64_t arrival_ms, const RandomString& random,
                            std::string_view error_output_type = "");

// Formats `ms` (UTC) with a DateTimeFormatter-style pattern as above.
std::string format_utc(std::string_view pattern, int64_t ms);

// <evaluated prefix><stream>-<version>-YYYY-MM-DD-HH-MM-SS-<random>, the time being the
// arrival of the oldest record in the object.
std::string object_key(std::string_view evaluated_prefix, std::string_view stream, int64_t version,
                       int64_t oldest_arrival_ms, const RandomString& random);

}  // namespace floe::ingest
