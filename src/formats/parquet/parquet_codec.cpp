#include "formats/parquet/parquet_codec.h"

namespace floe::parquet {

compression::Codec to_compression_codec(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kUncompressed: return compression::Codec::kUncompressed;
    case CompressionCodec::kSnappy: return compression::Codec::kSnappy;
    case CompressionCodec::kGzip: return compression::Codec::kGzip;
    case CompressionCodec::kBrotli: return compression::Codec::kBrotli;
    case CompressionCodec::kLz4: return compression::Codec::kLz4Hadoop;
    case CompressionCodec::kZstd: return compression::Codec::kZstd;
    case CompressionCodec::kLz4Raw: return compression::Codec::kLz4Raw;
    default:
      throw UnsupportedError(
          fmt::format("Parquet compression codec {} is not supported", codec_name(c)));
  }
}

CompressionCodec to_parquet_codec(compression::Codec c) {
  switch (c) {
    case compression::Codec::kUncompressed: return CompressionCodec::kUncompressed;
    case compression::Codec::kSnappy: return CompressionCodec::kSnappy;
    case compression::Codec::kGzip: return CompressionCodec::kGzip;
    case compression::Codec::kBrotli: return CompressionCodec::kBrotli;
    case compression::Codec::kLz4Hadoop: return CompressionCodec::kLz4;
    case compression::Codec::kZstd: return CompressionCodec::kZstd;
    case compression::Codec::kLz4Raw: return CompressionCodec::kLz4Raw;
  }
  return CompressionCodec::kUncompressed;
}

}  // namespace floe::parquet
