#include "cli/sql_shell.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/error.h"
#include "cli/editline_library.h"
#include "cli/sql_script.h"
#include "sql/parser.h"

namespace floe::cli {

namespace {

// Ctrl-C while a statement runs cancels it (the shell stays); at the prompt it ends the shell
// as before. The handler only sets this flag; the statement checks it at each batch a scan
// reads and stops with an error, so nothing it was writing is committed.
std::atomic<bool> g_cancel_requested{false};

extern "C" void on_interrupt(int) { g_cancel_requested.store(true); }

// Installs the Ctrl-C handler for the scope of one statement run.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt() {
    g_cancel_requested = false;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous_);
  }
  ~CancelOnInterrupt() { sigaction(SIGINT, &previous_, nullptr); }
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

 private:
  struct sigaction previous_ {};
};

using Clock = std::chrono::steady_clock;

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// A `\r` line on stderr with the rows a statement has read, shown once it has run for
// more than a second and cleared before its result prints. One thread for the shell's
// life; the session's callback only stores two numbers.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
  }
  ~ProgressLine() {
    if (!enabled_) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void report(int64_t done, int64_t total) {
    done_.store(done, std::memory_order_relaxed);
    total_.store(total, std::memory_order_relaxed);
  }

  void begin() {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = 0;
    total_ = -1;
    started_ = Clock::now();
    running_ = true;
  }

  // Stops showing progress and erases the line if it was shown.
  void end() {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
    if (shown_width_ > 0) {
      fmt::print(stderr, "\r{}\r", std::string(shown_width_, ' '));
      std::fflush(stderr);
      shown_width_ = 0;
    }
    shown_line_.clear();
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      wake_.wait_for(lock, std::chrono::milliseconds(200));
      if (stop_ || !running_ || Clock::now() - started_ < std::chrono::seconds(1)) continue;
      int64_t done = done_.load(std::memory_order_relaxed);
      int64_t total = total_.load(std::memory_order_relaxed);
      std::string line;
      if (total > 0) {
        int64_t percent = std::min<int64_t>(100, done * 100 / total);
        line =
            fmt::format("{:3}% {} / {} rows", percent, with_thousands(done), with_thousands(total));
      } else {
        line = fmt::format("{} rows read", with_thousands(done));
      }
      if (line == shown_line_) continue;
      shown_line_ = line;
      std::string pad(line.size() < shown_width_ ? shown_width_ - line.size() : 0, ' ');
      fmt::print(stderr, "\r{}{}", line, pad);
      std::fflush(stderr);
      shown_width_ = std::max(shown_width_, line.size());
    }
  }

  bool enabled_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool running_ = false;
  Clock::time_point started_;
  size_t shown_width_ = 0;
  std::string shown_line_;
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> total_{-1};
};

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The shell's input lines: through libedit (editing, and history kept in `history_file`) when
// it loads, else read plainly from stdin after a note saying so.
class LineReader {
 public:
  explicit LineReader(std::string history_file) : history_file_(std::move(history_file)) {
    try {
      editline_ = &editline_library();
    } catch (const UnsupportedError& e) {
      fmt::print(stderr, "note: {}; lines are read without editing or history\n", e.what());
      return;
    }
    editline_->using_history();
    editline_->stifle_history(2000);
    if (!history_file_.empty()) editline_->read_history(history_file_.c_str());
  }
  ~LineReader() {
    if (editline_ && !history_file_.empty()) editline_->write_history(history_file_.c_str());
  }

  // The next line, or nullopt at the end of input (Ctrl-D).
  std::optional<std::string> read(const char* prompt) {
    if (!editline_) {
      fmt::print("{}", prompt);
      std::fflush(stdout);
      std::string line;
      if (!std::getline(std::cin, line)) return std::nullopt;
      return line;
    }
    char* raw = editline_->readline(prompt);
    if (raw == nullptr) return std::nullopt;
    std::string line(raw);
    std::free(raw);
    return line;
  }
  void remember(const std::string& entry) {
    if (editline_) editline_->add_history(entry.c_str());
  }

 private:
  std::string history_file_;
  const EditlineLibrary* editline_ = nullptr;
};

void print_shell_help() {
  fmt::print(
      "Statements end with ';' and may span lines.\n"
      ".timing on|off   print each statement's elapsed time\n"
      ".help            this text\n"
      ".quit, .exit, \\q leave (Ctrl-D too)\n");
}

}  // namespace

void run_sql_shell(sql::Session& session, ShellOptions options) {
  std::string history;
  if (const char* home = std::getenv("HOME"); home && *home)
    history = std::string(home) + "/.floe_history";
  LineReader input(history);

  ProgressLine progress(::isatty(STDERR_FILENO) == 1);
  session.set_progress_callback([&progress](int64_t done, int64_t total) {
    if (g_cancel_requested.load()) throw InvalidInputError("statement cancelled (Ctrl-C); nothing it was changing was committed");
    progress.report(done, total);
  });

  fmt::print("floe {} SQL shell: statements end with ';', .help for commands, .quit to leave\n",
             FLOE_VERSION);
  std::string buffer;
  for (;;) {
    std::fflush(stdout);
    std::optional<std::string> read = input.read(buffer.empty() ? "floe> " : "  ...> ");
    if (!read) {  // Ctrl-D
      fmt::print("\n");
      break;
    }
    std::string line = std::move(*read);

    if (buffer.empty()) {
      std::string command = trimmed(line);
      if (command.empty()) continue;
      if (command[0] == '.' || command[0] == '\\') {
        input.remember(command);
        if (command == ".quit" || command == ".exit" || command == "\\q") break;
        if (command == ".timing on" || command == ".timing off") {
          options.timing = command == ".timing on";
        } else if (command == ".timing") {
          fmt::print("timing is {}\n", options.timing ? "on" : "off");
        } else if (command == ".help" || command == "\\?") {
          print_shell_help();
        } else {
          fmt::print(stderr, "error: unknown command '{}' (.help lists them)\n", command);
        }
        continue;
      }
    }

    buffer += line;
    buffer += '\n';
    bool complete = false;
    sql::split_statements(buffer, &complete);
    if (!complete) continue;

    std::string entry = trimmed(buffer);
    for (char& c : entry)
      if (c == '\n') c = ' ';
    if (!entry.empty()) input.remember(entry);

    progress.begin();
    CancelOnInterrupt cancel_on_interrupt;
    try {
      run_sql_script(session, buffer, [&](sql::StatementResult& result, double seconds) {
        progress.end();
        print_statement_result(result, options.format, stdout, options.max_rows);
        if (options.timing) fmt::print("time: {}\n", elapsed_text(seconds));
        std::fflush(stdout);
        progress.begin();
      });
      progress.end();
    } catch (const Error& e) {
      progress.end();
      std::fflush(stdout);
      fmt::print(stderr, "error: {}\n", e.what());
    } catch (const std::exception& e) {
      progress.end();
      std::fflush(stdout);
      fmt::print(stderr, "error: internal error: {}\n", e.what());
    }
    buffer.clear();
  }
  session.set_progress_callback(nullptr);
}

}  // namespace floe::cli
