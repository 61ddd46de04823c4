// The Kinesis Agent's dataProcessingOptions, applied to each record in order before it is
// sent: SINGLELINE (a multi-line record on one line), CSVTOJSON (a delimited line as a JSON
// object with customFieldNames; RFC 4180 quoting) and LOGTOJSON (Apache common/combined and
// error logs, syslog, or a custom matchPattern, as a JSON object; "-" becomes null). Each
// converter's output ends with a newline, as the Kinesis Agent's do. Layer: ingest.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/agent_config.h"

namespace floe::ingest {

class RecordConverter {
 public:
  virtual ~RecordConverter() = default;
  // The converted record, or nullopt when it cannot be converted (the record is dropped
  // and counted; the Kinesis Agent skips such records too).
  virtual std::optional<std::string> convert(std::string_view record) const = 0;
};

// Builds the converter for one option. Throws InvalidInputError for an unknown option, a
// missing customFieldNames, an unknown logFormat or a bad matchPattern.
std::unique_ptr<RecordConverter> make_record_converter(const ProcessingOption& option);

// Splits one CSV line (without its line break) with RFC 4180 quoting. nullopt for an
// unterminated quote.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line, char delimiter);

// Applies converters in order; nullopt when one of them dropped the record.
std::optional<std::string> process_record(
    const std::vector<std::unique_ptr<RecordConverter>>& converters, std::string_view record);

}  // namespace floe::ingest
