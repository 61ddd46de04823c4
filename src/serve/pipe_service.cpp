// PipeService: AUTO_INGEST pipes refreshed on an interval. Layer: serve.
#include "serve/pipe_service.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "catalog/object_store.h"
#include "ingest/stage.h"
#include "io/file_io.h"
#include "sql/parser.h"
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

// The local folder a pipe's stage reads, for notifications (nullopt for S3 stages and for
// pipes whose COPY cannot be read: their refresh reports why).
std::optional<std::string> local_stage_folder(catalog::SqlCatalog& cat, const catalog::TableIdentifier& pipe,
                                              const std::string& copy_text) {
  try {
    sql::Statement st = sql::parse_statement(copy_text);
    if (st.kind != sql::StatementKind::kCopy) return std::nullopt;
    std::string source = st.copy->location;
    if (st.copy->query && st.copy->query->select && !st.copy->query->select->from.empty())
      source = st.copy->query->select->from[0]->name[0];
    std::string prefix;
    if (!source.empty() && source[0] == '@') {
      prefix = ingest::resolve_stage(cat, ingest::StageRef::parse(source), pipe.namespace_levels).prefix;
    } else {
      prefix = source;
    }
    if (io::location_scheme(prefix) != "file") return std::nullopt;
    std::string path = io::local_path(prefix);
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(0, slash);
  } catch (const std::exception&) {
    return std::nullopt;
  }
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
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void PipeService::stop() {
  stopping_ = true;
  watch_.wake();
  if (thread_.joinable()) thread_.join();
}

void PipeService::poll_once(PipeRunner& runner) {
  catalog::SqlCatalog cat(options_.catalog);
  catalog::ObjectStore store(cat);
  std::set<std::string> folders;
  for (const auto& p : store.list("pipe", std::nullopt)) {
    auto d = nlohmann::ordered_json::parse(p.definition, nullptr, false);
    if (!d.is_object() || !d.value("auto_ingest", false)) continue;
    // A paused pipe's folder stays watched: a notification after it resumes refreshes it.
    if (auto folder = local_stage_folder(cat, p.id, d.value("copy", ""))) folders.insert(*folder);
    if (d.value("paused", false)) continue;
    std::string name = p.id.to_string();
    std::string outcome;
    try {
      std::vector<std::string> parts = p.id.namespace_levels;
      parts.push_back(p.id.name);
      auto r = runner.session().execute_one("ALTER PIPE " + sql::quoted_name(parts) + " REFRESH");
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
  local_folders_ = std::move(folders);
}

void PipeService::run() {
  using Clock = std::chrono::steady_clock;
  // A refresh waits this long after a notification: a pipe leaves files changed in the last
  // second for later (they may still be being written).
  constexpr auto kSettle = std::chrono::milliseconds(1100);
  std::unique_ptr<PipeRunner> runner;
  auto next_listing = Clock::now();
  std::optional<Clock::time_point> landed;  // a file landed in a watched folder since the last refresh
  while (!stopping_) {
    auto now = Clock::now();
    if (now >= next_listing || (landed && now >= *landed + kSettle)) {
      try {
        if (!runner) runner = std::make_unique<PipeRunner>(options_.catalog);
        poll_once(*runner);
        watch_.watch(local_folders_);
      } catch (const std::exception& e) {
        fmt::print(stderr, "floe serve: pipes: {}\n", e.what());
        runner.reset();
      }
      ++polls_;
      next_listing = Clock::now() + std::chrono::milliseconds(options_.poll_ms);
      landed.reset();
      continue;
    }
    auto wake_at = landed ? std::min(next_listing, *landed + kSettle) : next_listing;
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - now);
    if (watch_.wait(std::max(timeout, std::chrono::milliseconds(1))) && !landed) landed = Clock::now();
  }
}

}  // namespace floe::serve
