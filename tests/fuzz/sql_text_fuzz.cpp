// libFuzzer target: arbitrary bytes as SQL text (the lexer, the parser with its recursion
// bound, the statement splitter) and as VARIANT JSON text (PARSE_JSON's reader, normalising
// twice must give the same text, GET_PATH paths and FLATTEN). Only floe::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "exec/json_flatten.h"
#include "exec/json_path.h"
#include "exec/json_text.h"
#include "sql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    floe::sql::parse_statements(text);
  } catch (const floe::Error&) {
  }
  bool complete = false;
  floe::sql::split_statements(text, &complete);
  std::string once;
  if (floe::exec::normalize_json(text, once, nullptr)) {
    std::string twice;
    if (!floe::exec::normalize_json(once, twice, nullptr) || twice != once) __builtin_trap();
    try {
      floe::exec::FlattenRows rows;
      floe::exec::flatten_json(once, std::string(), true, true, rows);
    } catch (const floe::Error&) {
    }
  }
  try {
    auto path = floe::exec::JsonPath::parse(text, "fuzz");
    (void)path;
  } catch (const floe::Error&) {
  }
  return 0;
}
