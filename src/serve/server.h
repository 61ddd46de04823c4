// Server: what `floe serve` runs: the HTTP listener and the background services (delivery
// streams today; pipes, the scheduler and others later) that share it. A service is a
// small interface: it may register HTTP routes, and it starts and stops with the server.
// Services start in the order they were added (before the listener opens) and stop in
// reverse order (after it closed), so no request reaches a stopped service. Layer: serve.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "serve/http_server.h"

namespace floe::serve {

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string name() const = 0;
  // Adds the service's endpoints (called once, before start()).
  virtual void register_routes(HttpRouter& router) {}
  // Starts background work (recovery first). Throws to abort the server's start.
  virtual void start() = 0;
  // Finishes background work (flushing what it holds). Must not throw.
  virtual void stop() = 0;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8765";
  // When set, plain endpoints (/v1/...) require "Authorization: Bearer <token>".
  std::string api_token;
  int http_threads = 8;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Adds a service; its routes are registered at once. Only before start().
  void add_service(std::unique_ptr<Service> service);
  // The routes, for services and extra endpoints (before start()).
  HttpRouter& router() { return router_; }
  // Whether a request to a plain endpoint carries the API token (always, without one).
  bool authorized(const HttpRequest& request) const;
  const ServerOptions& options() const { return options_; }

  // Starts the services, then the listener. Throws (stopping what had started).
  void start();
  // Closes the listener, then stops the services in reverse order. Idempotent.
  void stop();
  int port() const;

 private:
  ServerOptions options_;
  HttpRouter router_;
  std::vector<std::unique_ptr<Service>> services_;
  size_t started_ = 0;  // services started
  std::unique_ptr<HttpServer> http_;
};

}  // namespace floe::serve
