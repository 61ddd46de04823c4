// HttpServer: floe serve's HTTP/1.1 listener over libmicrohttpd (an internal thread pool),
// and HttpRouter, the table of routes services register. A request's body is read whole
// (up to a bound) before its handler runs; handlers run on the pool's threads, so they
// must be thread-safe. Layer: serve (interfaces): handlers translate, services decide.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

struct MHD_Daemon;

namespace floe::serve {

struct HttpRequest {
  std::string method;                          // GET, POST, ...
  std::string path;                            // without the query
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> query;
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, std::string body) {
    return {status, "application/json", std::move(body), {}};
  }
  // {"error": message} with the status.
  static HttpResponse error(int status, const std::string& message);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpRouter {
 public:
  // Adds a route: `path` matches exactly, or, ending in "/*", every path under it (the
  // handler sees the whole path). A later route for the same method and path replaces the
  // earlier one. Not thread-safe: register routes before the server starts.
  void add(const std::string& method, const std::string& path, HttpHandler handler);
  // The handler's response; 404 for an unknown path, 405 for a known path with another
  // method; an exception escaping a handler becomes a 500 with its message.
  HttpResponse dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix;
    HttpHandler handler;
  };
  std::vector<Route> routes_;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8765;  // 0: any free port (see port())
  int threads = 4;
  size_t max_body_bytes = 64u << 20;  // larger bodies get 413
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const HttpRouter& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. Throws IoError when the address cannot be bound.
  void start();
  // Stops accepting and waits for running handlers.
  void stop();
  int port() const { return port_; }

  // Splits "host:port" (":8765" and "8765" mean 127.0.0.1). Throws InvalidInputError.
  static std::pair<std::string, int> parse_listen(const std::string& text);

 private:
  HttpServerOptions options_;
  const HttpRouter& router_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;

  friend struct HttpServerCallbacks;
};

}  // namespace floe::serve
