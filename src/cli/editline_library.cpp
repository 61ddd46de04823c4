#include "cli/editline_library.h"

#include "base/shared_library.h"

namespace floe::cli {

namespace {

EditlineLibrary load() {
  SharedLibrary so("libedit.so.2", "the shell's line editing and history need libedit", "libedit2");
  EditlineLibrary lib;
  so.bind(lib.readline, "readline");
  so.bind(lib.add_history, "add_history");
  so.bind(lib.using_history, "using_history");
  so.bind(lib.stifle_history, "stifle_history");
  so.bind(lib.read_history, "read_history");
  so.bind(lib.write_history, "write_history");
  return lib;
}

}  // namespace

const EditlineLibrary& editline_library() {
  static const EditlineLibrary lib = load();
  return lib;
}

}  // namespace floe::cli
