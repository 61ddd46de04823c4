// The mapping between Parquet's CompressionCodec enum and floe's codecs, in one place for
// the reader, the writer and the commands. Layer: formats/parquet.
#pragma once

#include "formats/compression/codec.h"
#include "formats/parquet/parquet_metadata.h"

namespace floe::parquet {

// Throws UnsupportedError naming the codec for LZO and codecs floe does not know.
compression::Codec to_compression_codec(CompressionCodec c);
CompressionCodec to_parquet_codec(compression::Codec c);

}  // namespace floe::parquet
