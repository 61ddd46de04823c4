// Named fault points for crash-safety tests: the commit and write paths call
// FLOE_FAULT_POINT("name") at each step, and a test sets FLOE_FAULT=name (or name:error)
// to make the process die there (exit code 86, no clean-up, as if killed) or throw an
// IoError there. Layer: base. Costs one branch on a cached flag when FLOE_FAULT is unset.
#pragma once

#include <string_view>

namespace floe {

// Dies or throws when FLOE_FAULT names `name`; otherwise does nothing.
void fault_point(std::string_view name);

// Exit status of a process stopped by a fault point.
inline constexpr int kFaultExitCode = 86;

}  // namespace floe

#define FLOE_FAULT_POINT(name) ::floe::fault_point(name)
