// ClickstreamGenerator: the synthetic web-analytics event table of docs/BENCHMARKS.md,
// generated deterministically from a seed one hour at a time (as a delivery stream lands
// it). Layer: bench, above formats; used by `floe bench gen clickstream` and benchmarks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "columnar/batch.h"
#include "columnar/data_type.h"

namespace floe::bench {

// click_id BIGINT, ts TIMESTAMP, user_id BIGINT, session_id VARCHAR, element_id INTEGER,
// page_url VARCHAR, referrer VARCHAR, device VARCHAR, country VARCHAR, duration_ms INTEGER,
// properties VARCHAR (a JSON object of 3-6 keys). Every field is nullable (only referrer
// holds NULLs), matching what the CSV and NDJSON readers infer from the generated files.
columnar::Schema clickstream_schema();

// Produces exactly `rows` rows over `days` days from `start_date` (YYYY-MM-DD), hour by
// hour; rows per hour follow a daily curve busier in the afternoon. The same seed gives
// the same rows on any machine with IEEE doubles and a correctly rounded libm (the
// log/exp draws are the only floating-point steps). Each hour is generated from its own
// RNG stream, so hours are independent of one another.
//   click_id: 1..rows, increasing.  ts: within its hour, sorted.
//   user_id: Zipf (s=0.8) over 10 M users, ranks scattered over the id space.
//   session_id: 32 hex chars, one per user visit (a 30-minute window per user).
//   element_id: Zipf (s=1.0) over 100 000.  page_url: Zipf (s=0.9) over 5 000 URLs.
//   referrer: 30 % NULL.  device: desktop 55 %, mobile 38 %, tablet 7 %.
//   country: Zipf (s=1.1) over 200 ISO codes.  duration_ms: log-normal, median 4 s.
// Throws InvalidInputError for rows < 0, days < 1 or a bad start date. Not thread-safe.
class ClickstreamGenerator {
 public:
  ClickstreamGenerator(uint64_t seed, int64_t rows, int days,
                       std::string start_date = "2024-01-01");
  ~ClickstreamGenerator();
  ClickstreamGenerator(ClickstreamGenerator&&) noexcept;
  ClickstreamGenerator& operator=(ClickstreamGenerator&&) noexcept;

  // Replaces `out` with the next hour's rows (possibly none) and sets *day (0-based from
  // the start date) and *hour (0..23); false once all days*24 hours are done.
  bool next_hour(columnar::Batch& out, int* day, int* hour);

  // Days since 1970-01-01 of the start date, so day d is start_day() + d.
  int32_t start_day() const;
  int64_t rows() const;
  int days() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace floe::bench
