// `floe serve`: runs the server (HTTP API and background services: the delivery streams)
// until SIGINT or SIGTERM, then stops the services, flushing every buffer. Layer: cli.
#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/catalog_flags.h"
#include "cli/commands.h"
#include "serve/delivery_stream_api.h"
#include "serve/pipe_service.h"
#include "serve/server.h"

namespace floe::cli {

namespace {

struct ServeOptions {
  CatalogFlags cf;
  std::string listen = "127.0.0.1:8765";
  std::string state_dir;
  std::string api_token;
  int threads = 8;
  int pipe_poll_ms = 5000;
};

void run_serve(const ServeOptions& o) {
  // Every thread started from here on inherits the blocked signals, so only sigwait
  // below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::ServerOptions so;
  so.listen = o.listen;
  so.api_token = o.api_token;
  so.http_threads = o.threads;
  serve::Server server(so);
  ingest::DeliveryServiceOptions dso;
  dso.catalog = resolve_catalog_flags(o.cf);
  dso.state_dir = o.state_dir;
  server.add_service(std::make_unique<serve::DeliveryStreamApi>(dso, o.api_token));
  serve::PipeServiceOptions pso;
  pso.catalog = dso.catalog;
  pso.poll_ms = o.pipe_poll_ms;
  server.add_service(std::make_unique<serve::PipeService>(pso));
  server.start();
  auto [host, port] = serve::HttpServer::parse_listen(o.listen);
  fmt::print("floe serve: listening on http://{}:{} (warehouse {})\n", host, server.port(),
             dso.catalog.warehouse);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  fmt::print("floe serve: {} received, flushing and stopping\n",
             sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  server.stop();
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* c = app.add_subcommand(
      "serve", "Run the server: HTTP API with the delivery streams (Firehose protocol too) and the AUTO_INGEST pipes");
  add_catalog_flags(c, o->cf);
  c->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->default_val("127.0.0.1:8765");
  c->add_option("--state-dir", o->state_dir,
                "Local folder for the delivery streams' write-ahead logs (default "
                "<warehouse>/.floe/delivery; required for an s3:// warehouse)");
  c->add_option("--api-token", o->api_token,
                "Require 'Authorization: Bearer TOKEN' on the /v1 endpoints");
  c->add_option("--threads", o->threads, "HTTP worker threads")->default_val(8);
  c->add_option("--pipe-poll-ms", o->pipe_poll_ms,
                "How often AUTO_INGEST pipes list their stages for new files (milliseconds); "
                "files landing in local stage folders are noticed at once")
      ->default_val(5000);
  c->callback([o] { run_serve(*o); });
}

}  // namespace floe::cli
