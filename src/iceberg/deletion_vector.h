// Deletion vectors (Iceberg v3): a Puffin `deletion-vector-v1` blob holding the deleted row
// positions of one data file as 64-bit Roaring bitmaps (Puffin spec "deletion-vector-v1").
// Layer: iceberg. Reading only; floe writes position delete files.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "iceberg/data_file.h"
#include "io/file_io.h"

namespace floe::iceberg {

// The positions (sorted) of a serialized blob: big-endian length, magic D1 D3 39 64, the
// portable 64-bit Roaring bitmap, big-endian CRC-32 of magic and bitmap. Throws
// CorruptDataError naming `what` for any malformed byte (lengths, magic, CRC, bitmaps).
std::vector<int64_t> decode_deletion_vector(std::span<const uint8_t> blob, const std::string& what);

// Reads the blob a delete file entry points at (content_offset, content_size_in_bytes).
std::vector<int64_t> read_deletion_vector(io::FileIO& io, const DataFile& delete_file);

}  // namespace floe::iceberg
