// Data-quality rulesets as a session runs them. Layer: sql.
#include "sql/quality_checks.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "catalog/object_store.h"
#include "columnar/column_cast.h"
#include "exec/type_rules.h"
#include "iceberg/table_metadata.h"
#include "ingest/option_value.h"
#include "ingest/quality_rules.h"
#include "sql/parser.h"
#include "sql/result_builders.h"

namespace floe::sql {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Schema;

constexpr const char* kRulesetKind = "data_quality_ruleset";

std::string quoted(const catalog::TableIdentifier& id) {
  std::vector<std::string> parts = id.namespace_levels;
  parts.push_back(id.name);
  return quoted_name(parts);
}

std::optional<double> metric_of(IngestContext& ctx, const std::string& sql) {
  StatementResult r = ctx.run_query(sql);
  for (const auto& b : r.batches) {
    if (b.num_rows() == 0) continue;
    const Column& c = b.columns.at(0);
    if (c.is_null(0)) return std::nullopt;
    Column d = columnar::cast_column(c.slice(0, 1), exec::double_type(), "the rule's metric");
    return d.value<double>(0);
  }
  return std::nullopt;
}

std::vector<catalog::QualityResult> evaluate(IngestContext& ctx, const catalog::CatalogObject& ruleset,
                                             const catalog::TableIdentifier& table, const std::string& table_uuid,
                                             const std::string& load_id) {
  auto d = nlohmann::ordered_json::parse(ruleset.definition);
  auto rules = ingest::parse_quality_rules(d.value("rules", ""));
  auto outcomes = ingest::evaluate_quality_rules(rules, quoted(table),
                                                 [&](const std::string& sql) { return metric_of(ctx, sql); });
  std::vector<catalog::QualityResult> out;
  int64_t now = iceberg::now_ms();
  for (auto& o : outcomes) {
    catalog::QualityResult r;
    r.ruleset = ruleset.id.to_string();
    r.table_uuid = table_uuid;
    r.table_name = table.to_string();
    r.load_id = load_id;
    r.rule = o.rule;
    r.outcome = o.outcome;
    r.message = o.message;
    r.metric = o.metric;
    r.evaluated_ms = now;
    out.push_back(std::move(r));
  }
  return out;
}

void record_now(IngestContext& ctx, const std::vector<catalog::QualityResult>& results) {
  auto& db = ctx.catalog.database();
  catalog::QualityResults store(db);
  catalog::SqliteDatabase::Transaction tx(db);
  store.record(results);
  tx.commit();
}

StatementResult result_rows(const std::vector<catalog::QualityResult>& results) {
  Batch b;
  auto col = [&](const char* n, DataType t) {
    b.schema.fields.emplace_back(n, t);
    b.columns.emplace_back(t);
  };
  col("ruleset", exec::varchar_type());
  col("rule", exec::varchar_type());
  col("outcome", exec::varchar_type());
  col("message", exec::varchar_type());
  col("metric", exec::double_type());
  for (const auto& r : results) {
    b.columns[0].append_string(r.ruleset);
    b.columns[1].append_string(r.rule);
    b.columns[2].append_string(r.outcome);
    if (r.message.empty()) b.columns[3].append_null();
    else b.columns[3].append_string(r.message);
    if (r.metric) b.columns[4].append<double>(*r.metric);
    else b.columns[4].append_null();
  }
  b.rows_without_columns = int64_t(results.size());
  Schema s = b.schema;
  std::vector<Batch> v;
  v.push_back(std::move(b));
  return rows_result(std::move(s), std::move(v));
}

}  // namespace

StatementResult create_quality_ruleset(IngestContext& ctx, const CreateObject& c) {
  nlohmann::ordered_json d;
  auto table = qualify(ctx, c.on_table);
  if (!ctx.catalog.table_exists(table)) throw CatalogError(fmt::format("table {} does not exist", table.to_string()));
  d["table"] = table.to_string();
  d["on_failure"] = "RECORD";
  d["comment"] = "";
  bool has_rules = false;
  for (const auto& o : c.options) {
    if (o.key == "RULES") {
      std::string text = ingest::option_string(o);
      ingest::parse_quality_rules(text);  // checked now
      d["rules"] = text;
      has_rules = true;
    } else if (o.key == "ON_FAILURE") {
      std::string v = ingest::option_string(o);
      for (auto& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (v != "RECORD" && v != "ABORT") throw InvalidInputError("ON_FAILURE takes RECORD or ABORT");
      d["on_failure"] = v;
    } else if (o.key == "COMMENT") {
      d["comment"] = ingest::option_string(o);
    } else {
      throw InvalidInputError(fmt::format("unknown data quality ruleset option {}", o.key));
    }
  }
  if (!has_rules) throw InvalidInputError("a data quality ruleset needs RULES = 'Rules = [ ... ]'");
  auto id = qualify(ctx, c.name);
  catalog::ObjectStore store(ctx.catalog);
  auto mode = c.or_replace ? catalog::ObjectWrite::kReplace
              : c.if_not_exists ? catalog::ObjectWrite::kCreateIfNotExists
                                : catalog::ObjectWrite::kCreate;
  bool wrote = store.put(kRulesetKind, id, d.dump(), mode);
  return status(wrote ? fmt::format("Data quality ruleset {} successfully created.", id.name)
                      : fmt::format("{} already exists, statement succeeded.", id.name));
}

StatementResult evaluate_quality_ruleset(IngestContext& ctx, const catalog::TableIdentifier& id) {
  catalog::ObjectStore store(ctx.catalog);
  auto obj = store.get(kRulesetKind, id);
  if (!obj) throw CatalogError(fmt::format("data quality ruleset {} does not exist", id.to_string()));
  auto d = nlohmann::ordered_json::parse(obj->definition);
  auto table = catalog::TableIdentifier::parse(d.value("table", ""));
  auto meta = ctx.catalog.table_operations(table)->current();
  auto results = evaluate(ctx, *obj, table, meta->table_uuid, "");
  record_now(ctx, results);
  return result_rows(results);
}

StatementResult show_quality_rulesets(IngestContext& ctx, const Show& s) {
  catalog::ObjectStore store(ctx.catalog);
  std::optional<std::vector<std::string>> ns;
  if (!s.in.empty()) ns = s.in;
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : store.list(kRulesetKind, ns)) {
    auto d = nlohmann::ordered_json::parse(o.definition);
    rows.push_back({o.id.name, o.id.namespace_string(), d.value("table", ""), d.value("on_failure", ""),
                    d.value("rules", ""), d.value("comment", "")});
  }
  Batch b = text_batch({"name", "schema_name", "table_name", "on_failure", "rules", "comment"}, rows);
  Schema sc = b.schema;
  std::vector<Batch> v;
  v.push_back(std::move(b));
  return rows_result(std::move(sc), std::move(v));
}

LoadQualityCheck check_quality_on_load(IngestContext& ctx, const catalog::TableIdentifier& table,
                                       const std::string& table_uuid, const std::string& load_id,
                                       Transaction& txn) {
  LoadQualityCheck out;
  catalog::ObjectStore store(ctx.catalog);
  std::vector<catalog::CatalogObject> rulesets;
  for (auto& o : store.list(kRulesetKind, std::nullopt)) {
    auto d = nlohmann::ordered_json::parse(o.definition);
    if (d.value("table", "") == table.to_string()) rulesets.push_back(std::move(o));
  }
  if (rulesets.empty()) return out;
  bool borrowed = ctx.transaction != &txn;
  if (borrowed) ctx.read_through(&txn);
  try {
    for (const auto& r : rulesets) {
      auto results = evaluate(ctx, r, table, table_uuid, load_id);
      auto d = nlohmann::ordered_json::parse(r.definition);
      bool failed = false;
      for (const auto& x : results) failed |= x.outcome != "PASS";
      if (failed && d.value("on_failure", "") == "ABORT") out.aborting.push_back(r.id.to_string());
      for (auto& x : results) out.results.push_back(std::move(x));
    }
  } catch (...) {
    if (borrowed) ctx.read_through(nullptr);
    throw;
  }
  if (borrowed) ctx.read_through(nullptr);
  if (!out.aborting.empty()) {
    // The load stops; what the rules found is kept.
    record_now(ctx, out.results);
    std::string failures;
    for (const auto& x : out.results)
      if (x.outcome != "PASS") failures += fmt::format("\n  {}: {} ({})", x.ruleset, x.rule, x.message);
    throw InvalidInputError(fmt::format(
        "data quality ruleset {} failed on the load into {}; nothing was loaded (see "
        "information_schema.data_quality_results):{}",
        out.aborting.front(), table.to_string(), failures));
  }
  return out;
}

std::shared_ptr<exec::TableSource> quality_results_table(catalog::SqlCatalog& catalog) {
  catalog::QualityResults store(catalog.database());
  Batch b;
  auto col = [&](const char* n, DataType t) {
    b.schema.fields.emplace_back(n, t);
    b.columns.emplace_back(t);
  };
  col("ruleset", exec::varchar_type());
  col("table_name", exec::varchar_type());
  col("load_id", exec::varchar_type());
  col("rule", exec::varchar_type());
  col("outcome", exec::varchar_type());
  col("message", exec::varchar_type());
  col("metric", exec::double_type());
  col("evaluated_at", DataType::timestamp_tz());
  for (const auto& r : store.all()) {
    b.columns[0].append_string(r.ruleset);
    b.columns[1].append_string(r.table_name);
    if (r.load_id.empty()) b.columns[2].append_null();
    else b.columns[2].append_string(r.load_id);
    b.columns[3].append_string(r.rule);
    b.columns[4].append_string(r.outcome);
    if (r.message.empty()) b.columns[5].append_null();
    else b.columns[5].append_string(r.message);
    if (r.metric) b.columns[6].append<double>(*r.metric);
    else b.columns[6].append_null();
    b.columns[7].append<int64_t>(r.evaluated_ms * 1000);
  }
  b.rows_without_columns = b.columns[0].size();
  auto batches = std::make_shared<std::vector<Batch>>();
  Schema s = b.schema;
  batches->push_back(std::move(b));
  return std::make_shared<exec::MemoryTableSource>("information_schema.data_quality_results", s, batches);
}

}  // namespace floe::sql
