// PipeService: AUTO_INGEST pipes refreshed on an interval. Layer: serve.
#include "serve/pipe_service.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "catalog/object_store.h"
#include "sql/session.h"

namespace floe::serve {

// The session the poll thread runs pipes with (one SQLite connection, on that thread).
class PipeRunner {
 public:
  explicit PipeRunner(const catalog::CatalogConfig& c) {
    sql::SessionOptions o;
    o.warehouse = c.warehouse;
    o.catalog = c.catalog_path;
    session_ = std::make_unique<sql::Session>(o);
  }
  sql::Session& session() { return *session_; }

 private:
  std::unique_ptr<sql::Session> session_;
};

namespace {

std::string quoted_name(const catalog::TableIdentifier& id) {
  std::string out;
  auto add = [&](const std::string& part) {
    if (!out.empty()) out += '.';
    out += '"';
    for (char c : part) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  };
  for (const auto& p : id.namespace_levels) add(p);
  add(id.name);
  return out;
}

}  // namespace

PipeService::PipeService(PipeServiceOptions options) : options_(std::move(options)) {}

PipeService::~PipeService() { stop(); }

void PipeService::register_routes(HttpRouter& router) {
  router.add("GET", "/v1/pipes", [this](const HttpRequest&) {
    catalog::SqlCatalog cat(options_.catalog);
    catalog::ObjectStore store(cat);
    PipeRunner runner(options_.catalog);
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& p : store.list("pipe", std::nullopt)) {
      nlohmann::ordered_json j;
      j["name"] = p.id.to_string();
      auto d = nlohmann::ordered_json::parse(p.definition, nullptr, false);
      j["auto_ingest"] = d.is_object() && d.value("auto_ingest", false);
      try {
        auto r = runner.session().execute_one(fmt::format("SELECT SYSTEM$PIPE_STATUS('{}')", p.id.to_string()));
        j["status"] = nlohmann::ordered_json::parse(std::string(r.batches.at(0).columns.at(0).string_at(0)));
      } catch (const std::exception& e) {
        j["status_error"] = e.what();
      }
      std::lock_guard<std::mutex> lock(mu_);
      auto it = last_outcome_.find(p.id.to_string());
      if (it != last_outcome_.end()) j["last_refresh"] = it->second;
      out.push_back(std::move(j));
    }
    return HttpResponse::json(200, out.dump());
  });
}

void PipeService::start() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void PipeService::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PipeService::poll_once(PipeRunner& runner) {
  catalog::SqlCatalog cat(options_.catalog);
  catalog::ObjectStore store(cat);
  for (const auto& p : store.list("pipe", std::nullopt)) {
    auto d = nlohmann::ordered_json::parse(p.definition, nullptr, false);
    if (!d.is_object() || !d.value("auto_ingest", false) || d.value("paused", false)) continue;
    std::string name = p.id.to_string();
    std::string outcome;
    try {
      auto r = runner.session().execute_one("ALTER PIPE " + quoted_name(p.id) + " REFRESH");
      int64_t files = 0, rows = 0;
      if (r.has_rows && r.schema.find("rows_loaded") >= 0) {
        int col = r.schema.find("rows_loaded");
        for (const auto& b : r.batches) {
          files += b.num_rows();
          for (int64_t i = 0; i < b.num_rows(); ++i) rows += b.columns[size_t(col)].value<int64_t>(i);
        }
      }
      outcome = fmt::format("{} files, {} rows", files, rows);
      if (files > 0) {
        fmt::print("floe serve: pipe {} loaded {}\n", name, outcome);
        std::fflush(stdout);
      }
    } catch (const std::exception& e) {
      // A conflict (another writer) or a stage that cannot be listed: the next poll retries.
      outcome = std::string("error: ") + e.what();
      fmt::print(stderr, "floe serve: pipe {}: {}\n", name, e.what());
    }
    std::lock_guard<std::mutex> lock(mu_);
    last_outcome_[name] = outcome;
  }
}

void PipeService::run() {
  std::unique_ptr<PipeRunner> runner;
  for (;;) {
    try {
      if (!runner) runner = std::make_unique<PipeRunner>(options_.catalog);
      poll_once(*runner);
    } catch (const std::exception& e) {
      fmt::print(stderr, "floe serve: pipes: {}\n", e.what());
      runner.reset();
    }
    ++polls_;
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stopping_; })) return;
  }
}

}  // namespace floe::serve
