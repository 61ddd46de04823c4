#include "io/curl_library.h"

#include <dlfcn.h>

#include <string>

#include "base/error.h"

namespace floe::io {

namespace {

CurlLibrary load() {
  void* h = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* why = ::dlerror();
    throw UnsupportedError(fmt::format(
        "S3 and HTTP storage need libcurl (libcurl.so.4), which could not be loaded: {}; "
        "install Debian's libcurl4",
        why ? why : "unknown error"));
  }
  auto sym = [h](const char* name) {
    void* p = ::dlsym(h, name);
    if (!p) throw UnsupportedError(fmt::format("libcurl.so.4 lacks {}: it is too old", name));
    return p;
  };
  CurlLibrary lib;
  lib.global_init = reinterpret_cast<decltype(lib.global_init)>(sym("curl_global_init"));
  lib.easy_init = reinterpret_cast<decltype(lib.easy_init)>(sym("curl_easy_init"));
  lib.easy_cleanup = reinterpret_cast<decltype(lib.easy_cleanup)>(sym("curl_easy_cleanup"));
  lib.easy_reset = reinterpret_cast<decltype(lib.easy_reset)>(sym("curl_easy_reset"));
  lib.easy_setopt = reinterpret_cast<decltype(lib.easy_setopt)>(sym("curl_easy_setopt"));
  lib.easy_perform = reinterpret_cast<decltype(lib.easy_perform)>(sym("curl_easy_perform"));
  lib.easy_getinfo = reinterpret_cast<decltype(lib.easy_getinfo)>(sym("curl_easy_getinfo"));
  lib.easy_strerror = reinterpret_cast<decltype(lib.easy_strerror)>(sym("curl_easy_strerror"));
  lib.slist_append = reinterpret_cast<decltype(lib.slist_append)>(sym("curl_slist_append"));
  lib.slist_free_all = reinterpret_cast<decltype(lib.slist_free_all)>(sym("curl_slist_free_all"));
  return lib;  // the handle stays open for the life of the process
}

}  // namespace

const CurlLibrary& curl_library() {
  static const CurlLibrary lib = load();
  return lib;
}

}  // namespace floe::io
