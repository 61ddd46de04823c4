#include "serve/server.h"

#include <fmt/format.h>

#include <cstdio>

#include "base/error.h"

namespace floe::serve {

Server::Server(ServerOptions options) : options_(std::move(options)) {
  router_.add("GET", "/v1/health", [this](const HttpRequest&) {
    std::string services;
    for (const auto& s : services_)
      services += fmt::format("{}\"{}\"", services.empty() ? "" : ",", s->name());
    return HttpResponse::json(200,
                              fmt::format("{{\"status\":\"ok\",\"services\":[{}]}}", services));
  });
}

Server::~Server() { stop(); }

void Server::add_service(std::unique_ptr<Service> service) {
  if (http_) throw InternalError("Server::add_service after start()");
  service->register_routes(router_);
  services_.push_back(std::move(service));
}

bool Server::authorized(const HttpRequest& request) const {
  if (options_.api_token.empty()) return true;
  return request.header("authorization") == "Bearer " + options_.api_token;
}

void Server::start() {
  try {
    for (; started_ < services_.size(); ++started_) services_[started_]->start();
    auto [host, port] = HttpServer::parse_listen(options_.listen);
    HttpServerOptions ho;
    ho.host = host;
    ho.port = port;
    ho.threads = options_.http_threads;
    http_ = std::make_unique<HttpServer>(ho, router_);
    http_->start();
  } catch (...) {
    stop();
    throw;
  }
}

void Server::stop() {
  if (http_) http_->stop();
  while (started_ > 0) {
    --started_;
    try {
      services_[started_]->stop();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "floe: stopping %s: %s\n", services_[started_]->name().c_str(),
                   e.what());
    }
  }
}

int Server::port() const { return http_ ? http_->port() : 0; }

}  // namespace floe::serve
