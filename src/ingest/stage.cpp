// Stage: definitions, references, resolution and listing. Layer: ingest.
#include "ingest/stage.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "catalog/object_store.h"

namespace floe::ingest {
namespace {

std::string ensure_slash(std::string s) {
  if (!s.empty() && s.back() != '/') s += '/';
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string StageDefinition::to_json() const {
  nlohmann::ordered_json j;
  j["url"] = url;
  j["file_format"] = nlohmann::ordered_json::parse(options_to_json(file_format));
  j["copy_options"] = nlohmann::ordered_json::parse(options_to_json(copy_options));
  j["comment"] = comment;
  j["other"] = nlohmann::ordered_json::parse(options_to_json(other));
  return j.dump();
}

StageDefinition StageDefinition::from_json(const std::string& json) {
  auto j = nlohmann::ordered_json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw CorruptDataError("stored stage definition is not a JSON object");
  StageDefinition d;
  d.url = j.value("url", "");
  if (j.contains("file_format")) d.file_format = options_from_json(j["file_format"].dump());
  if (j.contains("copy_options")) d.copy_options = options_from_json(j["copy_options"].dump());
  d.comment = j.value("comment", "");
  if (j.contains("other")) d.other = options_from_json(j["other"].dump());
  return d;
}

StageRef StageRef::parse(std::string_view text) {
  if (text.empty() || text[0] != '@')
    throw InvalidInputError(fmt::format("'{}' is not a stage reference (@name/path)", text));
  StageRef r;
  std::string_view rest = text.substr(1);
  size_t slash = rest.find('/');
  std::string_view head = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view p = rest.substr(slash + 1);
    while (!p.empty() && p.front() == '/') p.remove_prefix(1);
    r.path = std::string(p);
  }
  if (head == "~") {
    r.kind = Kind::kUser;
    return r;
  }
  if (!head.empty() && head[0] == '%') {
    r.kind = Kind::kTable;
    head.remove_prefix(1);
  }
  // Dotted parts; "quoted" parts keep their case.
  size_t i = 0;
  while (i < head.size()) {
    std::string part;
    if (head[i] == '"') {
      size_t close = head.find('"', i + 1);
      if (close == std::string_view::npos)
        throw InvalidInputError(fmt::format("stage reference '{}': unterminated quoted name", text));
      part = std::string(head.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t dot = head.find('.', i);
      if (dot == std::string_view::npos) dot = head.size();
      part = lower(std::string(head.substr(i, dot - i)));
      i = dot;
    }
    if (part.empty()) throw InvalidInputError(fmt::format("stage reference '{}' has an empty name", text));
    r.name.push_back(part);
    if (i < head.size()) {
      if (head[i] != '.') throw InvalidInputError(fmt::format("stage reference '{}' is malformed", text));
      ++i;
    }
  }
  if (r.name.empty()) throw InvalidInputError(fmt::format("stage reference '{}' names no stage", text));
  return r;
}

std::string StageRef::to_string() const {
  std::string out = "@";
  if (kind == Kind::kUser) out += "~";
  if (kind == Kind::kTable) out += "%";
  for (size_t i = 0; i < name.size(); ++i) out += (i ? "." : "") + name[i];
  if (!path.empty()) out += "/" + path;
  return out;
}

ResolvedStage resolve_stage(catalog::SqlCatalog& catalog, const StageRef& ref,
                            const std::vector<std::string>& default_ns) {
  ResolvedStage s;
  std::string root = ensure_slash(catalog.warehouse_location());
  if (ref.kind == StageRef::Kind::kUser) {
    s.name = "@~";
    s.location = root + "_stages/~user/";
  } else {
    catalog::TableIdentifier id;
    id.name = ref.name.back();
    id.namespace_levels.assign(ref.name.begin(), ref.name.end() - 1);
    if (id.namespace_levels.empty()) id.namespace_levels = default_ns;
    if (ref.kind == StageRef::Kind::kTable) {
      s.name = "@%" + id.to_string();
      auto meta = catalog.table_metadata_location(id);
      if (!meta) throw CatalogError(fmt::format("table {} does not exist (for its stage {})", id.to_string(), ref.to_string()));
      auto ops = catalog.table_operations(id);
      s.location = ensure_slash(ops->current()->location) + "_stage/";
    } else {
      s.name = "@" + id.to_string();
      catalog::ObjectStore store(catalog);
      auto obj = store.get("stage", id);
      if (!obj) throw CatalogError(fmt::format("stage {} does not exist", s.name));
      s.definition = StageDefinition::from_json(obj->definition);
      if (s.definition.url.empty()) {
        std::string path;
        for (const auto& p : id.namespace_levels) path += p + "/";
        s.location = root + "_stages/" + path + id.name + "/";
      } else {
        s.location = ensure_slash(s.definition.url);
      }
    }
  }
  s.prefix = s.location + ref.path;
  return s;
}

std::string stage_relative_path(const ResolvedStage& stage, const std::string& location) {
  if (location.compare(0, stage.location.size(), stage.location) == 0)
    return location.substr(stage.location.size());
  return location;
}

std::vector<io::FileInfo> list_stage_files(const ResolvedStage& stage, const std::string& pattern) {
  auto io = io::file_io_for(stage.location);
  std::vector<io::FileInfo> files;
  // The prefix may be a folder (ends in '/'), a file, or a partial name (Snowflake lists by
  // prefix): list its folder and keep what starts with it.
  std::string folder = stage.prefix;
  if (!folder.empty() && folder.back() != '/') {
    size_t cut = folder.rfind('/');
    folder = cut == std::string::npos ? "" : folder.substr(0, cut + 1);
  }
  for (auto& f : io->list(folder)) {
    if (f.location.compare(0, stage.prefix.size(), stage.prefix) != 0) continue;
    files.push_back(std::move(f));
  }
  if (!pattern.empty()) {
    RE2 re(pattern);
    if (!re.ok()) throw InvalidInputError(fmt::format("PATTERN '{}' is not a valid regular expression: {}", pattern, re.error()));
    std::vector<io::FileInfo> kept;
    for (auto& f : files) {
      std::string rel = stage_relative_path(stage, f.location);
      if (RE2::FullMatch(rel, re) || RE2::FullMatch(f.location, re)) kept.push_back(std::move(f));
    }
    files = std::move(kept);
  }
  std::sort(files.begin(), files.end(), [](const io::FileInfo& a, const io::FileInfo& b) { return a.location < b.location; });
  return files;
}

}  // namespace floe::ingest
