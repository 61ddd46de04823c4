#include "cli/sqllogictest_runner.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "columnar/value_text.h"

namespace floe::cli {

namespace {

using columnar::Column;
using columnar::TypeId;

constexpr std::string_view kEngineName = "floe";
constexpr size_t kValuesShown = 12;  // of expected and actual results in a failure report

// ---- the script: lines, records ----------------------------------------------------------

struct Line {
  std::string_view text;
  int64_t number;
};

std::string_view strip_cr(std::string_view s) {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

// Whitespace-separated words of a control line ("query III rowsort label-1").
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

// ---- value formatting, as SQLite's runner renders results ---------------------------------

// SQLite's text-to-number conversion: the longest numeric prefix (after blanks), 0 if none.
double text_as_double(std::string_view s) {
  std::string z(s);
  const char* p = z.c_str();
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  // strtod also reads hex, "inf" and "nan", which SQLite does not: a number starts with a
  // digit or a point (after a sign) and never holds an x.
  const char* digits = p + (*p == '+' || *p == '-');
  if (!((*digits >= '0' && *digits <= '9') || *digits == '.')) return 0;
  char* end = nullptr;
  double v = std::strtod(p, &end);
  if (end == p || std::find(p, static_cast<const char*>(end), 'x') != end ||
      std::find(p, static_cast<const char*>(end), 'X') != end)
    return 0;
  return v;
}

int64_t double_as_int64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9223372036854775807.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return int64_t(v);
}

int64_t text_as_int64(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  size_t b = i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  bool more = i < s.size() && (s[i] == '.' || s[i] == 'e' || s[i] == 'E');
  if (i > digits && !more && i - digits < 19)
    return std::strtoll(std::string(s.substr(b, i - b)).c_str(), nullptr, 10);
  return double_as_int64(text_as_double(s));
}

__int128 pow10_128(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

double decimal_as_double(const Column& c, int64_t row) {
  __int128 v = c.value<__int128>(row);
  return double(v) / double(pow10_128(c.type().scale()));
}

// How SQLite prints a REAL as text ("%!.15g": always a decimal point or exponent).
void append_real_text(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "Inf" : "-Inf";
    return;
  }
  std::string s = fmt::format("{:.15g}", v);
  size_t e = s.find_first_of("eE");
  if (s.find('.') == std::string::npos) s.insert(e == std::string::npos ? s.size() : e, ".0");
  out += s;
}

bool is_integer_type(TypeId t) {
  switch (t) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: return true;
    default: return false;
  }
}

double float_at(const Column& c, int64_t row) {
  return c.type().id() == TypeId::kFloat32 ? double(c.value<float>(row)) : c.value<double>(row);
}

// Appends the value at `row` rendered for the type letter (I, R or T) of a query record.
void append_slt_value(const Column& c, int64_t row, char type, std::string& out) {
  if (c.is_null(row)) {
    out += "NULL";
    return;
  }
  TypeId id = c.type().id();
  if (type == 'I') {
    if (is_integer_type(id) || id == TypeId::kDecimal) {
      if (id == TypeId::kDecimal) {
        __int128 v = c.value<__int128>(row) / pow10_128(c.type().scale());
        out += columnar::decimal_to_string(v, 0);
      } else {
        columnar::append_value_text(c, row, out);
      }
    } else if (id == TypeId::kBoolean) {
      out += c.value<uint8_t>(row) ? '1' : '0';
    } else if (id == TypeId::kFloat32 || id == TypeId::kFloat64) {
      out += fmt::format_int(double_as_int64(float_at(c, row))).c_str();
    } else {
      std::string text;
      columnar::append_value_text(c, row, text);
      out += fmt::format_int(text_as_int64(text)).c_str();
    }
    return;
  }
  if (type == 'R') {
    double v;
    if (id == TypeId::kFloat32 || id == TypeId::kFloat64) {
      v = float_at(c, row);
    } else if (id == TypeId::kDecimal) {
      v = decimal_as_double(c, row);
    } else if (id == TypeId::kBoolean) {
      v = c.value<uint8_t>(row) ? 1 : 0;
    } else {
      std::string text;
      columnar::append_value_text(c, row, text);
      v = text_as_double(text);
    }
    out += fmt::format("{:.3f}", v);
    return;
  }
  size_t start = out.size();
  if (id == TypeId::kFloat32 || id == TypeId::kFloat64)
    append_real_text(float_at(c, row), out);
  else
    columnar::append_value_text(c, row, out);
  if (out.size() == start) {
    out += "(empty)";
    return;
  }
  for (size_t i = start; i < out.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(out[i]);
    if (ch < ' ' || ch > '~') out[i] = '@';
  }
}

// ---- MD5 of result values, as SQLite's runner hashes them --------------------------------

class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_) throw InternalError("EVP_MD_CTX_new failed");
  }
  // The MD5 (lowercase hex) of every value followed by "\n", in order.
  std::string of_values(const std::vector<std::string>& values) {
    EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr);
    for (const auto& v : values) {
      EVP_DigestUpdate(ctx_.get(), v.data(), v.size());
      EVP_DigestUpdate(ctx_.get(), "\n", 1);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &n);
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 15];
    }
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

// ---- running records ----------------------------------------------------------------------

struct QueryHeader {
  std::string types;
  enum class Sort { kNone, kRow, kValue } sort = Sort::kNone;
  std::string label;
};

class FileRun {
 public:
  FileRun(std::string path, const SltRunOptions& options, SltCounters& counters)
      : path_(std::move(path)), options_(options), counters_(counters) {}

  void run(std::string_view script) {
    std::vector<Line> lines;
    int64_t number = 0;
    size_t pos = 0;
    while (pos <= script.size()) {
      size_t nl = script.find('\n', pos);
      if (nl == std::string_view::npos) nl = script.size();
      ++number;
      lines.push_back({strip_cr(script.substr(pos, nl - pos)), number});
      pos = nl + 1;
    }
    sql::SessionOptions session_options;
    session_options.in_memory = true;
    session_options.threads = options_.threads;
    session_options.memory_limit = options_.memory_limit;
    session_options.dialect = dialect_of(lines);
    // "# storage: warehouse": the file's tables are Iceberg tables in a warehouse folder of
    // its own (removed afterwards), so that its queries read Parquet files.
    struct Warehouse {
      std::filesystem::path dir;
      ~Warehouse() {
        std::error_code ec;
        if (!dir.empty()) std::filesystem::remove_all(dir, ec);
      }
    } warehouse;
    if (header_says(lines, "storage:", "warehouse")) {
      static std::atomic<int> files{0};
      warehouse.dir = std::filesystem::temp_directory_path() /
                      fmt::format("floe-sqllogictest-{}-{}", ::getpid(), files++);
      std::filesystem::remove_all(warehouse.dir);
      session_options.in_memory = false;
      session_options.warehouse = warehouse.dir.string();
    }
    session_ = std::make_unique<sql::Session>(session_options);
    struct EndSession {
      std::unique_ptr<sql::Session>& session;
      ~EndSession() { session.reset(); }  // before its warehouse is removed
    } end_session{session_};

    std::vector<Line> record;
    for (size_t i = 0; i < lines.size() && !stop_;) {
      while (i < lines.size() && is_blank(lines[i].text)) ++i;
      record.clear();
      for (; i < lines.size() && !is_blank(lines[i].text); ++i)
        if (lines[i].text[0] != '#') record.push_back(lines[i]);
      if (!record.empty()) run_record(record);
    }
  }

 private:
  static sql::Dialect dialect_from_comment(std::string_view line, sql::Dialect fallback) {
    auto w = words(line.substr(1));
    if (w.size() == 2 && w[0] == "dialect:") {
      if (w[1] == "floe") return sql::Dialect::kFloe;
      if (w[1] == "sqlite") return sql::Dialect::kSqlite;
    }
    return fallback;
  }

  // Whether a comment of the file's header reads "# <key> <value>".
  static bool header_says(const std::vector<Line>& lines, std::string_view key,
                          std::string_view value) {
    for (const Line& l : lines) {
      if (is_blank(l.text)) continue;
      if (l.text[0] != '#') break;
      auto w = words(l.text.substr(1));
      if (w.size() == 2 && w[0] == key && w[1] == value) return true;
    }
    return false;
  }

  sql::Dialect dialect_of(const std::vector<Line>& lines) const {
    sql::Dialect d = options_.default_dialect;
    for (const Line& l : lines) {
      if (is_blank(l.text)) continue;
      if (l.text[0] != '#') break;
      d = dialect_from_comment(l.text, d);
    }
    return d;
  }

  void run_record(const std::vector<Line>& record) {
    size_t i = 0;
    bool skip = false;
    for (; i < record.size(); ++i) {
      auto w = words(record[i].text);
      if (w.empty() || (w[0] != "skipif" && w[0] != "onlyif")) break;
      std::string_view engine = w.size() > 1 ? w[1] : std::string_view();
      if (w[0] == "skipif" && engine == kEngineName) skip = true;
      if (w[0] == "onlyif" && engine != kEngineName) skip = true;
    }
    if (i == record.size()) return;
    const Line& head = record[i];
    auto w = words(head.text);
    counters_.current_line.store(head.number, std::memory_order_relaxed);
    if (w[0] == "halt") {
      if (!skip) {
        counters_.halted = true;
        stop_ = true;
      }
      return;
    }
    if (w[0] == "hash-threshold") {
      if (!skip)
        hash_threshold_ = w.size() > 1 ? std::strtoll(std::string(w[1]).c_str(), nullptr, 10) : 0;
      return;
    }
    bool is_statement = w[0] == "statement";
    bool is_query = w[0] == "query";
    if (!is_statement && !is_query) {
      fail(head, fmt::format("unknown record '{}'", head.text), "", nullptr, nullptr);
      return;
    }
    if (skip) {
      counters_.skipped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    // The SQL runs to "----" (or the record's end); expected lines follow it.
    size_t sql_end = i + 1;
    while (sql_end < record.size() && record[sql_end].text != "----") ++sql_end;
    std::string sql;
    for (size_t k = i + 1; k < sql_end; ++k) {
      if (k > i + 1) sql += '\n';
      sql += record[k].text;
    }
    std::vector<std::string_view> expected;
    for (size_t k = sql_end + 1; k < record.size(); ++k) expected.push_back(record[k].text);

    if (is_statement) {
      if (w.size() < 2 || (w[1] != "ok" && w[1] != "error")) {
        fail(head, fmt::format("unknown record '{}'", head.text), sql, nullptr, nullptr);
        return;
      }
      run_statement(head, sql, w[1] == "ok", expected);
    } else {
      QueryHeader q;
      if (w.size() > 1) q.types = std::string(w[1]);
      for (size_t k = 2; k < w.size(); ++k) {
        if (w[k] == "nosort")
          q.sort = QueryHeader::Sort::kNone;
        else if (w[k] == "rowsort")
          q.sort = QueryHeader::Sort::kRow;
        else if (w[k] == "valuesort")
          q.sort = QueryHeader::Sort::kValue;
        else
          q.label = std::string(w[k]);
      }
      if (q.types.empty() || q.types.find_first_not_of("IRT") != std::string::npos) {
        fail(head, fmt::format("query types '{}': expected letters I, R and T", q.types), sql,
             nullptr, nullptr);
        return;
      }
      run_query(head, sql, q, expected);
    }
  }

  struct Failure {
    std::string message;
    bool internal = false;  // floe's bug, not the statement's
  };

  // Runs `sql`; returns how it failed, if it did (and counts floe's bugs).
  std::optional<Failure> execute(const Line& head, const std::string& sql,
                                 sql::StatementResult& result) {
    try {
      result = session_->execute_one(sql);
      return std::nullopt;
    } catch (const Error& e) {
      bool internal = e.kind() == ErrorKind::kInternal;
      if (internal) internal_error(head, sql, e.what());
      return Failure{e.what(), internal};
    } catch (const std::exception& e) {
      std::string message = fmt::format("internal error: {}", e.what());
      internal_error(head, sql, message);
      return Failure{message, true};
    }
  }

  void internal_error(const Line& head, const std::string& sql, const std::string& message) {
    counters_.internal_errors.fetch_add(1, std::memory_order_relaxed);
    // A bug is always reported, verbose or not (verbose reports it with the record).
    if (!options_.verbose && options_.report) {
      bool named = message.rfind("internal error", 0) == 0;
      options_.report(fmt::format("{}:{}: {}{}\n  {}\n", path_, head.number,
                                  named ? "" : "internal error: ", message, sql));
    }
  }

  void run_statement(const Line& head, const std::string& sql, bool expect_ok,
                     const std::vector<std::string_view>& expected) {
    sql::StatementResult result;
    std::optional<Failure> error = execute(head, sql, result);
    if (expect_ok) {
      if (!error) {
        pass();
        return;
      }
      counters_.statement_errors.fetch_add(1, std::memory_order_relaxed);
      report(head, "statement failed", sql, nullptr, nullptr, &error->message);
      return;
    }
    if (!error) {
      fail(head, "statement succeeded, an error was expected", sql, nullptr, nullptr);
      return;
    }
    if (error->internal) {
      fail(head, "internal error where an error was expected", sql, nullptr, nullptr,
           &error->message);
      return;
    }
    for (std::string_view want : expected) {
      if (error->message.find(want) == std::string::npos) {
        fail(head, fmt::format("the error does not say '{}'", want), sql, nullptr, nullptr,
             &error->message);
        return;
      }
    }
    pass();
  }

  void run_query(const Line& head, const std::string& sql, const QueryHeader& q,
                 const std::vector<std::string_view>& expected_lines) {
    sql::StatementResult result;
    std::optional<Failure> error = execute(head, sql, result);
    if (error) {
      fail(head, "query failed", sql, nullptr, nullptr, &error->message);
      return;
    }
    size_t ncols = q.types.size();
    if (result.schema.fields.size() != ncols) {
      fail(head, fmt::format("expected {} columns, got {}", ncols, result.schema.fields.size()),
           sql, nullptr, nullptr);
      return;
    }
    std::vector<std::string> values;
    values.reserve(size_t(result.num_rows()) * ncols);
    for (const auto& batch : result.batches) {
      int64_t rows = batch.num_rows();
      for (int64_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < ncols; ++c) {
          values.emplace_back();
          append_slt_value(batch.columns[c], r, q.types[c], values.back());
        }
    }
    if (q.sort == QueryHeader::Sort::kValue) {
      std::sort(values.begin(), values.end());
    } else if (q.sort == QueryHeader::Sort::kRow && ncols > 0) {
      size_t rows = values.size() / ncols;
      std::vector<uint32_t> order(rows);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        for (size_t c = 0; c < ncols; ++c) {
          int cmp = values[a * ncols + c].compare(values[b * ncols + c]);
          if (cmp != 0) return cmp < 0;
        }
        return false;
      });
      std::vector<std::string> sorted;
      sorted.reserve(values.size());
      for (uint32_t r : order)
        for (size_t c = 0; c < ncols; ++c) sorted.push_back(std::move(values[r * ncols + c]));
      values = std::move(sorted);
    }

    // "N values hashing to H", or the values themselves (one per line, or a row per line
    // with tab-separated values).
    std::string want_hash;
    int64_t want_count = -1;
    std::vector<std::string> expected;
    if (expected_lines.size() == 1) {
      auto w = words(expected_lines[0]);
      if (w.size() == 5 && w[1] == "values" && w[2] == "hashing" && w[3] == "to") {
        want_count = std::strtoll(std::string(w[0]).c_str(), nullptr, 10);
        want_hash = std::string(w[4]);
      }
    }
    if (want_count < 0) {
      for (std::string_view line : expected_lines) {
        size_t b = 0;
        for (;;) {
          size_t t = line.find('\t', b);
          expected.emplace_back(line.substr(b, t == std::string_view::npos ? t : t - b));
          if (t == std::string_view::npos) break;
          b = t + 1;
        }
      }
    }

    std::string hash;
    bool hashed =
        want_count >= 0 || (hash_threshold_ > 0 && int64_t(values.size()) > hash_threshold_);
    if (hashed || !q.label.empty()) hash = md5_.of_values(values);
    bool ok;
    if (want_count >= 0)
      ok = want_count == int64_t(values.size()) && want_hash == hash;
    else
      ok = expected == values;
    if (!ok) {
      if (want_count >= 0) {
        std::vector<std::string> want{std::string(expected_lines[0])};
        std::vector<std::string> got{fmt::format("{} values hashing to {}", values.size(), hash)};
        for (size_t k = 0; k < values.size() && k < kValuesShown; ++k) got.push_back(values[k]);
        fail(head, "wrong result", sql, &want, &got);
      } else {
        fail(head, "wrong result", sql, &expected, &values);
      }
      return;
    }
    if (!q.label.empty()) {
      auto [it, inserted] = labels_.try_emplace(q.label, LabelResult{int64_t(values.size()), hash});
      if (!inserted && (it->second.count != int64_t(values.size()) || it->second.hash != hash)) {
        std::vector<std::string> want{
            fmt::format("{} values hashing to {}", it->second.count, it->second.hash)};
        std::vector<std::string> got{fmt::format("{} values hashing to {}", values.size(), hash)};
        fail(head, fmt::format("result differs from the earlier query labelled {}", q.label), sql,
             &want, &got);
        return;
      }
    }
    pass();
  }

  void pass() { counters_.passed.fetch_add(1, std::memory_order_relaxed); }

  void fail(const Line& head, std::string_view what, const std::string& sql,
            const std::vector<std::string>* expected, const std::vector<std::string>* actual,
            const std::string* error = nullptr) {
    counters_.failed.fetch_add(1, std::memory_order_relaxed);
    report(head, what, sql, expected, actual, error);
  }

  void report(const Line& head, std::string_view what, const std::string& sql,
              const std::vector<std::string>* expected, const std::vector<std::string>* actual,
              const std::string* error) {
    if (options_.fail_fast) stop_ = true;
    if (!options_.verbose || !options_.report) return;
    std::string text = fmt::format("{}:{}: {}\n", path_, head.number, what);
    auto indent = [&](std::string_view block) {
      size_t b = 0;
      while (b < block.size()) {
        size_t e = block.find('\n', b);
        if (e == std::string_view::npos) e = block.size();
        text += "    ";
        text += block.substr(b, e - b);
        text += '\n';
        b = e + 1;
      }
    };
    if (!sql.empty()) indent(sql);
    auto list = [&](const char* name, const std::vector<std::string>* vals) {
      if (!vals) return;
      // A hashed result comes as its "N values hashing to H" line, then the first values.
      bool hashed = !vals->empty() && (*vals)[0].find(" values hashing to ") != std::string::npos;
      if (hashed)
        text += fmt::format("  {}: {}", name, (*vals)[0]);
      else
        text += fmt::format("  {} ({} values):", name, vals->size());
      size_t first = hashed ? 1 : 0;
      if (hashed && vals->size() > 1) text += ", first values:";
      for (size_t k = first; k < vals->size() && k < first + kValuesShown; ++k)
        text += " " + (*vals)[k];
      if (vals->size() > first + kValuesShown) text += " ...";
      text += '\n';
    };
    list("expected", expected);
    list("actual", actual);
    if (error) {
      text += "  error: ";
      text += *error;
      text += '\n';
    }
    options_.report(text);
  }

  struct LabelResult {
    int64_t count;
    std::string hash;
  };

  std::string path_;
  const SltRunOptions& options_;
  SltCounters& counters_;
  std::unique_ptr<sql::Session> session_;
  int64_t hash_threshold_ = 0;
  bool stop_ = false;
  Md5 md5_;
  std::unordered_map<std::string, LabelResult> labels_;
};

}  // namespace

void run_sqllogictest_file(const std::string& path, const SltRunOptions& options,
                           SltCounters& counters) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  std::string script = text.str();
  FileRun(path, options, counters).run(script);
}

}  // namespace floe::cli
