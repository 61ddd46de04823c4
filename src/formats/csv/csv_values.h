// CSV value conversion: a field's text to a typed cell (and into a column), and the type
// candidates inference narrows a column to. Layer: formats (csv), internal to the CSV
// reader; shared by its sequential and parallel paths.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace floe::formats::csv {

enum class Kind : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
};

struct ColumnPlan {
  Kind kind;
  columnar::TimeUnit unit = columnar::TimeUnit::kMicro;
  int precision = 0;
  int scale = 0;
};

// How a column of this field's type is loaded. Throws UnsupportedError for nested types.
ColumnPlan plan_for(const columnar::Field& f);

struct Cell {
  bool null;
  union {
    int64_t i;
    uint64_t u;
    double d;
    float f;
  };
  __int128 dec;
  std::string_view s;
};

// Converts text to a cell of the plan's kind; false when the text does not fit.
bool convert(const ColumnPlan& plan, std::string_view s, Cell& c);
void append_cell(const ColumnPlan& plan, const Cell& c, columnar::Column& col);

// Inference candidates, tried in this order; a column keeps the first that every sampled
// value fits.
enum Candidate : uint8_t {
  kCandBool = 1,
  kCandBigint = 2,
  kCandDouble = 4,
  kCandDate = 8,
  kCandTimestamp = 16,
  kCandTimestampTz = 32,
  kCandAll = 63,
};

// The candidates a (non-NULL) text fits.
uint8_t candidates_of(std::string_view s);
// The first candidate left in `mask`; VARCHAR for a column never seen non-NULL.
columnar::DataType type_of(uint8_t mask, bool seen);

// The text cut to a length fit for an error message.
std::string shorten(std::string_view s);

inline bool is_string_kind(Kind k) { return k == Kind::kString || k == Kind::kBinary; }

}  // namespace floe::formats::csv
