// EditlineLibrary: libedit (BSD editline's readline interface, not GNU readline), loaded when
// the interactive shell starts rather than when floe starts (with libtinfo, libbsd and libmd
// it would be loaded by every command). Layer: cli.
#pragma once

#include <editline/readline.h>

namespace floe::cli {

struct EditlineLibrary {
  decltype(&::readline) readline;
  decltype(&::add_history) add_history;
  decltype(&::using_history) using_history;
  decltype(&::stifle_history) stifle_history;
  decltype(&::read_history) read_history;
  decltype(&::write_history) write_history;
};

// The loaded library (libedit.so.2), resolved once. Throws UnsupportedError saying what to
// install when it is missing.
const EditlineLibrary& editline_library();

}  // namespace floe::cli
