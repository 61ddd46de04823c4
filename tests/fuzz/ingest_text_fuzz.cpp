// libFuzzer target: arbitrary bytes through the ingestion layer's readers of text and files
// that users or other processes write: DQDL data-quality rules, stage references, stored
// stage/COPY options, `floe agent` config files, delivery-stream WAL segment files (a crash
// can leave any bytes there), delivery prefixes and ON_ERROR values. Only floe::Error may
// come out.
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/error.h"
#include "ingest/agent_config.h"
#include "ingest/copy_into_table.h"
#include "ingest/delivery_prefix.h"
#include "ingest/delivery_wal.h"
#include "ingest/option_value.h"
#include "ingest/quality_rules.h"
#include "ingest/stage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto guard = [](auto&& fn) {
    try {
      fn();
    } catch (const floe::Error&) {
    }
  };
  guard([&] { (void)floe::ingest::parse_quality_rules(text); });
  guard([&] { (void)floe::ingest::StageRef::parse(text); });
  guard([&] {
    auto opts = floe::ingest::options_from_json(text);
    // What is stored reads back the same.
    auto again = floe::ingest::options_from_json(floe::ingest::options_to_json(opts));
    if (floe::ingest::options_to_json(again) != floe::ingest::options_to_json(opts)) __builtin_trap();
  });
  guard([&] { (void)floe::ingest::AgentConfig::parse(text); });
  guard([&] { (void)floe::ingest::ErrorPolicy::parse(text); });
  guard([&] {
    if (size < 256) (void)floe::ingest::evaluate_prefix(text, 1700000000000, floe::ingest::seeded_random_string(1), "stream");
  });
  // The bytes as a WAL segment file, read with and without repair.
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("floe_ingest_fuzz_" + std::to_string(::getpid()) + ".wal")).string();
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    guard([&] { (void)floe::ingest::DeliveryWal::read_segment(path, 1, false); });
    guard([&] { (void)floe::ingest::DeliveryWal::read_segment(path, 1, true); });
    std::remove(path.c_str());
  }
  return 0;
}
