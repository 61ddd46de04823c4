#include "formats/avro/avro_file.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <random>

#include "base/bytes.h"
#include "base/error.h"
#include "formats/compression/codec.h"

namespace floe::avro {

namespace {

constexpr uint8_t kMagic[4] = {'O', 'b', 'j', 1};
constexpr size_t kMaxBlockBytes = size_t(1) << 30;  // decompressed

bool known_codec(const std::string& c) {
  return c == "null" || c == "deflate" || c == "snappy" || c == "zstandard";
}

void put_long(Buffer& out, int64_t v) { put_uvarint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
void put_string(Buffer& out, std::string_view s) {
  put_long(out, int64_t(s.size()));
  out.append(s.data(), s.size());
}

std::string read_string(ByteReader& in) {
  int64_t n = in.zigzag_varint();
  FLOE_CORRUPT_IF(n < 0 || uint64_t(n) > in.remaining(), "avro header: bad string length {}", n);
  auto b = in.bytes(size_t(n));
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

void inflate_raw(std::span<const uint8_t> in, Buffer& out, const std::string& name) {
  z_stream zs{};
  FLOE_CHECK(inflateInit2(&zs, -15) == Z_OK, "inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  out.clear();
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out.size() == out.capacity() || out.capacity() - out.size() < 1024) out.reserve(out.capacity() * 2 + 4096);
    size_t old = out.size();
    size_t room = std::min<size_t>(out.capacity() - old, 1u << 30);
    out.resize(old + room);
    zs.next_out = out.data() + old;
    zs.avail_out = uInt(room);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old + (room - zs.avail_out));
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) rc = Z_DATA_ERROR;  // truncated
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      FLOE_CORRUPT_IF(true, "{}: deflate block is corrupt ({})", name, rc);
    }
    if (out.size() > kMaxBlockBytes) {
      inflateEnd(&zs);
      FLOE_CORRUPT_IF(true, "{}: block inflates beyond {} bytes", name, kMaxBlockBytes);
    }
  }
  inflateEnd(&zs);
}

void deflate_raw(std::span<const uint8_t> in, Buffer& out) {
  z_stream zs{};
  FLOE_CHECK(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK,
             "deflateInit2 failed");
  size_t bound = deflateBound(&zs, uLong(in.size()));
  size_t old = out.size();
  out.resize(old + bound);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  zs.next_out = out.data() + old;
  zs.avail_out = uInt(bound);
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  FLOE_CHECK(rc == Z_STREAM_END, "deflate failed: {}", rc);
  out.resize(old + zs.total_out);
}

void zstd_decompress(std::span<const uint8_t> in, Buffer& out, const std::string& name) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  FLOE_CHECK(ds != nullptr, "ZSTD_createDStream failed");
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  out.clear();
  size_t rc = 1;
  while (true) {
    if (out.capacity() - out.size() < 4096) out.reserve(out.capacity() * 2 + 65536);
    size_t old = out.size();
    size_t room = out.capacity() - old;
    out.resize(old + room);
    ZSTD_outBuffer ob{out.data() + old, room, 0};
    rc = ZSTD_decompressStream(ds, &ob, &ib);
    out.resize(old + ob.pos);
    if (ZSTD_isError(rc)) {
      ZSTD_freeDStream(ds);
      FLOE_CORRUPT_IF(true, "{}: zstandard block is corrupt: {}", name, ZSTD_getErrorName(rc));
    }
    if (out.size() > kMaxBlockBytes) {
      ZSTD_freeDStream(ds);
      FLOE_CORRUPT_IF(true, "{}: block decompresses beyond {} bytes", name, kMaxBlockBytes);
    }
    if (rc == 0 && ib.pos == ib.size) break;
    if (ib.pos == ib.size && ob.pos < room) {  // needs input that is not there
      ZSTD_freeDStream(ds);
      FLOE_CORRUPT_IF(true, "{}: zstandard block is truncated", name);
    }
  }
  ZSTD_freeDStream(ds);
}

}  // namespace

AvroFileReader::AvroFileReader(std::span<const uint8_t> bytes, std::string name)
    : bytes_(bytes), name_(std::move(name)) {
  ByteReader in(bytes_, name_);
  FLOE_CORRUPT_IF(bytes_.size() < 4 || std::memcmp(bytes_.data(), kMagic, 4) != 0,
                  "{}: not an Avro file (bad magic)", name_);
  in.skip(4);
  while (true) {
    int64_t count = in.zigzag_varint();
    if (count == 0) break;
    if (count < 0) {
      FLOE_CORRUPT_IF(count == INT64_MIN, "{}: bad metadata block count", name_);
      count = -count;
      int64_t size = in.zigzag_varint();
      FLOE_CORRUPT_IF(size < 0 || uint64_t(size) > in.remaining(), "{}: bad metadata block size",
                      name_);
    }
    FLOE_CORRUPT_IF(uint64_t(count) > in.remaining(), "{}: metadata count {} exceeds the file",
                    name_, count);
    for (int64_t i = 0; i < count; ++i) {
      std::string key = read_string(in);
      metadata_[key] = read_string(in);
    }
  }
  auto sync = in.bytes(16);
  std::memcpy(sync_, sync.data(), 16);
  pos_ = in.position();

  auto schema = metadata_.find("avro.schema");
  FLOE_CORRUPT_IF(schema == metadata_.end(), "{}: header has no avro.schema", name_);
  try {
    writer_schema_ = parse_avro_schema(schema->second);
  } catch (const CorruptDataError& e) {
    throw CorruptDataError(fmt::format("{}: {}", name_, e.what()));
  }
  auto codec = metadata_.find("avro.codec");
  codec_ = codec == metadata_.end() || codec->second.empty() ? "null" : codec->second;
  if (!known_codec(codec_))
    throw UnsupportedError(fmt::format("{}: Avro codec \"{}\" is not supported", name_, codec_));
}

bool AvroFileReader::load_block() {
  while (objects_left_ == 0) {
    FLOE_CORRUPT_IF(data_pos_ != data_.size(), "{}: {} bytes left over at the end of a block", name_,
                    data_.size() - data_pos_);
    if (pos_ == bytes_.size()) return false;
    ByteReader in(bytes_.data() + pos_, bytes_.size() - pos_, name_);
    int64_t count = in.zigzag_varint();
    int64_t size = in.zigzag_varint();
    FLOE_CORRUPT_IF(count < 0 || size < 0 || uint64_t(size) > in.remaining(),
                    "{}: block at offset {} has bad count {} or size {}", name_, pos_, count, size);
    auto raw = in.bytes(size_t(size));
    auto sync = in.bytes(16);
    FLOE_CORRUPT_IF(std::memcmp(sync.data(), sync_, 16) != 0,
                    "{}: block at offset {} does not end with the sync marker", name_, pos_);
    if (codec_ == "null") {
      data_ = raw;
    } else if (codec_ == "deflate") {
      inflate_raw(raw, block_, name_);
      data_ = block_.span();
    } else if (codec_ == "snappy") {
      FLOE_CORRUPT_IF(raw.size() < 4, "{}: snappy block without its checksum", name_);
      auto body = raw.first(raw.size() - 4);
      size_t n = 0;
      FLOE_CORRUPT_IF(!snappy::GetUncompressedLength(reinterpret_cast<const char*>(body.data()),
                                                     body.size(), &n) ||
                          n > kMaxBlockBytes || n / 32 > body.size(),
                      "{}: snappy block is corrupt", name_);
      block_.resize(n);
      FLOE_CORRUPT_IF(!snappy::RawUncompress(reinterpret_cast<const char*>(body.data()), body.size(),
                                             reinterpret_cast<char*>(block_.data())),
                      "{}: snappy block is corrupt", name_);
      const uint8_t* c = raw.data() + raw.size() - 4;
      uint32_t expected = uint32_t(c[0]) << 24 | uint32_t(c[1]) << 16 | uint32_t(c[2]) << 8 | c[3];
      uint32_t actual = uint32_t(crc32(0L, block_.data(), uInt(n)));
      FLOE_CORRUPT_IF(expected != actual, "{}: snappy block checksum mismatch", name_);
      data_ = block_.span();
    } else {
      zstd_decompress(raw, block_, name_);
      data_ = block_.span();
    }
    data_pos_ = 0;
    bool empty_ok = writer_schema_->type == AvroType::kNull ||
                    (writer_schema_->type == AvroType::kRecord && writer_schema_->fields.empty());
    FLOE_CORRUPT_IF(!empty_ok && uint64_t(count) > data_.size(),
                    "{}: block claims {} objects in {} bytes", name_, count, data_.size());
    objects_left_ = uint64_t(count);
    pos_ += in.position();
  }
  return true;
}

bool AvroFileReader::next(AvroValue& out) {
  if (!load_block()) return false;
  ByteReader in(data_.data() + data_pos_, data_.size() - data_pos_, name_);
  out = reader_schema_ ? decode_datum(in, *writer_schema_, *reader_schema_)
                       : decode_datum(in, *writer_schema_);
  data_pos_ += in.position();
  --objects_left_;
  return true;
}

AvroFileWriter::AvroFileWriter(AvroSchemaPtr schema, std::string codec,
                               std::map<std::string, std::string> metadata)
    : schema_(std::move(schema)), codec_(std::move(codec)) {
  if (!known_codec(codec_))
    throw UnsupportedError(fmt::format("Avro codec \"{}\" is not supported", codec_));
  std::random_device rd;
  std::mt19937_64 rng((uint64_t(rd()) << 32) ^ rd());
  for (auto& b : sync_) b = uint8_t(rng());
  metadata["avro.schema"] = to_json(*schema_);
  metadata["avro.codec"] = codec_;
  out_.append(kMagic, 4);
  put_long(out_, int64_t(metadata.size()));
  for (const auto& [k, v] : metadata) {
    put_string(out_, k);
    put_string(out_, v);
  }
  put_long(out_, 0);
  out_.append(sync_, 16);
}

void AvroFileWriter::append(const AvroValue& value) {
  size_t old = block_.size();
  try {
    encode_datum(value, *schema_, block_);
  } catch (...) {
    block_.resize(old);
    throw;
  }
  if (++block_records_ >= kBlockRecords || block_.size() >= kBlockBytes) flush_block();
}

void AvroFileWriter::flush_block() {
  if (block_records_ == 0) return;
  Buffer compressed;
  std::span<const uint8_t> data = block_.span();
  if (codec_ == "deflate") {
    deflate_raw(block_.span(), compressed);
    data = compressed.span();
  } else if (codec_ == "snappy") {
    compression::compress(compression::Codec::kSnappy, block_.span(), compressed);
    uint32_t crc = uint32_t(crc32(0L, block_.data(), uInt(block_.size())));
    uint8_t be[4] = {uint8_t(crc >> 24), uint8_t(crc >> 16), uint8_t(crc >> 8), uint8_t(crc)};
    compressed.append(be, 4);
    data = compressed.span();
  } else if (codec_ == "zstandard") {
    compression::compress(compression::Codec::kZstd, block_.span(), compressed);
    data = compressed.span();
  }
  put_long(out_, int64_t(block_records_));
  put_long(out_, int64_t(data.size()));
  out_.append(data.data(), data.size());
  out_.append(sync_, 16);
  block_.clear();
  block_records_ = 0;
  ++blocks_;
}

Buffer AvroFileWriter::finish() {
  flush_block();
  return std::move(out_);
}

}  // namespace floe::avro
