// `floe sqllogictest`: runs sqllogictest files (SQLite's corpus, floe's tests/sql) and
// checks the passed counts against a baseline. Each file runs in a child process of its
// own (up to --jobs at once), so that a crash or a hang in one file is reported with the
// counts it reached while the other files still run. Layer: cli; the records are run by
// sqllogictest_runner.
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <thread>

#include "base/error.h"
#include "cli/commands.h"
#include "cli/sqllogictest_runner.h"

namespace floe::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct SltCommandOptions {
  std::vector<std::string> paths;
  bool verbose = false;
  bool fail_fast = false;
  std::string baseline;
  std::string record_baseline;
  int jobs = 1;
  double timeout_seconds = 0;
  std::string dialect = "sqlite";
  bool in_process = false;
  std::string memory_limit;
  int threads = 1;
};

// One file's run as the parent sees it.
struct FileOutcome {
  std::string key;  // the path relative to the working directory: the baseline's key
  std::string path;
  int64_t passed = 0, failed = 0, skipped = 0, statement_errors = 0, internal_errors = 0;
  int64_t line = 0;
  bool halted = false;
  std::string abnormal;  // "crashed (...)", "timed out ...", "error: ..." or ""
  std::string report;    // failure texts
  bool done = false;
};

std::string baseline_key(const std::string& path) {
  return fs::absolute(path).lexically_normal().lexically_relative(fs::current_path()).string();
}

// The .test files a PATH argument names: the file itself, or every .test file under a
// folder, in name order.
std::vector<std::string> test_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(p, ec))
        if (e.is_regular_file() && e.path().extension() == ".test")
          found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      if (found.empty()) throw InvalidInputError(fmt::format("no .test files under {}", p));
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      throw InvalidInputError(fmt::format("{}: no such file or folder", p));
    }
  }
  return out;
}

std::map<std::string, int64_t> read_baseline(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw IoError(fmt::format("cannot read the baseline {}: {}", path, std::strerror(errno)));
  std::map<std::string, int64_t> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.rfind('\t');
    char* end = nullptr;
    long long v = tab == std::string::npos ? 0 : std::strtoll(line.c_str() + tab + 1, &end, 10);
    if (tab == std::string::npos || end == line.c_str() + tab + 1)
      throw InvalidInputError(
          fmt::format("{}:{}: expected '<path>\\t<passed>', found '{}'", path, n, line));
    out[line.substr(0, tab)] = v;
  }
  return out;
}

void write_baseline(const std::string& path, const std::vector<FileOutcome>& outcomes) {
  std::map<std::string, int64_t> rows;
  for (const auto& o : outcomes) rows[o.key] = o.passed;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << "# floe sqllogictest baseline: records passed per file (floe sqllogictest "
           "--record-baseline)\n";
    for (const auto& [key, passed] : rows) out << key << '\t' << passed << '\n';
    if (!out) throw IoError(fmt::format("cannot write {}", tmp));
  }
  fs::rename(tmp, path);
}

sql::Dialect dialect_from_name(const std::string& name) {
  if (name == "sqlite") return sql::Dialect::kSqlite;
  if (name == "floe") return sql::Dialect::kFloe;
  throw InvalidInputError(fmt::format("unknown dialect '{}': use sqlite or floe", name));
}

void copy_counters(const SltCounters& c, FileOutcome& o) {
  o.passed = c.passed;
  o.failed = c.failed;
  o.skipped = c.skipped;
  o.statement_errors = c.statement_errors;
  o.internal_errors = c.internal_errors;
  o.line = c.current_line;
  o.halted = c.halted;
}

SltRunOptions run_options(const SltCommandOptions& o, std::function<void(std::string_view)> rep) {
  SltRunOptions r;
  r.default_dialect = dialect_from_name(o.dialect);
  r.verbose = o.verbose;
  r.fail_fast = o.fail_fast;
  if (!o.memory_limit.empty()) r.memory_limit = sql::parse_memory_size(o.memory_limit);
  r.threads = o.threads;
  r.report = std::move(rep);
  return r;
}

void run_in_process(const SltCommandOptions& o, FileOutcome& out) {
  SltCounters counters;
  SltRunOptions options = run_options(o, [](std::string_view text) {
    std::fflush(stdout);
    fmt::print(stderr, "{}", text);
  });
  try {
    run_sqllogictest_file(out.path, options, counters);
  } catch (const std::exception& e) {
    out.abnormal = fmt::format("error: {}", e.what());
  }
  copy_counters(counters, out);
  out.done = true;
}

// A file running in a child process: counters in memory shared with it, failure texts in
// an unlinked temporary file.
struct Child {
  pid_t pid = -1;
  size_t index = 0;
  SltCounters* counters = nullptr;
  std::FILE* report = nullptr;
  Clock::time_point started;
  bool timed_out = false;
};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    text.remove_prefix(size_t(n));
  }
}

Child start_child(const SltCommandOptions& o, const std::string& path, size_t index) {
  Child c;
  c.index = index;
  void* shared = ::mmap(nullptr, sizeof(SltCounters), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) throw IoError(fmt::format("mmap: {}", std::strerror(errno)));
  c.counters = new (shared) SltCounters();
  c.report = std::tmpfile();
  if (!c.report) throw IoError(fmt::format("tmpfile: {}", std::strerror(errno)));
  std::fflush(stdout);
  std::fflush(stderr);
  c.started = Clock::now();
  c.pid = ::fork();
  if (c.pid < 0) throw IoError(fmt::format("fork: {}", std::strerror(errno)));
  if (c.pid == 0) {
    int fd = ::fileno(c.report);
    int code = 0;
    SltRunOptions options = run_options(o, [fd](std::string_view text) { write_all(fd, text); });
    try {
      run_sqllogictest_file(path, options, *c.counters);
    } catch (const std::exception& e) {
      write_all(fd, fmt::format("error: {}\n", e.what()));
      code = 3;
    }
    std::fflush(stdout);
    ::_exit(code);
  }
  return c;
}

void finish_child(Child& c, int status, FileOutcome& out, double timeout_seconds) {
  copy_counters(*c.counters, out);
  std::string text;
  std::rewind(c.report);
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, c.report)) > 0) text.append(buf, n);
  std::fclose(c.report);
  ::munmap(c.counters, sizeof(SltCounters));
  if (c.timed_out) {
    out.abnormal = fmt::format("timed out after {} s at line {}", timeout_seconds, out.line);
    out.report = text;
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    out.abnormal = fmt::format("crashed (signal {}: {}) at line {}", sig, strsignal(sig), out.line);
    out.report = text;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    size_t end = text.rfind("error: ");
    out.abnormal = end == std::string::npos ? "error" : text.substr(end);
    while (!out.abnormal.empty() && out.abnormal.back() == '\n') out.abnormal.pop_back();
    out.report = text.substr(0, end == std::string::npos ? text.size() : end);
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    out.abnormal = fmt::format("exited with status {} at line {}", WEXITSTATUS(status), out.line);
    out.report = text;
  } else {
    out.report = text;
  }
  out.done = true;
}

class Runner {
 public:
  explicit Runner(const SltCommandOptions& o) : o_(o) {}

  int run() {
    std::vector<std::string> files = test_files(o_.paths);
    dialect_from_name(o_.dialect);  // reject a bad name before any file runs
    std::optional<std::map<std::string, int64_t>> baseline;
    if (!o_.baseline.empty()) baseline = read_baseline(o_.baseline);
    baseline_ = baseline ? &*baseline : nullptr;

    outcomes_.resize(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      outcomes_[i].path = files[i];
      outcomes_[i].key = baseline_key(files[i]);
    }
    auto start = Clock::now();
    if (o_.in_process) {
      for (size_t i = 0; i < files.size() && !stop_; ++i) {
        run_in_process(o_, outcomes_[i]);
        print_ready();
      }
    } else {
      run_children();
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();

    FileOutcome total;
    int64_t abnormal = 0, files_run = 0;
    for (const auto& x : outcomes_) {
      if (!x.done) continue;
      ++files_run;
      total.passed += x.passed;
      total.failed += x.failed;
      total.skipped += x.skipped;
      total.statement_errors += x.statement_errors;
      total.internal_errors += x.internal_errors;
      abnormal += !x.abnormal.empty();
    }
    fmt::print(
        "sqllogictest total: {} passed, {} failed, {} skipped (other engine), {} statement "
        "errors in {} files ({:.1f} s){}{}\n",
        total.passed, total.failed, total.skipped, total.statement_errors, files_run, seconds,
        total.internal_errors ? fmt::format("; {} internal errors", total.internal_errors) : "",
        abnormal ? fmt::format("; {} files crashed, timed out or could not run", abnormal) : "");
    if (baseline_) {
      if (regressed_ || missing_)
        fmt::print("baseline {}: {} files regressed, {} missing from it\n", o_.baseline, regressed_,
                   missing_);
      else
        fmt::print("baseline {}: no file regressed{}\n", o_.baseline,
                   improved_ ? fmt::format(", {} improved", improved_) : "");
    }
    if (!o_.record_baseline.empty()) {
      std::vector<FileOutcome> done;
      for (const auto& x : outcomes_)
        if (x.done) done.push_back(x);
      write_baseline(o_.record_baseline, done);
      fmt::print("recorded the baseline of {} files in {}\n", done.size(), o_.record_baseline);
    }
    std::fflush(stdout);
    bool bad = regressed_ > 0 || missing_ > 0 || abnormal > 0 || total.internal_errors > 0 ||
               (stop_ && o_.fail_fast);
    return bad ? 1 : 0;
  }

 private:
  void run_children() {
    std::vector<Child> running;
    size_t next = 0;
    int jobs = std::max(1, o_.jobs);
    while (next < outcomes_.size() || !running.empty()) {
      while (!stop_ && next < outcomes_.size() && int(running.size()) < jobs) {
        running.push_back(start_child(o_, outcomes_[next].path, next));
        ++next;
      }
      if (stop_ && running.empty()) break;
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid < 0 && errno != EINTR && errno != ECHILD)
        throw IoError(fmt::format("waitpid: {}", std::strerror(errno)));
      if (pid <= 0) {
        if (o_.timeout_seconds > 0) {
          for (auto& c : running) {
            double age = std::chrono::duration<double>(Clock::now() - c.started).count();
            if (!c.timed_out && age > o_.timeout_seconds) {
              c.timed_out = true;
              ::kill(c.pid, SIGKILL);
            }
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      auto it = std::find_if(running.begin(), running.end(),
                             [pid](const Child& c) { return c.pid == pid; });
      if (it == running.end()) continue;
      finish_child(*it, status, outcomes_[it->index], o_.timeout_seconds);
      running.erase(it);
      print_ready();
    }
  }

  // Prints the lines of finished files in the order the files were given.
  void print_ready() {
    while (printed_ < outcomes_.size() && outcomes_[printed_].done) {
      FileOutcome& x = outcomes_[printed_++];
      if (!x.report.empty()) {
        std::fflush(stdout);
        fmt::print(stderr, "{}", x.report);
        std::fflush(stderr);
      }
      std::string line = fmt::format("{}: {} passed, {} failed, {} skipped (other engine)", x.key,
                                     x.passed, x.failed, x.skipped);
      if (x.statement_errors) line += fmt::format(", {} statement errors", x.statement_errors);
      if (x.internal_errors) line += fmt::format(", {} internal errors", x.internal_errors);
      if (x.halted) line += fmt::format("; halted at line {}", x.line);
      if (!x.abnormal.empty()) line += "; " + x.abnormal;
      if (baseline_) {
        auto it = baseline_->find(x.key);
        if (it == baseline_->end()) {
          ++missing_;
          line += "; MISSING from the baseline";
        } else if (x.passed < it->second) {
          ++regressed_;
          line += fmt::format("; REGRESSED: {} < {} (baseline)", x.passed, it->second);
        } else if (x.passed > it->second) {
          ++improved_;
          line += fmt::format("; improved: {} > {} (update the baseline)", x.passed, it->second);
        }
      }
      fmt::print("{}\n", line);
      std::fflush(stdout);
      if (o_.fail_fast && (x.failed || x.statement_errors || !x.abnormal.empty())) stop_ = true;
    }
  }

  const SltCommandOptions& o_;
  std::vector<FileOutcome> outcomes_;
  const std::map<std::string, int64_t>* baseline_ = nullptr;
  size_t printed_ = 0;
  int64_t regressed_ = 0, missing_ = 0, improved_ = 0;
  bool stop_ = false;
};

}  // namespace

void register_sqllogictest_command(CLI::App& app) {
  auto o = std::make_shared<SltCommandOptions>();
  auto* c = app.add_subcommand(
      "sqllogictest",
      "Run sqllogictest files (SQLite's format) in fresh in-memory sessions and count the "
      "records that pass; check the counts against a baseline");
  c->add_option("paths", o->paths, ".test files or folders (searched for *.test)")->required();
  c->add_flag("--verbose", o->verbose,
              "Print every failure: its SQL, expected and actual values, the error");
  c->add_flag("--fail-fast", o->fail_fast, "Stop at the first failing record");
  c->add_option("--baseline", o->baseline,
                "Baseline file (<path>\\t<passed> lines): a file passing fewer records than "
                "its baseline, or missing from it, fails the run");
  c->add_option("--record-baseline", o->record_baseline,
                "Write this run's passed counts as the baseline FILE");
  c->add_option("-j,--jobs", o->jobs, "Files run at once, each in its own process (default 1)");
  c->add_option("--timeout", o->timeout_seconds,
                "Seconds one file may run before it is stopped and reported (default: no limit)");
  c->add_option("--dialect", o->dialect,
                "Dialect of files without a '# dialect: floe|sqlite' line: sqlite (default) or "
                "floe");
  c->add_option("--memory-limit", o->memory_limit,
                "Each file's session starts with this memory_limit ('64KB', 'none'): a tiny one "
                "makes sorts, aggregations and joins spill");
  c->add_option("--threads", o->threads, "Worker threads of each file's session (default 1)");
  c->add_flag("--in-process", o->in_process,
              "Run the files one after another in this process (for a debugger)");
  c->callback([o] {
    int code = Runner(*o).run();
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace floe::cli
