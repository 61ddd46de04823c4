#include "serve/microhttpd_library.h"

#include "base/shared_library.h"

namespace floe::serve {

namespace {

MicrohttpdLibrary load() {
  SharedLibrary so("libmicrohttpd.so.12", "floe's HTTP endpoint needs libmicrohttpd",
                   "libmicrohttpd12");
  MicrohttpdLibrary lib;
  so.bind(lib.start_daemon, "MHD_start_daemon");
  so.bind(lib.stop_daemon, "MHD_stop_daemon");
  so.bind(lib.get_daemon_info, "MHD_get_daemon_info");
  so.bind(lib.get_connection_values, "MHD_get_connection_values");
  so.bind(lib.create_response_from_buffer, "MHD_create_response_from_buffer");
  so.bind(lib.add_response_header, "MHD_add_response_header");
  so.bind(lib.queue_response, "MHD_queue_response");
  so.bind(lib.destroy_response, "MHD_destroy_response");
  return lib;
}

}  // namespace

const MicrohttpdLibrary& microhttpd_library() {
  static const MicrohttpdLibrary lib = load();
  return lib;
}

}  // namespace floe::serve
