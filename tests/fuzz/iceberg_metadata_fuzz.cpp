// libFuzzer target: arbitrary bytes as Iceberg table metadata JSON, and as an Avro manifest
// and manifest list (floe's Avro reader and Iceberg's manifest decoding), and as a deletion
// vector blob. Only floe::Error
// may come out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iceberg/deletion_vector.h"
#include "iceberg/manifest_io.h"
#include "iceberg/table_metadata.h"

namespace {

// A FileIO holding one file in memory.
class OneFileIO final : public floe::io::FileIO {
 public:
  OneFileIO(const uint8_t* data, size_t size) : bytes_(data, size) {}
  std::unique_ptr<floe::io::InputFile> open_input(const std::string& location) override {
    return floe::io::open_memory_input(bytes_, location);
  }
  std::unique_ptr<floe::io::OutputFile> create_output(const std::string&) override {
    throw floe::UnsupportedError("read-only");
  }
  bool exists(const std::string&) override { return true; }
  void remove(const std::string&) override {}
  std::vector<floe::io::FileInfo> list(const std::string&) override { return {}; }

 private:
  std::span<const uint8_t> bytes_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto m = floe::iceberg::parse_table_metadata(
        std::string_view(reinterpret_cast<const char*>(data), size));
    (void)floe::iceberg::table_metadata_to_string(m);
    for (const auto& s : m.specs) (void)s.partition_type(m.current_schema());
  } catch (const floe::Error&) {
  }
  OneFileIO io(data, size);
  floe::iceberg::ManifestFile mf;
  mf.manifest_path = "fuzz.avro";
  try {
    (void)floe::iceberg::read_manifest(io, mf);
  } catch (const floe::Error&) {
  }
  try {
    (void)floe::iceberg::read_manifest_list(io, "fuzz.avro");
  } catch (const floe::Error&) {
  }
  try {
    (void)floe::iceberg::decode_deletion_vector({data, size}, "fuzz.puffin");
  } catch (const floe::Error&) {
  }
  return 0;
}
