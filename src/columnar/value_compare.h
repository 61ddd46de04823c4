// Ordering of single values across two columns of the same type: the comparison that
// statistics pruning, sorting and min/max use. Layer: columnar. NULLs are not compared
// here (callers decide where they go); floats order NaN after every number.
#pragma once

#include <cstdint>

#include "columnar/column.h"

namespace floe::columnar {

// <0, 0, >0 as a[i] is less than, equal to or greater than b[j]. Both must be valid and
// of the same type (unsigned types compare unsigned; strings and binaries bytewise,
// unsigned; decimals as numbers of their common scale). Nested types throw UnsupportedError.
int compare_values(const Column& a, int64_t i, const Column& b, int64_t j);

}  // namespace floe::columnar
