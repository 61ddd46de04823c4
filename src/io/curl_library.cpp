#include "io/curl_library.h"

#include "base/shared_library.h"

namespace floe::io {

namespace {

CurlLibrary load() {
  SharedLibrary so("libcurl.so.4", "S3 and HTTP storage need libcurl", "libcurl4");
  CurlLibrary lib;
  so.bind(lib.global_init, "curl_global_init");
  so.bind(lib.easy_init, "curl_easy_init");
  so.bind(lib.easy_cleanup, "curl_easy_cleanup");
  so.bind(lib.easy_reset, "curl_easy_reset");
  so.bind(lib.easy_setopt, "curl_easy_setopt");
  so.bind(lib.easy_perform, "curl_easy_perform");
  so.bind(lib.easy_getinfo, "curl_easy_getinfo");
  so.bind(lib.easy_strerror, "curl_easy_strerror");
  so.bind(lib.slist_append, "curl_slist_append");
  so.bind(lib.slist_free_all, "curl_slist_free_all");
  return lib;
}

}  // namespace

const CurlLibrary& curl_library() {
  static const CurlLibrary lib = load();
  return lib;
}

}  // namespace floe::io
