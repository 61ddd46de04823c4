// `floe agent --config agent.json`: tails log files and sends their records to delivery
// streams (the Kinesis Agent's role) until SIGINT/SIGTERM, or with --once until what is
// there now was sent and acknowledged. Layer: cli.
#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "ingest/agent.h"

namespace floe::cli {

namespace {

struct AgentOptions {
  std::string config;
  std::string endpoint;
  bool once = false;
};

void run_agent(const AgentOptions& o) {
  ingest::AgentConfig config = ingest::AgentConfig::load(o.config);
  if (!o.endpoint.empty()) config.endpoint = o.endpoint;
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  // Signals are taken by a thread of their own; the flows poll `stop`.
  std::thread waiter([&] {
    while (!finished.load()) {
      timespec timeout{0, 100 * 1000 * 1000};
      if (sigtimedwait(&signals, nullptr, &timeout) > 0) {
        stop = true;
        return;
      }
    }
  });
  std::vector<ingest::AgentFlowStats> stats;
  try {
    stats = ingest::Agent(config).run(stop, o.once);
  } catch (...) {
    finished = true;
    waiter.join();
    throw;
  }
  finished = true;
  waiter.join();
  for (const auto& s : stats)
    fmt::print("{}: {} records sent in {} batches, {} dropped, {} retries\n", s.flow,
               s.records_sent, s.batches_sent, s.records_dropped, s.send_retries);
}

}  // namespace

void register_agent_command(CLI::App& app) {
  auto o = std::make_shared<AgentOptions>();
  auto* c = app.add_subcommand(
      "agent", "Tail log files and send their records to delivery streams (Kinesis Agent config)");
  c->add_option("--config", o->config, "agent.json (the Kinesis Agent's shape)")->required();
  c->add_option("--endpoint", o->endpoint, "Override firehose.endpoint (http://HOST:PORT)");
  c->add_flag("--once", o->once,
              "Send what the files hold now, wait for the acknowledgements, and exit");
  c->callback([o] { run_agent(*o); });
}

}  // namespace floe::cli
