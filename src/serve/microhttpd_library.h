// MicrohttpdLibrary: libmicrohttpd, loaded when `floe serve` starts its HTTP endpoint rather
// than when floe starts (it brings GnuTLS and nine more shared libraries that every other
// command would pay to load). Layer: serve.
#pragma once

#include <microhttpd.h>

namespace floe::serve {

struct MicrohttpdLibrary {
  decltype(&::MHD_start_daemon) start_daemon;
  decltype(&::MHD_stop_daemon) stop_daemon;
  decltype(&::MHD_get_daemon_info) get_daemon_info;
  decltype(&::MHD_get_connection_values) get_connection_values;
  decltype(&::MHD_create_response_from_buffer) create_response_from_buffer;
  decltype(&::MHD_add_response_header) add_response_header;
  decltype(&::MHD_queue_response) queue_response;
  decltype(&::MHD_destroy_response) destroy_response;
};

// The loaded library (libmicrohttpd.so.12), resolved once; thread-safe. Throws
// UnsupportedError saying what to install when it is missing.
const MicrohttpdLibrary& microhttpd_library();

}  // namespace floe::serve
