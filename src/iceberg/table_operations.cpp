#include "iceberg/table_operations.h"

#include <zlib.h>

#include <cstring>

#include "base/fault_point.h"

namespace floe::iceberg {

std::string new_metadata_location(const std::string& table_location, int64_t version) {
  return io::join_location(table_location,
                           fmt::format("metadata/{:05d}-{}.metadata.json", version, new_uuid()));
}

int64_t metadata_version(const std::string& location) {
  auto slash = location.rfind('/');
  std::string name = location.substr(slash == std::string::npos ? 0 : slash + 1);
  size_t i = 0;
  if (!name.empty() && name[0] == 'v') i = 1;
  size_t start = i;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  if (i == start || i - start > 18) return -1;
  if (i < name.size() && name[i] != '-' && name[i] != '.') return -1;
  return std::stoll(name.substr(start, i - start));
}

void write_metadata_file(io::FileIO& io, const std::string& location,
                         const TableMetadata& metadata) {
  std::string text = table_metadata_to_string(metadata);
  auto out = io.create_output(location);
  out->write(text.data(), text.size());
  FLOE_FAULT_POINT("metadata.before_close");
  out->close();
}

namespace {

std::string gunzip(std::span<const uint8_t> bytes, const std::string& location) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw InternalError("inflateInit2 failed");
  std::string out;
  zs.next_in = const_cast<Bytef*>(bytes.data());
  zs.avail_in = uInt(bytes.size());
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw CorruptDataError(fmt::format("{}: gzip data is corrupt", location));
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc != Z_STREAM_END && zs.avail_in > 0);
  inflateEnd(&zs);
  return out;
}

}  // namespace

std::string read_metadata_text(io::FileIO& io, const std::string& location) {
  auto in = io.open_input(location);
  auto bytes = in->read_at(0, in->size());
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(bytes, location);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::shared_ptr<const TableMetadata> read_metadata_file(io::FileIO& io,
                                                        const std::string& location) {
  try {
    return std::make_shared<const TableMetadata>(
        parse_table_metadata(read_metadata_text(io, location)));
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(location)) throw;
    throw with_context(e, location);
  }
}

NextMetadata next_metadata(const TableMetadata* base, const std::string& base_location,
                           const TableMetadata& updated) {
  NextMetadata out{updated, ""};
  if (base) {
    out.metadata.metadata_log.push_back({base->last_updated_ms, base_location});
    int64_t keep = out.metadata.property_int("write.metadata.previous-versions-max", 100);
    if (keep >= 0 && int64_t(out.metadata.metadata_log.size()) > keep)
      out.metadata.metadata_log.erase(out.metadata.metadata_log.begin(),
                                      out.metadata.metadata_log.end() - keep);
  }
  int64_t version = base ? metadata_version(base_location) + 1 : 0;
  if (version < 0) version = 0;
  out.location = new_metadata_location(out.metadata.location, version);
  return out;
}

}  // namespace floe::iceberg
