// CurlLibrary: libcurl, loaded when floe first talks HTTP rather than when it starts. libcurl
// brings two dozen shared libraries (TLS, Kerberos, LDAP, ...) that every floe command would
// otherwise pay to load; most commands never use the network. Layer: io.
#pragma once

#include <curl/curl.h>

namespace floe::io {

struct CurlLibrary {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// The loaded library (libcurl.so.4), resolved once; thread-safe. Throws UnsupportedError
// saying what to install when libcurl is missing.
const CurlLibrary& curl_library();

}  // namespace floe::io
