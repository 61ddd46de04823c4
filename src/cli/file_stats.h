// `floe file stats`: a Parquet file's layout and statistics (row groups, column chunks,
// sizes, encodings, min/max, nulls, page index and bloom filter presence). Layer: cli.
#pragma once

#include <string>

namespace floe::cli {

void print_parquet_stats(const std::string& path);

}  // namespace floe::cli
