#include "serve/http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "serve/microhttpd_library.h"

namespace floe::serve {

HttpResponse HttpResponse::error(int status, const std::string& message) {
  nlohmann::json j;
  j["error"] = message;
  return json(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void HttpRouter::add(const std::string& method, const std::string& path, HttpHandler handler) {
  bool prefix = path.size() >= 2 && path.compare(path.size() - 2, 2, "/*") == 0;
  std::string p = prefix ? path.substr(0, path.size() - 1) : path;
  for (auto& r : routes_) {
    if (r.method == method && r.path == p && r.prefix == prefix) {
      r.handler = std::move(handler);
      return;
    }
  }
  routes_.push_back({method, p, prefix, std::move(handler)});
}

HttpResponse HttpRouter::dispatch(const HttpRequest& request) const {
  const Route* best = nullptr;
  bool path_known = false;
  for (const auto& r : routes_) {
    bool match = r.prefix ? request.path.rfind(r.path, 0) == 0 : request.path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method != request.method) continue;
    // Exact routes win over prefixes; longer prefixes over shorter ones.
    if (!best || (best->prefix && (!r.prefix || r.path.size() > best->path.size()))) best = &r;
  }
  if (!best)
    return path_known ? HttpResponse::error(405, fmt::format("{} is not allowed on {}",
                                                             request.method, request.path))
                      : HttpResponse::error(404, fmt::format("no such endpoint: {}", request.path));
  try {
    return best->handler(request);
  } catch (const std::exception& e) {
    return HttpResponse::error(500, e.what());
  }
}

// The libmicrohttpd callbacks, with access to the server.
struct HttpServerCallbacks {
  struct Pending {
    std::string body;
    bool too_large = false;
  };

  static MHD_Result collect(void* cls, MHD_ValueKind kind, const char* key, const char* value) {
    auto* map = static_cast<std::map<std::string, std::string>*>(cls);
    std::string k = key ? key : "";
    if (kind == MHD_HEADER_KIND)
      for (char& c : k) c = char(std::tolower(static_cast<unsigned char>(c)));
    (*map)[k] = value ? value : "";
    return MHD_YES;
  }

  static MHD_Result send(MHD_Connection* connection, const HttpResponse& r) {
    const auto& mhd = microhttpd_library();
    MHD_Response* response = mhd.create_response_from_buffer(
        r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
    if (!response) return MHD_NO;
    mhd.add_response_header(response, "Content-Type", r.content_type.c_str());
    for (const auto& [k, v] : r.headers) mhd.add_response_header(response, k.c_str(), v.c_str());
    MHD_Result ok = mhd.queue_response(connection, unsigned(r.status), response);
    mhd.destroy_response(response);
    return ok;
  }

  static MHD_Result access(void* cls, MHD_Connection* connection, const char* url,
                           const char* method, const char* version, const char* upload_data,
                           size_t* upload_data_size, void** con_cls) {
    auto* server = static_cast<HttpServer*>(cls);
    if (*con_cls == nullptr) {  // headers arrived; the body (if any) follows
      *con_cls = new Pending();
      return MHD_YES;
    }
    auto* pending = static_cast<Pending*>(*con_cls);
    if (*upload_data_size > 0) {
      if (pending->body.size() + *upload_data_size > server->options_.max_body_bytes)
        pending->too_large = true;
      else
        pending->body.append(upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (pending->too_large)
      return send(connection,
                  HttpResponse::error(413, fmt::format("the request body is over {} bytes",
                                                       server->options_.max_body_bytes)));
    HttpRequest request;
    request.method = method;
    request.path = url;
    request.body = std::move(pending->body);
    const auto& mhd = microhttpd_library();
    mhd.get_connection_values(connection, MHD_HEADER_KIND, collect, &request.headers);
    mhd.get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect, &request.query);
    return send(connection, server->router_.dispatch(request));
  }

  static void completed(void* cls, MHD_Connection* connection, void** con_cls,
                        MHD_RequestTerminationCode code) {
    delete static_cast<Pending*>(*con_cls);
    *con_cls = nullptr;
  }
};

HttpServer::HttpServer(HttpServerOptions options, const HttpRouter& router)
    : options_(std::move(options)), router_(router) {}

HttpServer::~HttpServer() { stop(); }

std::pair<std::string, int> HttpServer::parse_listen(const std::string& text) {
  std::string host = "127.0.0.1";
  std::string port = text;
  auto colon = text.rfind(':');
  if (colon != std::string::npos) {
    if (colon > 0) host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stol(port) > 65535)
    throw InvalidInputError(fmt::format("--listen '{}': expected HOST:PORT", text));
  return {host, int(std::stol(port))};
}

void HttpServer::start() {
  if (daemon_) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(options_.port));
  if (inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr) != 1)
    throw InvalidInputError(
        fmt::format("cannot listen on '{}': expected an IPv4 address", options_.host));
  const auto& mhd = microhttpd_library();
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
  daemon_ = mhd.start_daemon(
      flags, uint16_t(options_.port), nullptr, nullptr, &HttpServerCallbacks::access, this,
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr*>(&addr), MHD_OPTION_THREAD_POOL_SIZE,
      unsigned(options_.threads), MHD_OPTION_NOTIFY_COMPLETED, &HttpServerCallbacks::completed,
      this, MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_END);
  if (!daemon_)
    throw IoError(fmt::format("cannot listen on {}:{} (in use, or not an address of this host)",
                              options_.host, options_.port));
  const MHD_DaemonInfo* info = mhd.get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info ? int(info->port) : options_.port;
}

void HttpServer::stop() {
  if (!daemon_) return;
  microhttpd_library().stop_daemon(daemon_);
  daemon_ = nullptr;
}

}  // namespace floe::serve
