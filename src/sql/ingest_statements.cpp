// Loading and stages as a session runs them. Layer: sql.
#include "sql/ingest_statements.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/civil_time.h"
#include "base/error.h"
#include "catalog/load_history.h"
#include "catalog/object_store.h"
#include "columnar/column_cast.h"
#include "exec/type_rules.h"
#include "formats/compressed_file.h"
#include "formats/csv/csv_writer.h"
#include "formats/json/ndjson_writer.h"
#include "formats/parquet/parquet_writer.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/table_metadata.h"
#include "ingest/copy_into_table.h"
#include "ingest/file_checksum.h"
#include "ingest/file_format.h"
#include "ingest/stage.h"
#include "sql/parser.h"
#include "sql/quality_checks.h"
#include "sql/result_builders.h"

namespace floe::sql {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Schema;
using ingest::NamedOption;
using ingest::OptionList;
using ingest::OptionValue;

constexpr const char* kStageKind = "stage";
constexpr const char* kFileFormatKind = "file_format";
constexpr const char* kPipeKind = "pipe";

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string format_time_ms(int64_t ms) {
  if (ms <= 0) return "";
  std::time_t secs = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
}

StatementResult text_rows(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows) {
  Batch b = text_batch(names, rows);
  Schema s = b.schema;
  std::vector<Batch> v;
  v.push_back(std::move(b));
  return rows_result(std::move(s), std::move(v));
}

// --- a result table with typed columns -------------------------------------------------

struct ResultTable {
  Batch batch;
  void column(const std::string& name, DataType type) {
    batch.schema.fields.emplace_back(name, type);
    batch.columns.emplace_back(type);
  }
  Column& at(size_t i) { return batch.columns[i]; }
  StatementResult done() {
    Schema s = batch.schema;
    std::vector<Batch> v;
    v.push_back(std::move(batch));
    return rows_result(std::move(s), std::move(v));
  }
};

void put_text(Column& c, const std::string& s, bool null_if_empty = false) {
  if (null_if_empty && s.empty()) c.append_null();
  else c.append_string(s);
}

// --- stages and file formats -----------------------------------------------------------

const std::set<std::string>& stage_keys() {
  static const std::set<std::string> s = {"URL", "FILE_FORMAT", "COPY_OPTIONS", "COMMENT",
                                          "CREDENTIALS", "STORAGE_INTEGRATION", "ENCRYPTION",
                                          "DIRECTORY", "ENDPOINT", "USE_PRIVATELINK_ENDPOINT"};
  return s;
}

ingest::FileFormat named_file_format(IngestContext& ctx, const std::string& name) {
  ObjectName n;
  size_t start = 0;
  for (;;) {
    size_t dot = name.find('.', start);
    std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    for (auto& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    n.push_back(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  auto id = qualify(ctx, n);
  catalog::ObjectStore store(ctx.catalog);
  auto obj = store.get(kFileFormatKind, id);
  if (!obj) throw CatalogError(fmt::format("file format {} does not exist", id.to_string()));
  return ingest::FileFormat::from_options(ingest::options_from_json(obj->definition));
}

// FILE_FORMAT = (..) or FILE_FORMAT = name, as a format.
ingest::FileFormat file_format_of(IngestContext& ctx, const OptionValue& v) {
  if (v.kind == OptionValue::Kind::kGroup) {
    ingest::FileFormat base;
    if (const auto* fn = ingest::find_option(v.group, "FORMAT_NAME")) {
      if (ingest::find_option(v.group, "TYPE"))
        throw InvalidInputError("FILE_FORMAT takes FORMAT_NAME or TYPE, not both");
      base = named_file_format(ctx, fn->text);
    }
    return ingest::FileFormat::from_options(v.group, base);
  }
  if (v.kind == OptionValue::Kind::kWord || v.kind == OptionValue::Kind::kString) return named_file_format(ctx, v.text);
  throw InvalidInputError("FILE_FORMAT takes (TYPE = .. options) or the name of a file format");
}

void check_url(const std::string& url) {
  std::string scheme = io::location_scheme(url);
  if (scheme != "file" && scheme != "s3")
    throw UnsupportedError(fmt::format("stage URL '{}': only file:// paths and s3:// locations are supported", url));
}

StatementResult create_stage(IngestContext& ctx, const CreateObject& c) {
  ingest::StageDefinition d;
  for (const auto& o : c.options) {
    if (!stage_keys().count(o.key)) throw InvalidInputError(fmt::format("unknown stage option {}", o.key));
    if (o.key == "URL") d.url = ingest::option_string(o);
    else if (o.key == "FILE_FORMAT") {
      file_format_of(ctx, o.value);  // checked now, resolved again at each use
      d.file_format = o.value.kind == OptionValue::Kind::kGroup ? o.value.group : OptionList{{"FORMAT_NAME", o.value}};
    } else if (o.key == "COPY_OPTIONS") {
      if (o.value.kind != OptionValue::Kind::kGroup) throw InvalidInputError("COPY_OPTIONS takes (KEY = value ..)");
      d.copy_options = o.value.group;
    } else if (o.key == "COMMENT") d.comment = ingest::option_string(o);
    else d.other.push_back(o);
  }
  if (!d.url.empty()) check_url(d.url);
  auto id = qualify(ctx, c.name);
  catalog::ObjectStore store(ctx.catalog);
  auto mode = c.or_replace ? catalog::ObjectWrite::kReplace
              : c.if_not_exists ? catalog::ObjectWrite::kCreateIfNotExists
                                : catalog::ObjectWrite::kCreate;
  bool wrote = store.put(kStageKind, id, d.to_json(), mode);
  return status(wrote ? fmt::format("Stage area {} successfully created.", upper(id.name))
                      : fmt::format("{} already exists, statement succeeded.", upper(id.name)));
}

StatementResult create_file_format(IngestContext& ctx, const CreateObject& c) {
  ingest::FileFormat::from_options(c.options);  // checks every option
  auto id = qualify(ctx, c.name);
  catalog::ObjectStore store(ctx.catalog);
  auto mode = c.or_replace ? catalog::ObjectWrite::kReplace
              : c.if_not_exists ? catalog::ObjectWrite::kCreateIfNotExists
                                : catalog::ObjectWrite::kCreate;
  bool wrote = store.put(kFileFormatKind, id, ingest::options_to_json(c.options), mode);
  return status(wrote ? fmt::format("File format {} successfully created.", upper(id.name))
                      : fmt::format("{} already exists, statement succeeded.", upper(id.name)));
}

StatementResult create_pipe(IngestContext& ctx, const CreateObject& c) {
  nlohmann::ordered_json d;
  d["copy"] = c.copy_text;
  d["auto_ingest"] = false;
  d["paused"] = false;
  d["comment"] = "";
  for (const auto& o : c.options) {
    if (o.key == "AUTO_INGEST") d["auto_ingest"] = ingest::option_bool(o);
    else if (o.key == "COMMENT") d["comment"] = ingest::option_string(o);
    else if (o.key == "ERROR_INTEGRATION" || o.key == "AWS_SNS_TOPIC" || o.key == "INTEGRATION") continue;
    else throw InvalidInputError(fmt::format("unknown pipe option {}", o.key));
  }
  for (const auto& o : c.copy->copy->options) {
    if (o.key == "PURGE" || o.key == "FILES" || o.key == "FORCE" || o.key == "VALIDATION_MODE" ||
        o.key == "LOAD_UNCERTAIN_FILES" || o.key == "SIZE_LIMIT")
      throw InvalidInputError(fmt::format("a pipe's COPY cannot use {} (Snowpipe's rule)", o.key));
  }
  auto id = qualify(ctx, c.name);
  auto target = qualify(ctx, c.copy->copy->table);
  if (!ctx.catalog.table_exists(target)) throw CatalogError(fmt::format("table {} does not exist", target.to_string()));
  d["table"] = target.to_string();
  d["namespace"] = id.namespace_string();
  catalog::ObjectStore store(ctx.catalog);
  auto mode = c.or_replace ? catalog::ObjectWrite::kReplace
              : c.if_not_exists ? catalog::ObjectWrite::kCreateIfNotExists
                                : catalog::ObjectWrite::kCreate;
  bool wrote = store.put(kPipeKind, id, d.dump(), mode);
  return status(wrote ? fmt::format("Pipe {} successfully created.", upper(id.name))
                      : fmt::format("{} already exists, statement succeeded.", upper(id.name)));
}

// A COPY run by a pipe: its name (recorded in the history), and the REFRESH filters.
struct PipeLoad {
  std::string name;
  std::string prefix;
  int64_t modified_after_ms = 0;
};

StatementResult copy_into_table(IngestContext& ctx, Copy& c, const PipeLoad* pipe);

// ALTER PIPE p REFRESH [PREFIX = 'sub/'] [MODIFIED_AFTER = 'ts']: loads the stage's files the
// pipe has not seen, now. `floe serve` runs this for every AUTO_INGEST pipe as files land.
StatementResult refresh_pipe(IngestContext& ctx, const catalog::TableIdentifier& id, const nlohmann::ordered_json& d,
                             const OptionList& options) {
  if (d.value("paused", false))
    throw InvalidInputError(fmt::format("pipe {} is paused (ALTER PIPE {} SET PIPE_EXECUTION_PAUSED = FALSE resumes it)",
                                        id.to_string(), id.to_string()));
  PipeLoad pipe;
  pipe.name = id.to_string();
  for (const auto& o : options) {
    if (o.key == "PREFIX") pipe.prefix = ingest::option_string(o);
    else if (o.key == "MODIFIED_AFTER") {
      auto us = parse_timestamp_micros(ingest::option_string(o));
      if (!us) throw InvalidInputError(fmt::format("MODIFIED_AFTER = '{}' is not a timestamp", ingest::option_string(o)));
      pipe.modified_after_ms = *us / 1000;
    } else {
      throw InvalidInputError(fmt::format("ALTER PIPE .. REFRESH takes PREFIX and MODIFIED_AFTER, not {}", o.key));
    }
  }
  Statement st = parse_statement(d.value("copy", ""));
  // The pipe's COPY binds in the namespace the pipe lives in.
  IngestContext inner = ctx;
  inner.current_namespace = id.namespace_levels;
  return copy_into_table(inner, *st.copy, &pipe);
}

StatementResult alter_object(IngestContext& ctx, const AlterObject& a) {
  auto id = qualify(ctx, a.name);
  catalog::ObjectStore store(ctx.catalog);
  const char* kind = a.kind == ObjectKind::kPipe ? kPipeKind : kStageKind;
  auto obj = store.get(kind, id);
  if (!obj) {
    if (a.if_exists) return status("statement succeeded (nothing to alter)");
    throw CatalogError(fmt::format("{} {} does not exist", kind, id.to_string()));
  }
  if (a.kind == ObjectKind::kPipe) {
    auto d = nlohmann::ordered_json::parse(obj->definition);
    if (a.refresh) return refresh_pipe(ctx, id, d, a.options);
    for (const auto& o : a.options) {
      if (o.key == "PIPE_EXECUTION_PAUSED") d["paused"] = ingest::option_bool(o);
      else if (o.key == "COMMENT") d["comment"] = ingest::option_string(o);
      else throw InvalidInputError(fmt::format("ALTER PIPE cannot set {}", o.key));
    }
    store.put(kind, id, d.dump(), catalog::ObjectWrite::kAlter);
    return status("Statement executed successfully.");
  }
  auto d = ingest::StageDefinition::from_json(obj->definition);
  for (const auto& o : a.options) {
    if (o.key == "URL") {
      d.url = ingest::option_string(o);
      check_url(d.url);
    } else if (o.key == "FILE_FORMAT") {
      file_format_of(ctx, o.value);
      d.file_format = o.value.kind == OptionValue::Kind::kGroup ? o.value.group : OptionList{{"FORMAT_NAME", o.value}};
    } else if (o.key == "COPY_OPTIONS") {
      if (o.value.kind != OptionValue::Kind::kGroup) throw InvalidInputError("COPY_OPTIONS takes (KEY = value ..)");
      d.copy_options = o.value.group;
    } else if (o.key == "COMMENT") {
      d.comment = ingest::option_string(o);
    } else if (stage_keys().count(o.key)) {
      d.other.push_back(o);
    } else {
      throw InvalidInputError(fmt::format("unknown stage option {}", o.key));
    }
  }
  store.put(kind, id, d.to_json(), catalog::ObjectWrite::kAlter);
  return status("Statement executed successfully.");
}

ingest::ResolvedStage resolve(IngestContext& ctx, const std::string& text) {
  if (!text.empty() && text[0] == '@') return ingest::resolve_stage(ctx.catalog, ingest::StageRef::parse(text), ctx.current_namespace);
  // A location written in place of a stage: COPY INTO t FROM 's3://bucket/path/'.
  check_url(text);
  ingest::ResolvedStage s;
  s.name = text;
  std::string root = text;
  size_t slash = root.rfind('/');
  s.location = slash == std::string::npos ? root : root.substr(0, slash + 1);
  s.prefix = text;
  return s;
}

std::string pattern_of(const OptionList& options) {
  const OptionValue* p = ingest::find_option(options, "PATTERN");
  return p ? p->text : "";
}

// --- LIST / PUT / GET / REMOVE ----------------------------------------------------------

// A location the format writers can create: local files as plain paths with their folder
// made, other locations (s3://) as they are.
std::string writable_path(const std::string& location) {
  if (io::location_scheme(location) != "file") return location;
  std::string path = io::local_path(location);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  return path;
}

StatementResult list_stage(IngestContext& ctx, const StageCommand& c) {
  auto stage = resolve(ctx, c.stage);
  ResultTable t;
  t.column("name", exec::varchar_type());
  t.column("size", exec::bigint_type());
  t.column("md5", exec::varchar_type());
  t.column("last_modified", exec::varchar_type());
  for (const auto& f : ingest::list_stage_files(stage, pattern_of(c.options))) {
    t.at(0).append_string(f.location);
    t.at(1).append<int64_t>(int64_t(f.size));
    t.at(2).append_string(ingest::file_md5(f.location));
    t.at(3).append_string(format_time_ms(f.modified_ms));
  }
  t.batch.rows_without_columns = t.at(0).size();
  return t.done();
}

bool is_compressed_name(const std::string& name) {
  for (const char* ext : {".gz", ".zst", ".bz2", ".br", ".parquet", ".zip", ".deflate"})
    if (name.size() >= std::strlen(ext) && name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0) return true;
  return false;
}

StatementResult put_files(IngestContext& ctx, const StageCommand& c) {
  auto stage = resolve(ctx, c.stage);
  bool auto_compress = true, overwrite = false;
  for (const auto& o : c.options) {
    if (o.key == "AUTO_COMPRESS") auto_compress = ingest::option_bool(o);
    else if (o.key == "OVERWRITE") overwrite = ingest::option_bool(o);
    else if (o.key == "PARALLEL" || o.key == "SOURCE_COMPRESSION") continue;
    else throw InvalidInputError(fmt::format("unknown PUT option {}", o.key));
  }
  namespace fs = std::filesystem;
  fs::path pattern(c.local);
  std::vector<fs::path> sources;
  std::string glob = pattern.filename().string();
  fs::path dir = pattern.parent_path();
  if (glob.find_first_of("*?") == std::string::npos) {
    if (!fs::is_regular_file(pattern)) throw IoError(fmt::format("PUT: local file {} does not exist", c.local));
    sources.push_back(pattern);
  } else {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (!e.is_regular_file()) continue;
      std::string name = e.path().filename().string();
      // Shell-style match of * and ? in the file name.
      std::function<bool(size_t, size_t)> match = [&](size_t i, size_t j) -> bool {
        if (i == glob.size()) return j == name.size();
        if (glob[i] == '*') return match(i + 1, j) || (j < name.size() && match(i, j + 1));
        if (j == name.size()) return false;
        return (glob[i] == '?' || glob[i] == name[j]) && match(i + 1, j + 1);
      };
      if (match(0, 0)) sources.push_back(e.path());
    }
    if (ec) throw IoError(fmt::format("PUT: cannot list {}: {}", dir.string(), ec.message()));
    std::sort(sources.begin(), sources.end());
  }
  std::string prefix = stage.prefix;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  auto io = io::file_io_for(stage.location);
  std::vector<std::vector<std::string>> rows;
  for (const auto& src : sources) {
    std::string name = src.filename().string();
    bool compress = auto_compress && !is_compressed_name(name);
    std::string target_name = compress ? name + ".gz" : name;
    std::string target = prefix + target_name;
    uint64_t source_size = fs::file_size(src);
    if (!overwrite && io->exists(target)) {
      rows.push_back({name, target_name, std::to_string(source_size), "", compress ? "NONE" : "AUTO",
                      compress ? "GZIP" : "NONE", "SKIPPED", "the file exists in the stage (OVERWRITE = TRUE replaces it)"});
      continue;
    }
    formats::CompressedFileReader in(src.string(), formats::StreamCompression::kNone);
    formats::CompressedFileWriter out(writable_path(target), compress ? formats::StreamCompression::kGzip : formats::StreamCompression::kNone);
    std::vector<char> buf(1 << 20);
    for (size_t n; (n = in.read(buf.data(), buf.size())) > 0;) out.write(std::string_view(buf.data(), n));
    out.close();
    uint64_t target_size = 0;
    for (const auto& f : io->list(target))
      if (f.location == target) target_size = f.size;
    rows.push_back({name, target_name, std::to_string(source_size), std::to_string(target_size),
                    compress ? "NONE" : "AUTO", compress ? "GZIP" : "NONE", "UPLOADED", ""});
  }
  return text_rows({"source", "target", "source_size", "target_size", "source_compression",
                    "target_compression", "status", "message"},
                   rows);
}

StatementResult get_files(IngestContext& ctx, const StageCommand& c) {
  auto stage = resolve(ctx, c.stage);
  namespace fs = std::filesystem;
  fs::create_directories(c.local);
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : ingest::list_stage_files(stage, pattern_of(c.options))) {
    std::string rel = ingest::stage_relative_path(stage, f.location);
    std::string name = fs::path(rel).filename().string();
    formats::CompressedFileReader in(f.location, formats::StreamCompression::kNone);
    formats::CompressedFileWriter out((fs::path(c.local) / name).string(), formats::StreamCompression::kNone);
    std::vector<char> buf(1 << 20);
    for (size_t n; (n = in.read(buf.data(), buf.size())) > 0;) out.write(std::string_view(buf.data(), n));
    out.close();
    rows.push_back({name, std::to_string(f.size), "DOWNLOADED", ""});
  }
  return text_rows({"file", "size", "status", "message"}, rows);
}

StatementResult remove_files(IngestContext& ctx, const StageCommand& c) {
  auto stage = resolve(ctx, c.stage);
  auto io = io::file_io_for(stage.location);
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : ingest::list_stage_files(stage, pattern_of(c.options))) {
    io->remove(f.location);
    rows.push_back({f.location, "removed"});
  }
  return text_rows({"name", "result"}, rows);
}

// --- COPY INTO <table> -------------------------------------------------------------------


const std::set<std::string>& copy_keys() {
  static const std::set<std::string> s = {
      "FILES", "PATTERN", "FILE_FORMAT", "ON_ERROR", "SIZE_LIMIT", "PURGE", "RETURN_FAILED_ONLY",
      "MATCH_BY_COLUMN_NAME", "ENFORCE_LENGTH", "TRUNCATECOLUMNS", "FORCE", "LOAD_UNCERTAIN_FILES",
      "VALIDATION_MODE", "INCLUDE_METADATA", "LOAD_MODE"};
  return s;
}

// Rewrites $n into a reference to the raw column "$n", and records the highest n.
void rewrite_positionals(Expr& e, int& max_index) {
  if (e.kind == ExprKind::kPositional) {
    max_index = std::max<int>(max_index, int(e.index));
    e.kind = ExprKind::kColumnRef;
    e.names = {fmt::format("${}", e.index)};
    return;
  }
  for (auto& a : e.args)
    if (a) rewrite_positionals(*a, max_index);
}

struct Transformation {
  std::string stage;
  OptionList stage_options;  // (FILE_FORMAT => .., PATTERN => ..) on the stage
  ingest::CopyTransform transform;
};

// `target_is_text[i]`: the i-th target column holds text (VARCHAR or VARIANT).
Transformation bind_transformation(IngestContext& ctx, Copy& c, const std::vector<bool>& target_is_text) {
  Query& q = *c.query;
  if (q.kind != QueryKind::kSelect || !q.select)
    throw InvalidInputError("COPY's transformation must be a single SELECT .. FROM @stage");
  Select& sel = *q.select;
  if (sel.from.size() != 1 || sel.from[0]->kind != TableRefKind::kStage)
    throw InvalidInputError("COPY's SELECT must read one stage: SELECT $1, $2 .. FROM @stage");
  if (sel.where || sel.having || sel.qualify || sel.group_by.has_value() || sel.distinct || q.limit || !q.order_by.empty())
    throw InvalidInputError("COPY's SELECT takes only column expressions: no WHERE, GROUP BY, DISTINCT, ORDER BY or LIMIT");
  Transformation t;
  t.stage = sel.from[0]->name[0];
  const auto& ref = *sel.from[0];
  for (size_t i = 0; i < ref.args.size(); ++i) {
    std::string key = upper(i < ref.arg_names.size() ? ref.arg_names[i] : "");
    const Expr& v = *ref.args[i];
    OptionValue ov;
    ov.kind = OptionValue::Kind::kString;
    ov.text = v.text;
    t.stage_options.push_back({key, ov});
  }
  int max_index = 0;
  for (auto& item : sel.items) {
    if (item.expr->kind == ExprKind::kStar) throw InvalidInputError("COPY's SELECT lists its columns ($1, $2 ..); * is not allowed");
    rewrite_positionals(*item.expr, max_index);
  }
  t.transform.raw_columns = std::max(1, max_index);
  Schema raw = ingest::copy_raw_schema(t.transform.raw_columns);
  Binder binder(ctx.bind_catalog, ctx.bind_options);
  for (size_t i = 0; i < sel.items.size(); ++i) {
    ExprPtr& e = sel.items[i].expr;
    // `$1:name` into a text column is the value, not its JSON ("pq", not "\"pq\""), as a
    // cast of a VARIANT string to VARCHAR gives; objects and arrays stay JSON text.
    if (e->kind == ExprKind::kPath && i < target_is_text.size() && target_is_text[i]) {
      auto call = std::make_unique<Expr>();
      call->kind = ExprKind::kFunction;
      call->pos = e->pos;
      call->names = {"variant_to_varchar"};
      call->args.push_back(std::move(e));
      e = std::move(call);
    }
    t.transform.columns.push_back(binder.bind_expression(*e, raw));
  }
  return t;
}

StatementResult copy_result(const ingest::CopyIntoTableResult& r, bool failed_only) {
  if (r.files.empty()) return text_rows({"status"}, {{"Copy executed with 0 files processed."}});
  ResultTable t;
  t.column("file", exec::varchar_type());
  t.column("status", exec::varchar_type());
  t.column("rows_parsed", exec::bigint_type());
  t.column("rows_loaded", exec::bigint_type());
  t.column("error_limit", exec::bigint_type());
  t.column("errors_seen", exec::bigint_type());
  t.column("first_error", exec::varchar_type());
  t.column("first_error_line", exec::bigint_type());
  t.column("first_error_character", exec::bigint_type());
  t.column("first_error_column_name", exec::varchar_type());
  for (const auto& f : r.files) {
    const auto& e = f.entry;
    if (failed_only && e.status == "LOADED") continue;
    t.at(0).append_string(e.file);
    t.at(1).append_string(e.status);
    t.at(2).append<int64_t>(e.rows_parsed);
    t.at(3).append<int64_t>(e.rows_loaded);
    t.at(4).append<int64_t>(e.error_limit);
    t.at(5).append<int64_t>(e.errors_seen);
    put_text(t.at(6), e.first_error, true);
    if (e.first_error.empty()) t.at(7).append_null();
    else t.at(7).append<int64_t>(e.first_error_line);
    if (e.first_error.empty()) t.at(8).append_null();
    else t.at(8).append<int64_t>(e.first_error_character);
    put_text(t.at(9), e.first_error_column, true);
  }
  t.batch.rows_without_columns = t.at(0).size();
  return t.done();
}

StatementResult validation_errors(const ingest::CopyIntoTableResult& r) {
  ResultTable t;
  t.column("error", exec::varchar_type());
  t.column("file", exec::varchar_type());
  t.column("line", exec::bigint_type());
  t.column("character", exec::bigint_type());
  t.column("column_name", exec::varchar_type());
  t.column("rejected_record", exec::varchar_type());
  for (const auto& f : r.files)
    for (const auto& e : f.rejected) {
      t.at(0).append_string(e.error);
      t.at(1).append_string(e.file);
      t.at(2).append<int64_t>(e.line);
      t.at(3).append<int64_t>(e.character);
      put_text(t.at(4), e.column, true);
      put_text(t.at(5), e.record, true);
    }
  t.batch.rows_without_columns = t.at(0).size();
  return t.done();
}

StatementResult copy_into_table(IngestContext& ctx, Copy& c, const PipeLoad* pipe) {
  auto id = qualify(ctx, c.table);
  if (!ctx.catalog.table_exists(id)) throw CatalogError(fmt::format("table {} does not exist", id.to_string()));

  std::optional<Transformation> tr;
  std::string source = c.location;
  if (c.query) {
    auto meta = table_metadata(ctx, id);
    const Schema& ts = meta->current_schema().schema;
    std::vector<bool> text;
    if (c.columns.empty()) {
      for (const auto& f : ts.fields) text.push_back(f.type.id() == columnar::TypeId::kString);
    } else {
      for (const auto& name : c.columns) {
        int f = ts.find(name);
        text.push_back(f >= 0 && ts.fields[size_t(f)].type.id() == columnar::TypeId::kString);
      }
    }
    tr = bind_transformation(ctx, c, text);
    source = tr->stage;
  }
  auto stage = resolve(ctx, source);

  // Options: the stage's COPY_OPTIONS, then the statement's; the statement's FILE_FORMAT
  // replaces the stage's.
  OptionList opts = stage.definition.copy_options;
  for (const auto& o : c.options) {
    if (!copy_keys().count(o.key)) {
      if (ingest::is_file_format_option(o.key))
        throw InvalidInputError(fmt::format("{} is a file format option: write it inside FILE_FORMAT = (..)", o.key));
      throw InvalidInputError(fmt::format("unknown COPY option {}", o.key));
    }
    opts.push_back(o);
  }
  if (tr)
    for (const auto& o : tr->stage_options) {
      if (o.key == "PATTERN") opts.push_back(o);
      else if (o.key == "FILE_FORMAT") opts.push_back({"FILE_FORMAT", o.value});
      else throw InvalidInputError(fmt::format("a stage in COPY's SELECT takes FILE_FORMAT and PATTERN, not {}", o.key));
    }

  ingest::CopyIntoTableRequest req;
  req.table_name = id.to_string();
  if (pipe) {
    req.on_error = ingest::ErrorPolicy::parse("SKIP_FILE");  // Snowpipe's default
    req.pipe = pipe->name;
  }
  req.columns = c.columns;
  req.threads = ctx.threads;
  if (const OptionValue* ff = ingest::find_option(opts, "FILE_FORMAT")) {
    req.format = file_format_of(ctx, *ff);
  } else if (!stage.definition.file_format.empty()) {
    OptionValue g;
    g.kind = OptionValue::Kind::kGroup;
    g.group = stage.definition.file_format;
    req.format = file_format_of(ctx, g);
  }
  bool purge = false, failed_only = false;
  std::vector<std::string> files;
  for (const auto& o : opts) {
    if (o.key == "ON_ERROR") req.on_error = ingest::ErrorPolicy::parse(ingest::option_string(o));
    else if (o.key == "FORCE") req.force = ingest::option_bool(o);
    else if (o.key == "PURGE") purge = ingest::option_bool(o);
    else if (o.key == "RETURN_FAILED_ONLY") failed_only = ingest::option_bool(o);
    else if (o.key == "SIZE_LIMIT") req.size_limit = ingest::option_integer(o);
    else if (o.key == "FILES") files = ingest::option_strings(o);
    else if (o.key == "MATCH_BY_COLUMN_NAME") {
      std::string m = upper(ingest::option_string(o));
      if (m == "CASE_SENSITIVE") req.match = ingest::MatchByColumnName::kCaseSensitive;
      else if (m == "CASE_INSENSITIVE") req.match = ingest::MatchByColumnName::kCaseInsensitive;
      else if (m == "NONE") req.match = ingest::MatchByColumnName::kNone;
      else throw InvalidInputError(fmt::format("MATCH_BY_COLUMN_NAME = {} is not valid (CASE_SENSITIVE, CASE_INSENSITIVE or NONE)", m));
    } else if (o.key == "VALIDATION_MODE") {
      std::string m = upper(ingest::option_string(o));
      if (m == "RETURN_ERRORS") req.validation = ingest::ValidationMode::kReturnErrors;
      else if (m == "RETURN_ALL_ERRORS") req.validation = ingest::ValidationMode::kReturnAllErrors;
      else if (m.rfind("RETURN_", 0) == 0 && m.size() > 12 && m.compare(m.size() - 5, 5, "_ROWS") == 0) {
        req.validation = ingest::ValidationMode::kReturnRows;
        try {
          req.validation_rows = std::stoll(m.substr(7, m.size() - 12));
        } catch (const std::exception&) {
          throw InvalidInputError(fmt::format("VALIDATION_MODE = {} is not valid (RETURN_<n>_ROWS, RETURN_ERRORS or RETURN_ALL_ERRORS)", m));
        }
      } else {
        throw InvalidInputError(fmt::format("VALIDATION_MODE = {} is not valid (RETURN_<n>_ROWS, RETURN_ERRORS or RETURN_ALL_ERRORS)", m));
      }
    } else if (o.key == "ENFORCE_LENGTH" || o.key == "TRUNCATECOLUMNS" || o.key == "LOAD_UNCERTAIN_FILES" ||
               o.key == "PATTERN" || o.key == "FILE_FORMAT") {
      continue;  // PATTERN and FILE_FORMAT are read above; the others change nothing (see docs)
    } else if (o.key == "INCLUDE_METADATA" || o.key == "LOAD_MODE") {
      throw UnsupportedError(fmt::format("COPY option {} is not supported yet", o.key));
    }
  }
  if (req.validation != ingest::ValidationMode::kNone && c.query)
    throw InvalidInputError("VALIDATION_MODE cannot be used with a transformation (COPY .. FROM (SELECT ..))");
  if (req.format.type != ingest::FileType::kCsv && req.match != ingest::MatchByColumnName::kNone && tr)
    throw InvalidInputError("MATCH_BY_COLUMN_NAME cannot be used with a transformation");
  if (purge && ctx.transaction)
    throw UnsupportedError("COPY .. PURGE = TRUE inside BEGIN .. COMMIT is not supported (files would be removed before the commit)");

  // The files.
  if (!files.empty()) {
    if (files.size() > 1000) throw InvalidInputError("FILES lists at most 1000 files");
    auto io = io::file_io_for(stage.location);
    std::string prefix = stage.prefix;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    for (const auto& f : files) {
      std::string loc = prefix + f;
      bool found = false;
      for (auto& info : io->list(loc))
        if (info.location == loc) {
          req.files.push_back(info);
          found = true;
        }
      if (!found) throw IoError(fmt::format("COPY: file {} (in FILES) does not exist in {}", f, stage.name));
    }
  } else {
    if (pipe && !pipe->prefix.empty()) {
      stage.prefix += pipe->prefix;
    }
    req.files = ingest::list_stage_files(stage, pattern_of(opts));
  }
  if (pipe) {
    // A pipe loads each file name once (its own history), whatever the table's says.
    catalog::LoadHistory history(ctx.catalog.database());
    auto seen = history.pipe_files(pipe->name);
    // A file changed in the last second may still be being written into a local folder: it
    // waits for the next refresh (objects on S3 appear whole, so this only delays them).
    const int64_t settled_before = iceberg::now_ms() - 1000;
    std::vector<io::FileInfo> fresh;
    for (auto& f : req.files)
      if (!seen.count(f.location) && f.modified_ms >= pipe->modified_after_ms && f.modified_ms <= settled_before)
        fresh.push_back(std::move(f));
    req.files = std::move(fresh);
    req.force = true;  // the table's history does not hold a pipe back; the pipe's does
  }
  // JSON documents reach the table through a transformation: the whole document ($1) into
  // the one column, or, by MATCH_BY_COLUMN_NAME, each column from the key of its name.
  if (!tr && (req.format.type == ingest::FileType::kJson ||
              (req.format.type == ingest::FileType::kParquet && req.match == ingest::MatchByColumnName::kNone))) {
    auto meta = table_metadata(ctx, id);
    const Schema& ts = meta->current_schema().schema;
    std::vector<std::string> cols = c.columns;
    if (cols.empty())
      for (const auto& f : ts.fields) cols.push_back(f.name);
    tr.emplace();
    tr->transform.raw_columns = 1;
    Schema raw = ingest::copy_raw_schema(1);
    Binder binder(ctx.bind_catalog, ctx.bind_options);
    if (req.match == ingest::MatchByColumnName::kNone) {
      if (cols.size() != 1)
        throw InvalidInputError(fmt::format(
            "{} file format can produce one and only one column of type variant, object, or array; "
            "use MATCH_BY_COLUMN_NAME or a transformation (COPY INTO t FROM (SELECT $1:a, $1:b FROM @stage)) "
            "to load several columns",
            ingest::file_type_name(req.format.type)));
      tr->transform.columns.push_back(binder.bind_expression(*parse_expression("parse_json(\"$1\")"), raw));
    } else {
      const char* get = req.match == ingest::MatchByColumnName::kCaseSensitive ? "get" : "get_ignore_case";
      for (const auto& name : cols) {
        int f = ts.find(name);
        if (f < 0) throw InvalidInputError(fmt::format("table {} has no column '{}'", id.to_string(), name));
        const DataType& t = ts.fields[size_t(f)].type;
        std::string quoted = "'";
        for (char ch : name) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
        quoted += "'";
        std::string text = t.id() == columnar::TypeId::kString
                               ? fmt::format("variant_to_varchar({}(\"$1\", {}))", get, quoted)
                               : fmt::format("{}(\"$1\", {})::{}", get, quoted, t.to_string());
        tr->transform.columns.push_back(binder.bind_expression(*parse_expression(text), raw));
      }
    }
  }
  // CSV with DATE_FORMAT, TIME_FORMAT or TIMESTAMP_FORMAT: those columns are converted by
  // TO_DATE / TO_TIME / TO_TIMESTAMP with the format, the others as usual.
  if (!tr && req.format.type == ingest::FileType::kCsv && !req.format.parse_header &&
      (req.format.date_format != "AUTO" || req.format.time_format != "AUTO" || req.format.timestamp_format != "AUTO")) {
    auto meta = table_metadata(ctx, id);
    const Schema& ts = meta->current_schema().schema;
    std::vector<std::string> cols = c.columns;
    if (cols.empty())
      for (const auto& f : ts.fields) cols.push_back(f.name);
    auto quote = [](const std::string& v) {
      std::string q = "'";
      for (char ch : v) q += ch == '\'' ? std::string("''") : std::string(1, ch);
      return q + "'";
    };
    tr.emplace();
    tr->transform.raw_columns = int(cols.size());
    tr->transform.one_field_per_column = true;
    Schema raw = ingest::copy_raw_schema(int(cols.size()));
    Binder binder(ctx.bind_catalog, ctx.bind_options);
    for (size_t i = 0; i < cols.size(); ++i) {
      int f = ts.find(cols[i]);
      if (f < 0) throw InvalidInputError(fmt::format("table {} has no column '{}'", id.to_string(), cols[i]));
      auto t = ts.fields[size_t(f)].type.id();
      std::string field = fmt::format("\"${}\"", i + 1);
      std::string text = field;
      if (t == columnar::TypeId::kDate && req.format.date_format != "AUTO")
        text = fmt::format("to_date({}, {})", field, quote(req.format.date_format));
      else if (t == columnar::TypeId::kTime && req.format.time_format != "AUTO")
        text = fmt::format("to_time({}, {})", field, quote(req.format.time_format));
      else if ((t == columnar::TypeId::kTimestamp || t == columnar::TypeId::kTimestampTz) &&
               req.format.timestamp_format != "AUTO")
        text = fmt::format("to_timestamp({}, {})", field, quote(req.format.timestamp_format));
      tr->transform.columns.push_back(binder.bind_expression(*parse_expression(text), raw));
    }
  }
  if (tr) req.transform = &tr->transform;
  {
    // DEFAULTs of the table's columns (floe.column-default.<field id>), for the columns the
    // COPY leaves out.
    auto meta = table_metadata(ctx, id);
    Binder binder(ctx.bind_catalog, ctx.bind_options);
    for (const auto& f : meta->current_schema().schema.fields) {
      if (!f.field_id) continue;
      auto p = meta->properties.find("floe.column-default." + std::to_string(*f.field_id));
      if (p == meta->properties.end()) continue;
      req.defaults.emplace_back(f.name, binder.bind_expression(*parse_expression(p->second), Schema{}));
    }
  }

  const bool own_transaction = ctx.transaction == nullptr;
  auto& io = *ctx.catalog.file_io();
  std::unique_ptr<iceberg::TableOperations> probe_ops = ctx.transaction ? ctx.transaction->table_operations(id)
                                                                        : ctx.catalog.table_operations(id);
  req.table = probe_ops->current();
  req.load_id = iceberg::new_uuid();
  {
    catalog::LoadHistory history(ctx.catalog.database());
    if (!req.force) req.loaded = history.loaded_files(req.table->table_uuid);
  }
  ingest::CopyIntoTableResult result = ingest::copy_into_table(io, req);
  if (req.validation == ingest::ValidationMode::kReturnRows) {
    Schema s = result.validation_schema;
    for (auto& b : result.validation_batches) b.schema = s;
    return rows_result(std::move(s), std::move(result.validation_batches));
  }
  if (req.validation != ingest::ValidationMode::kNone) return validation_errors(result);

  std::vector<catalog::LoadHistoryEntry> entries;
  std::vector<catalog::RejectedRecord> rejected;
  for (auto& f : result.files) {
    entries.push_back(f.entry);
    for (auto& r : f.rejected) rejected.push_back(r);
  }
  const std::string table_uuid = req.table->table_uuid;
  const bool force = req.force && !pipe;
  const std::string pipe_name = pipe ? pipe->name : "";
  // Inside the catalog transaction: a file a concurrent COPY loaded meanwhile is not loaded
  // twice (its name and checksum are in the history now).
  auto stage_commit = [&](Transaction& txn, bool* lost_to_concurrent_load) {
    auto ops = txn.table_operations(id);
    int64_t snapshot_id = 0;
    if (!result.data_files.empty()) {
      iceberg::SnapshotChanges changes;
      changes.added_data_files = result.data_files;
      changes.summary["floe.load-id"] = req.load_id;
      snapshot_id = iceberg::commit_changes(*ops, changes).snapshot_id;
    }
    std::vector<catalog::LoadHistoryEntry> rows = entries;
    for (auto& e : rows)
      if (e.rows_loaded > 0) e.snapshot_id = snapshot_id;
    txn.on_commit([rows, rejected, table_uuid, force, pipe_name, lost_to_concurrent_load](catalog::SqliteDatabase& db) {
      catalog::LoadHistory h(db);
      if (!pipe_name.empty()) {
        auto seen = h.pipe_files(pipe_name);
        for (const auto& e : rows)
          if (seen.count(e.file)) {
            if (lost_to_concurrent_load) *lost_to_concurrent_load = true;
            throw iceberg::CommitConflictError(fmt::format("{} was loaded by a concurrent run of pipe {}; nothing was loaded", e.file, pipe_name));
          }
      } else if (!force) {
        auto now = h.loaded_files(table_uuid);
        for (const auto& e : rows)
          if (e.status != "LOAD_FAILED" && now.count({e.file, e.checksum})) {
            if (lost_to_concurrent_load) *lost_to_concurrent_load = true;
            throw iceberg::CommitConflictError(fmt::format("{} was loaded by a concurrent COPY; nothing was loaded", e.file));
          }
      }
      h.record(rows, rejected);
    });
  };
  // The table's data-quality rulesets, on the table as this load leaves it; their results
  // commit with the load.
  auto check_quality = [&](Transaction& txn) {
    if (req.validation != ingest::ValidationMode::kNone) return;
    auto dq = check_quality_on_load(ctx, id, table_uuid, req.load_id, txn);
    if (dq.results.empty()) return;
    txn.on_commit([results = std::move(dq.results)](catalog::SqliteDatabase& db) {
      catalog::QualityResults(db).record(results);
    });
  };
  if (!own_transaction) {
    stage_commit(*ctx.transaction, nullptr);
    ctx.transaction->add_written(result.written);
    check_quality(*ctx.transaction);
  } else {
    for (int attempt = 1;; ++attempt) {
      Transaction txn(ctx.catalog);
      bool lost = false;
      try {
        stage_commit(txn, &lost);
        check_quality(txn);
        txn.commit();
        break;
      } catch (const iceberg::CommitConflictError&) {
        if (lost || attempt >= 5) {
          io::remove_quietly(io, result.written);
          throw;
        }
      } catch (...) {
        io::remove_quietly(io, result.written);
        throw;
      }
    }
    if (purge) {
      for (const auto& f : result.files) {
        if (f.entry.status == "LOAD_FAILED") continue;
        try {
          io::file_io_for(f.entry.file)->remove(f.entry.file);
        } catch (const Error&) {
          // A failed purge does not fail the COPY (Snowflake's rule); the file stays.
        }
      }
    }
  }
  return copy_result(result, failed_only);
}

// --- COPY INTO <stage> (unloading) ----------------------------------------------------------

StatementResult copy_into_location(IngestContext& ctx, Copy& c) {
  auto stage = resolve(ctx, c.location);
  ingest::FileType type = ingest::FileType::kCsv;
  OptionList ff;
  bool header = false, overwrite = false, single = false;
  formats::StreamCompression compression = formats::StreamCompression::kGzip;
  bool compression_set = false;
  char delimiter = ',';
  std::string null_text = "\\N";
  OptionList all = stage.definition.copy_options;
  for (const auto& o : c.options) all.push_back(o);
  if (!ingest::find_option(all, "FILE_FORMAT") && !stage.definition.file_format.empty()) {
    OptionValue g;
    g.kind = OptionValue::Kind::kGroup;
    g.group = stage.definition.file_format;
    all.push_back({"FILE_FORMAT", g});
  }
  for (const auto& o : all) {
    if (o.key == "FILE_FORMAT") {
      ingest::FileFormat f = file_format_of(ctx, o.value);
      type = f.type;
      delimiter = f.field_delimiter;
      if (!f.null_if.empty()) null_text = f.null_if[0];
      if (f.compression != formats::StreamCompression::kAuto) {
        compression = f.compression;
        compression_set = true;
      }
    } else if (o.key == "HEADER") header = ingest::option_bool(o);
    else if (o.key == "OVERWRITE") overwrite = ingest::option_bool(o);
    else if (o.key == "SINGLE") single = ingest::option_bool(o);
    else if (o.key == "MAX_FILE_SIZE" || o.key == "INCLUDE_QUERY_ID" || o.key == "DETAILED_OUTPUT" ||
             o.key == "VALIDATION_MODE")
      continue;
    else throw InvalidInputError(fmt::format("unknown option {} for COPY INTO a stage", o.key));
  }
  if (type == ingest::FileType::kParquet && !compression_set) compression = formats::StreamCompression::kNone;

  std::string query = c.query ? c.query_text : "SELECT * FROM " + quoted_name(c.table);
  bool partitioned = c.partition_by != nullptr;
  if (partitioned) query = "SELECT *, CAST((" + c.partition_by_text + ") AS VARCHAR) AS \"__floe_partition\" FROM (" + query + ")";
  StatementResult rows = ctx.run_query(query);
  Schema out_schema = rows.schema;
  if (partitioned) out_schema.fields.pop_back();

  // Rows grouped by partition value ("" without PARTITION BY; NULL values go to _NULL_).
  std::map<std::string, std::vector<Batch>> parts;
  for (auto& b : rows.batches) {
    if (!partitioned) {
      parts[""].push_back(std::move(b));
      continue;
    }
    const Column& p = b.columns.back();
    std::map<std::string, columnar::SelectionVector> sel;
    for (int64_t r = 0; r < b.num_rows(); ++r) sel[p.is_null(r) ? "_NULL_" : std::string(p.string_at(r))].push_back(uint32_t(r));
    Batch without;
    without.schema = out_schema;
    for (size_t i = 0; i + 1 < b.columns.size(); ++i) without.columns.push_back(std::move(b.columns[i]));
    for (auto& [k, s] : sel) {
      Batch part;
      part.schema = out_schema;
      for (auto& col : without.columns) part.columns.push_back(col.take(s));
      parts[k].push_back(std::move(part));
    }
  }

  std::string prefix = stage.prefix;
  std::string base;  // the name part of each file
  if (prefix.empty() || prefix.back() == '/') base = "data";
  else {
    size_t slash = prefix.rfind('/');
    base = prefix.substr(slash + 1);
    prefix = prefix.substr(0, slash + 1);
  }
  std::string ext = type == ingest::FileType::kCsv ? ".csv" : type == ingest::FileType::kJson ? ".json" : ".parquet";
  if (type == ingest::FileType::kParquet) ext = ".snappy.parquet";
  else if (compression == formats::StreamCompression::kGzip) ext += ".gz";
  else if (compression == formats::StreamCompression::kZstd) ext += ".zst";
  auto io = io::file_io_for(stage.location);
  if (overwrite) {
    for (const auto& f : io->list(prefix))
      if (ingest::stage_relative_path(stage, f.location).rfind(ingest::stage_relative_path(stage, prefix + base), 0) == 0)
        io->remove(f.location);
  }
  int64_t rows_out = 0, bytes_out = 0;
  int file_no = 0;
  std::string unique = iceberg::new_uuid().substr(0, 8);
  for (auto& [part, batches] : parts) {
    std::string dir = part.empty() ? prefix : prefix + part + "/";
    std::string name = single && !partitioned ? base : fmt::format("{}_{}_0_{}", base, unique, file_no++);
    std::string location = dir + name + (single && name.find('.') != std::string::npos ? "" : ext);
    if (!overwrite && io->exists(location))
      throw IoError(fmt::format("{} exists; COPY INTO a stage with OVERWRITE = TRUE replaces it", location));
    if (type == ingest::FileType::kCsv) {
      formats::CsvWriteOptions w;
      w.delimiter = delimiter;
      w.header = header;
      w.null_string = null_text;
      w.compression = compression;
      formats::CsvWriter writer(writable_path(location), out_schema, w);
      for (const auto& b : batches) writer.write(b);
      writer.close();
    } else if (type == ingest::FileType::kJson) {
      formats::NdjsonWriter writer(writable_path(location), out_schema, compression);
      for (const auto& b : batches) writer.write(b);
      writer.close();
    } else {
      formats::FileWriteOptions w;
      w.format = formats::FileFormat::kParquet;
      auto writer = formats::create_batch_writer(writable_path(location), out_schema, w);
      for (const auto& b : batches) writer->write(b);
      writer->close();
    }
    for (const auto& b : batches) rows_out += b.num_rows();
    for (const auto& f : io->list(location))
      if (f.location == location) bytes_out += int64_t(f.size);
  }
  ResultTable t;
  t.column("rows_unloaded", exec::bigint_type());
  t.column("files", exec::bigint_type());
  t.column("output_bytes", exec::bigint_type());
  t.at(0).append<int64_t>(rows_out);
  t.at(1).append<int64_t>(int64_t(parts.size()));
  t.at(2).append<int64_t>(bytes_out);
  t.batch.rows_without_columns = 1;
  return t.done();
}

}  // namespace

catalog::TableIdentifier qualify(const IngestContext& ctx, const ObjectName& n) {
  catalog::TableIdentifier id;
  id.name = n.back();
  if (n.size() == 1) id.namespace_levels = ctx.current_namespace;
  else id.namespace_levels.assign(n.begin(), n.end() - 1);
  return id;
}

std::shared_ptr<const iceberg::TableMetadata> table_metadata(IngestContext& ctx, const catalog::TableIdentifier& id) {
  return (ctx.transaction ? ctx.transaction->table_operations(id) : ctx.catalog.table_operations(id))->current();
}

StatementResult run_ingest_statement(IngestContext& ctx, Statement& st) {
  switch (st.kind) {
    case StatementKind::kCreateObject: {
      auto& c = *st.create_object;
      if (c.temporary) throw UnsupportedError("TEMPORARY stages, file formats and pipes are not supported; create a permanent one");
      if (ctx.transaction) throw UnsupportedError("CREATE of a stage, file format or pipe inside BEGIN .. COMMIT is not supported; COMMIT first");
      if (c.kind == ObjectKind::kStage) return create_stage(ctx, c);
      if (c.kind == ObjectKind::kFileFormat) return create_file_format(ctx, c);
      if (c.kind == ObjectKind::kQualityRuleset) return create_quality_ruleset(ctx, c);
      return create_pipe(ctx, c);
    }
    case StatementKind::kAlterObject:
      if (st.alter_object->kind == ObjectKind::kQualityRuleset)
        return evaluate_quality_ruleset(ctx, qualify(ctx, st.alter_object->name));
      return alter_object(ctx, *st.alter_object);
    case StatementKind::kStageCommand: {
      auto& c = *st.stage_command;
      switch (c.kind) {
        case StageCommandKind::kList: return list_stage(ctx, c);
        case StageCommandKind::kPut: return put_files(ctx, c);
        case StageCommandKind::kGet: return get_files(ctx, c);
        case StageCommandKind::kRemove: return remove_files(ctx, c);
      }
      break;
    }
    case StatementKind::kCopy:
      return st.copy->into_location ? copy_into_location(ctx, *st.copy) : copy_into_table(ctx, *st.copy, nullptr);
    default: break;
  }
  throw InternalError("not a loading statement");
}

StatementResult drop_ingest_object(IngestContext& ctx, const Drop& d) {
  const char* kind = d.kind == ObjectKind::kStage            ? kStageKind
                     : d.kind == ObjectKind::kPipe           ? kPipeKind
                     : d.kind == ObjectKind::kQualityRuleset ? "data_quality_ruleset"
                                                             : kFileFormatKind;
  auto id = qualify(ctx, d.name);
  catalog::ObjectStore store(ctx.catalog);
  auto obj = store.get(kind, id);
  std::string what = d.kind == ObjectKind::kStage            ? "stage"
                     : d.kind == ObjectKind::kPipe           ? "pipe"
                     : d.kind == ObjectKind::kQualityRuleset ? "data quality ruleset"
                                                             : "file format";
  if (!obj) {
    if (d.if_exists) return status(fmt::format("{} {} does not exist, statement succeeded.", what, upper(id.name)));
    throw CatalogError(fmt::format("{} {} does not exist", what, id.to_string()));
  }
  if (d.kind == ObjectKind::kStage) {
    // An internal stage's files go with it; an external stage's files are the user's.
    auto def = ingest::StageDefinition::from_json(obj->definition);
    if (def.url.empty()) {
      ingest::StageRef ref;
      ref.name = id.namespace_levels;
      ref.name.push_back(id.name);
      auto resolved = ingest::resolve_stage(ctx.catalog, ref, ctx.current_namespace);
      auto io = io::file_io_for(resolved.location);
      std::vector<std::string> files;
      for (const auto& f : io->list(resolved.location)) files.push_back(f.location);
      io::remove_quietly(*io, files);
    }
  }
  store.remove(kind, id);
  return status(fmt::format("{} successfully dropped.", upper(id.name)));
}

StatementResult show_ingest_objects(IngestContext& ctx, const Show& s) {
  if (s.kind == ShowKind::kQualityRulesets) return show_quality_rulesets(ctx, s);
  catalog::ObjectStore store(ctx.catalog);
  std::optional<std::vector<std::string>> ns;
  if (!s.in.empty()) ns = s.in;
  std::vector<std::vector<std::string>> rows;
  if (s.kind == ShowKind::kStages) {
    for (const auto& o : store.list(kStageKind, ns)) {
      auto d = ingest::StageDefinition::from_json(o.definition);
      rows.push_back({format_time_ms(o.created_ms), o.id.name, o.id.namespace_string(), d.url,
                      d.url.empty() ? "INTERNAL" : "EXTERNAL", ingest::options_to_sql(d.file_format),
                      ingest::options_to_sql(d.copy_options), d.comment});
    }
    return text_rows({"created_on", "name", "schema_name", "url", "type", "file_format", "copy_options", "comment"}, rows);
  }
  if (s.kind == ShowKind::kFileFormats) {
    for (const auto& o : store.list(kFileFormatKind, ns)) {
      auto opts = ingest::options_from_json(o.definition);
      auto f = ingest::FileFormat::from_options(opts);
      rows.push_back({format_time_ms(o.created_ms), o.id.name, o.id.namespace_string(), ingest::file_type_name(f.type),
                      ingest::options_to_sql(opts)});
    }
    return text_rows({"created_on", "name", "schema_name", "type", "format_options"}, rows);
  }
  for (const auto& o : store.list(kPipeKind, ns)) {
    auto d = nlohmann::ordered_json::parse(o.definition);
    rows.push_back({format_time_ms(o.created_ms), o.id.name, o.id.namespace_string(), d.value("copy", ""),
                    d.value("auto_ingest", false) ? "true" : "false", d.value("paused", false) ? "PAUSED" : "RUNNING",
                    d.value("comment", "")});
  }
  return text_rows({"created_on", "name", "schema_name", "definition", "auto_ingest", "execution_state", "comment"}, rows);
}

std::optional<std::string> ingest_system_function(IngestContext& ctx, const std::string& name,
                                                  const std::vector<std::string>& args) {
  if (name != "system$pipe_status") return std::nullopt;
  if (args.size() != 1) throw InvalidInputError("SYSTEM$PIPE_STATUS takes one argument, the pipe's name");
  ObjectName n;
  for (const auto& part : ingest::StageRef::parse("@" + args[0]).name) n.push_back(part);
  auto id = qualify(ctx, n);
  catalog::ObjectStore store(ctx.catalog);
  auto obj = store.get(kPipeKind, id);
  if (!obj) throw CatalogError(fmt::format("pipe {} does not exist", id.to_string()));
  auto d = nlohmann::ordered_json::parse(obj->definition);
  Statement st = parse_statement(d.value("copy", ""));
  IngestContext inner = ctx;
  inner.current_namespace = id.namespace_levels;
  std::string source = st.copy->location;
  if (st.copy->query && st.copy->query->select && !st.copy->query->select->from.empty())
    source = st.copy->query->select->from[0]->name[0];
  auto stage = resolve(inner, source);
  catalog::LoadHistory history(ctx.catalog.database());
  auto seen = history.pipe_files(id.to_string());
  int64_t pending = 0;
  for (const auto& f : ingest::list_stage_files(stage, pattern_of(st.copy->options)))
    pending += !seen.count(f.location);
  nlohmann::ordered_json out;
  out["executionState"] = d.value("paused", false) ? "PAUSED" : "RUNNING";
  out["pendingFileCount"] = pending;
  auto entries = history.entries(std::nullopt, id.to_string());
  if (!entries.empty()) {
    out["lastIngestedTimestamp"] = format_time_ms(entries.front().load_time_ms);
    out["lastIngestedFilePath"] = entries.front().file;
  }
  return out.dump();
}

std::shared_ptr<exec::TableSource> open_ingest_system_table(catalog::SqlCatalog& catalog, const ObjectName& name) {
  if (name.size() != 2 || name[0] != "information_schema") return nullptr;
  if (name[1] == "data_quality_results") return quality_results_table(catalog);
  if (name[1] != "load_history" && name[1] != "copy_history" && name[1] != "rejected_records") return nullptr;
  catalog::LoadHistory h(catalog.database());
  ResultTable t;
  if (name[1] == "rejected_records") {
    t.column("load_id", exec::varchar_type());
    t.column("table_name", exec::varchar_type());
    t.column("file", exec::varchar_type());
    t.column("line", exec::bigint_type());
    t.column("character", exec::bigint_type());
    t.column("column_name", exec::varchar_type());
    t.column("error", exec::varchar_type());
    t.column("rejected_record", exec::varchar_type());
    std::set<std::string> seen;
    for (const auto& e : h.entries(std::nullopt, std::nullopt)) {
      if (!seen.insert(e.load_id).second) continue;
      for (const auto& r : h.rejected(e.load_id)) {
        t.at(0).append_string(r.load_id);
        t.at(1).append_string(e.table_name);
        t.at(2).append_string(r.file);
        t.at(3).append<int64_t>(r.line);
        t.at(4).append<int64_t>(r.character);
        put_text(t.at(5), r.column, true);
        t.at(6).append_string(r.error);
        put_text(t.at(7), r.record, true);
      }
    }
  } else {
    const bool copy_history = name[1] == "copy_history";
    t.column("load_id", exec::varchar_type());
    t.column("schema_name", exec::varchar_type());
    t.column("table_name", exec::varchar_type());
    t.column("file_name", exec::varchar_type());
    t.column("last_load_time", DataType::timestamp_tz());
    t.column("status", exec::varchar_type());
    t.column("row_count", exec::bigint_type());
    t.column("row_parsed", exec::bigint_type());
    t.column("file_size", exec::bigint_type());
    t.column("first_error_message", exec::varchar_type());
    t.column("first_error_line_number", exec::bigint_type());
    t.column("first_error_character_position", exec::bigint_type());
    t.column("first_error_col_name", exec::varchar_type());
    t.column("error_count", exec::bigint_type());
    t.column("error_limit", exec::bigint_type());
    t.column("pipe_name", exec::varchar_type());
    t.column("snapshot_id", exec::bigint_type());
    for (const auto& e : h.entries(std::nullopt, std::nullopt)) {
      if (!copy_history && !e.pipe.empty()) continue;  // LOAD_HISTORY: bulk loads only
      size_t dot = e.table_name.rfind('.');
      t.at(0).append_string(e.load_id);
      t.at(1).append_string(dot == std::string::npos ? "" : e.table_name.substr(0, dot));
      t.at(2).append_string(dot == std::string::npos ? e.table_name : e.table_name.substr(dot + 1));
      t.at(3).append_string(e.file);
      t.at(4).append<int64_t>(e.load_time_ms * 1000);
      t.at(5).append_string(e.status);
      t.at(6).append<int64_t>(e.rows_loaded);
      t.at(7).append<int64_t>(e.rows_parsed);
      t.at(8).append<int64_t>(e.file_size);
      put_text(t.at(9), e.first_error, true);
      if (e.first_error.empty()) t.at(10).append_null();
      else t.at(10).append<int64_t>(e.first_error_line);
      if (e.first_error.empty()) t.at(11).append_null();
      else t.at(11).append<int64_t>(e.first_error_character);
      put_text(t.at(12), e.first_error_column, true);
      t.at(13).append<int64_t>(e.errors_seen);
      t.at(14).append<int64_t>(e.error_limit);
      put_text(t.at(15), e.pipe, true);
      if (e.snapshot_id == 0) t.at(16).append_null();
      else t.at(16).append<int64_t>(e.snapshot_id);
    }
  }
  t.batch.rows_without_columns = t.at(0).size();
  auto batches = std::make_shared<std::vector<Batch>>();
  Schema s = t.batch.schema;
  batches->push_back(std::move(t.batch));
  return std::make_shared<exec::MemoryTableSource>(name[0] + "." + name[1], s, batches);
}

}  // namespace floe::sql
