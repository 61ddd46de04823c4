#include "base/shared_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include "base/error.h"

namespace floe {

SharedLibrary::SharedLibrary(const char* soname, std::string_view need, std::string_view package)
    : soname_(soname) {
  handle_ = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = ::dlerror();
    throw UnsupportedError(fmt::format("{} ({}), which could not be loaded: {}; install Debian's {}",
                                       need, soname, why ? why : "unknown error", package));
  }
}

void* SharedLibrary::address(const char* name) const {
  void* p = ::dlsym(handle_, name);
  if (!p) throw UnsupportedError(fmt::format("{} lacks {}: it is too old", soname_, name));
  return p;
}

}  // namespace floe
