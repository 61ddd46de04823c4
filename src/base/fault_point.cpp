#include "base/fault_point.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/error.h"

namespace floe {

void fault_point(std::string_view name) {
  static const std::string spec = [] {
    const char* v = std::getenv("FLOE_FAULT");
    return std::string(v ? v : "");
  }();
  if (spec.empty()) return;
  std::string_view s = spec;
  bool as_error = false;
  if (s.ends_with(":error")) {
    as_error = true;
    s.remove_suffix(6);
  }
  if (s != name) return;
  if (as_error) throw IoError(fmt::format("injected fault at '{}'", name));
  ::_exit(kFaultExitCode);
}

}  // namespace floe
