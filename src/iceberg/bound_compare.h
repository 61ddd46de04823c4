// Ordering of Iceberg single-value binary forms (Appendix D) of one type, without decoding
// them into columns: what manifest partition summaries and file pruning compare with.
// Layer: iceberg.
#pragma once

#include <string_view>

#include "columnar/data_type.h"

namespace floe::iceberg {

// <0, 0, >0 as a is less than, equal to or greater than b, both single values of `type`
// (ints and longs may be 4 or 8 bytes after promotion). Strings and binaries compare as
// unsigned bytes; floats numerically with -0 < +0 (NaN is never a bound); decimals
// numerically. Throws CorruptDataError on a malformed width, UnsupportedError for nested.
int compare_single_values(const columnar::DataType& type, std::string_view a, std::string_view b);

}  // namespace floe::iceberg
