// The session: runs each statement against the session's tables, in memory or in the
// warehouse's Iceberg catalog. Queries are bound and executed; DDL goes to the catalog;
// INSERT writes new Parquet files and commits one snapshot per statement.
#include "sql/session.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <map>

#include "base/parallel_for.h"
#include "catalog/sql_catalog.h"
#include "columnar/column_cast.h"
#include "columnar/value_text.h"
#include "exec/executor.h"
#include "exec/expression_evaluator.h"
#include "exec/table_sources.h"
#include "iceberg/data_writer.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/table_creation.h"
#include "iceberg/partition_spec.h"
#include "iceberg/table_maintenance.h"
#include "iceberg/table_operations.h"
#include "iceberg/table_update.h"
#include "iceberg/view_metadata.h"
#include "sql/binder.h"
#include "sql/dml_row_query.h"
#include "sql/ingest_statements.h"
#include "sql/result_builders.h"
#include "sql/parser.h"
#include "sql/plan_passes.h"
#include "sql/keyed_insert.h"
#include "sql/merge_rows.h"
#include "sql/table_rewrite.h"
#include "sql/transaction.h"

namespace floe::sql {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Schema;

namespace {

// VARIANT, OBJECT, JSON and ARRAY without an element type: JSON text in a string column.
bool declared_variant(const TypeName& t) {
  return t.name == "VARIANT" || t.name == "OBJECT" || t.name == "JSON" || (t.name == "ARRAY" && t.fields.empty());
}

struct MemoryTable {
  Schema schema;
  std::map<std::string, std::string> variant;  // column -> its declared VARIANT, OBJECT or ARRAY
  std::shared_ptr<const std::vector<Batch>> batches = std::make_shared<std::vector<Batch>>();
  std::map<std::string, std::string> defaults;  // column -> DEFAULT expression text
  std::vector<std::string> key;                  // PRIMARY KEY columns, in the key's order
};

// A warehouse table keeps a column's DEFAULT as the table property
// floe.column-default.<field id> = <expression text> (by id, so renames keep it).
constexpr const char* kDefaultProperty = "floe.column-default.";

std::string key_of(const ObjectName& n) {
  std::string s;
  for (size_t i = 0; i < n.size(); ++i) s += (i ? "." : "") + n[i];
  return s;
}

}  // namespace

// '8GB' / '512 MB' / '2GiB' / '1e9' / 'none' to bytes (-1 = no limit).
int64_t parse_memory_size(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (text == "NONE" || text == "0" || text == "UNLIMITED") return -1;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  double mult = unit.empty() || unit == "B" ? 1
                : unit == "KB" || unit == "KIB" ? 1024.0
                : unit == "MB" || unit == "MIB" ? 1024.0 * 1024
                : unit == "GB" || unit == "GIB" ? 1024.0 * 1024 * 1024
                : unit == "TB" || unit == "TIB" ? 1024.0 * 1024 * 1024 * 1024 : -1;
  if (!end || end == text.c_str() || mult < 0 || v <= 0)
    throw InvalidInputError(fmt::format("memory_limit '{}' is not a size (e.g. '8GB', '512MB', or 'none')", text));
  return int64_t(v * mult);
}

struct Session::State : public BindCatalog {
  SessionOptions options;
  std::function<void(int64_t, int64_t)> progress;
  // In-memory tables and views (all of them in an in-memory session; temporary ones otherwise).
  std::map<std::string, MemoryTable> memory_tables;
  std::map<std::string, std::string> memory_views;
  std::unique_ptr<catalog::SqlCatalog> catalog;
  std::vector<std::string> current_namespace{"default"};

  int threads() const { return options.threads > 0 ? options.threads : default_thread_count(); }
  int64_t memory_limit() const {
    if (options.memory_limit < 0) return 0;
    if (options.memory_limit > 0) return options.memory_limit;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? int64_t(double(pages) * double(page) * 0.8) : 0;
  }

  catalog::SqlCatalog& warehouse() {
    if (!catalog) {
      catalog = std::make_unique<catalog::SqlCatalog>(
          catalog::resolve_catalog_config(options.warehouse, options.catalog));
    }
    return *catalog;
  }

  // BEGIN ... COMMIT: staged Iceberg commits, and the memory tables as they were at BEGIN.
  std::unique_ptr<Transaction> transaction;
  // A statement's own transaction its checks read through (a COPY's data-quality rules see
  // the rows it is about to commit), or nullptr.
  Transaction* read_through = nullptr;
  std::map<std::string, MemoryTable> memory_at_begin;

  std::unique_ptr<iceberg::TableOperations> table_ops(const catalog::TableIdentifier& id) {
    if (transaction) return transaction->table_operations(id);
    if (read_through) return read_through->table_operations(id);
    return warehouse().table_operations(id);
  }

  // Snowflake's rule: a DDL statement inside BEGIN .. COMMIT first commits the open
  // transaction, then runs as its own transaction; the statements after it run on their
  // own until the next BEGIN, and the COMMIT or ROLLBACK that was meant for the ended
  // transaction is accepted and does nothing.
  void commit_before_ddl() {
    if (!transaction) return;
    commit();
    ended_by_ddl = true;
  }

  StatementResult begin() {
    if (transaction) throw InvalidInputError("a transaction is already open (BEGIN inside BEGIN)");
    if (!options.in_memory) transaction = std::make_unique<Transaction>(warehouse());
    else transaction = nullptr;
    memory_at_begin = memory_tables;
    in_transaction = true;
    ended_by_ddl = false;
    return status("BEGIN");
  }

  StatementResult commit() {
    if (!in_transaction && std::exchange(ended_by_ddl, false))
      return status("COMMIT (the transaction was committed before a DDL statement)");
    if (!in_transaction) throw InvalidInputError("COMMIT without BEGIN");
    in_transaction = false;
    memory_at_begin.clear();
    auto txn = std::move(transaction);
    if (txn) {
      size_t n = txn->tables_changed();
      txn->commit();
      return status(fmt::format("COMMIT ({} tables)", n));
    }
    return status("COMMIT");
  }

  StatementResult rollback() {
    if (!in_transaction && std::exchange(ended_by_ddl, false))
      return status("ROLLBACK (nothing to roll back: the transaction was committed before a DDL statement)");
    if (!in_transaction) throw InvalidInputError("ROLLBACK without BEGIN");
    in_transaction = false;
    memory_tables = std::move(memory_at_begin);
    memory_at_begin.clear();
    auto txn = std::move(transaction);
    if (txn) txn->rollback();
    return status("ROLLBACK");
  }
  bool in_transaction = false;
  bool ended_by_ddl = false;  // the last transaction was committed by a DDL statement

  // A session that ends inside a transaction rolls it back.
  ~State() override {
    if (transaction) {
      try {
        transaction->rollback();
      } catch (...) {
      }
    }
  }

  catalog::TableIdentifier identifier(const ObjectName& n) {
    catalog::TableIdentifier id;
    id.name = n.back();
    if (n.size() == 1) id.namespace_levels = current_namespace;
    else id.namespace_levels.assign(n.begin(), n.end() - 1);
    return id;
  }

  std::string memory_key(const ObjectName& n) {
    return n.size() == 1 ? n[0] : key_of(n);
  }

  std::shared_ptr<exec::TableSource> open_table(const ObjectName& name, const TimeTravel* tt) override {
    auto it = memory_tables.find(memory_key(name));
    if (it != memory_tables.end()) {
      if (tt) throw UnsupportedError("time travel on an in-memory table");
      auto source = std::make_shared<exec::MemoryTableSource>(it->first, it->second.schema, it->second.batches);
      std::vector<std::string> variant;
      for (const auto& f : it->second.schema.fields) {
        auto v = it->second.variant.find(f.name);
        variant.push_back(v == it->second.variant.end() ? std::string() : v->second);
      }
      source->set_variant_types(std::move(variant));
      return source;
    }
    if (options.in_memory) return nullptr;
    if (auto system = open_ingest_system_table(warehouse(), name)) return system;
    auto id = identifier(name);
    auto& cat = warehouse();
    if (!cat.table_exists(id)) return nullptr;
    auto ops = table_ops(id);
    auto m = ops->current();
    const iceberg::Snapshot* snap = m->current_snapshot();
    if (tt) snap = resolve_time_travel(*m, *tt, id.to_string());
    return std::make_shared<exec::IcebergTableSource>(id.to_string(), cat.file_io(), m, snap, threads(),
                                                      /*snapshot_schema=*/tt != nullptr);
  }

  const iceberg::Snapshot* resolve_time_travel(const iceberg::TableMetadata& m, const TimeTravel& tt,
                                               const std::string& table) {
    Binder binder(*this, bind_options());
    Column v = evaluate_constant_expr(binder, *tt.value);
    if (v.is_null(0)) throw InvalidInputError("time travel value is NULL");
    if (tt.kind == "SNAPSHOT" || tt.kind == "VERSION") {
      Column id = columnar::cast_column(v, DataType(columnar::TypeId::kInt64));
      int64_t sid = id.value<int64_t>(0);
      const iceberg::Snapshot* s = m.snapshot_by_id(sid);
      if (!s) throw InvalidInputError(fmt::format("{} has no snapshot {}", table, sid));
      if (!tt.before) return s;
      if (!s->parent_snapshot_id) return nullptr;
      return m.snapshot_by_id(*s->parent_snapshot_id);
    }
    if (tt.kind == "TIMESTAMP" || tt.kind == "OFFSET") {
      int64_t ms;
      if (tt.kind == "OFFSET") {
        Column secs = columnar::cast_column(v, DataType(columnar::TypeId::kInt64));
        ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count() + secs.value<int64_t>(0) * 1000;
      } else {
        Column ts = columnar::cast_column(v, DataType::timestamp_tz(columnar::TimeUnit::kMilli));
        ms = ts.value<int64_t>(0);
      }
      const iceberg::Snapshot* best = nullptr;
      for (const auto& s : m.snapshots) {
        bool ok = tt.before ? s.timestamp_ms < ms : s.timestamp_ms <= ms;
        if (ok && (!best || s.timestamp_ms >= best->timestamp_ms)) best = &s;
      }
      if (!best) throw InvalidInputError(fmt::format("{} has no snapshot at or before that time", table));
      return best;
    }
    throw UnsupportedError(fmt::format("time travel by {} is not supported", tt.kind));
  }

  std::optional<std::string> view_query(const ObjectName& name) override {
    auto it = memory_views.find(memory_key(name));
    if (it != memory_views.end()) return it->second;
    if (options.in_memory) return std::nullopt;
    auto id = identifier(name);
    auto& cat = warehouse();
    if (!cat.view_exists(id)) return std::nullopt;
    auto view = cat.load_view(id);
    if (!view) return std::nullopt;
    const auto* rep = view->current_version().sql_for(iceberg::kFloeViewDialect);
    if (!rep) throw UnsupportedError(fmt::format("view {} has no SQL representation", id.to_string()));
    return rep->sql;
  }

  std::vector<std::vector<std::string>> namespace_stack;
  void enter_view(const ObjectName& name) override {
    namespace_stack.push_back(current_namespace);
    if (options.in_memory || memory_views.count(memory_key(name))) return;
    auto id = identifier(name);
    auto view = warehouse().load_view(id);
    if (!view) return;
    const auto& ns = view->current_version().default_namespace;
    current_namespace = ns.empty() ? id.namespace_levels : ns;
  }
  void leave_view() override {
    current_namespace = namespace_stack.back();
    namespace_stack.pop_back();
  }

  bool table_exists(const ObjectName& name) {
    if (memory_tables.count(memory_key(name))) return true;
    if (options.in_memory) return false;
    return warehouse().table_exists(identifier(name));
  }

  // --- statements ---

  StatementResult run(Statement& st) {
    switch (st.kind) {
      case StatementKind::kQuery: return run_query(*st.query);
      case StatementKind::kCreateTable: return create_table(*st.create_table);
      case StatementKind::kCreateView: return create_view(*st.create_view);
      case StatementKind::kCreateNamespace: return create_namespace(*st.create_namespace);
      case StatementKind::kCreateIndex:
        if (!table_exists(st.create_index->table))
          throw CatalogError(fmt::format("table '{}' does not exist", key_of(st.create_index->table)));
        return status("CREATE INDEX (accepted; Iceberg tables have no indexes, nothing was built)");
      case StatementKind::kDrop: return drop(*st.drop);
      case StatementKind::kInsert: return insert(*st.insert);
      case StatementKind::kDelete: return delete_rows(*st.del);
      case StatementKind::kUpdate: return update(*st.update);
      case StatementKind::kTruncate: {
        Delete d;
        d.table = st.truncate_table;
        return delete_rows(d);
      }
      case StatementKind::kExplain: return explain(*st.explain);
      case StatementKind::kAlterTable: return alter(*st.alter_table);
      case StatementKind::kMerge: return merge(*st.merge);
      case StatementKind::kBegin: return begin();
      case StatementKind::kCommit: return commit();
      case StatementKind::kRollback: return rollback();
      case StatementKind::kShow: return show(*st.show);
      case StatementKind::kDescribe: return describe(*st.describe);
      case StatementKind::kUse:
        current_namespace = st.use->name;
        return status("USE");
      case StatementKind::kSet:
        if (st.set->name == "memory_limit") {
          // '8GB', '512MB', '1.5GiB', a number of bytes, or 0 / 'none' for no limit.
          Binder binder(*this, bind_options());
          Column v = evaluate_constant_expr(binder, *st.set->value);
          std::string t;
          columnar::append_value_text(v, 0, t);
          options.memory_limit = parse_memory_size(t);
          return status("SET");
        }
        if (st.set->name == "temp_directory") {
          // Where sorts, aggregations and joins spill past memory_limit; '' = the system's.
          Binder binder(*this, bind_options());
          Column v = evaluate_constant_expr(binder, *st.set->value);
          std::string t;
          if (v.size() > 0 && v.is_valid(0)) columnar::append_value_text(v, 0, t);
          options.temp_directory = t;
          return status("SET");
        }
        if (st.set->name == "threads") {
          Binder binder(*this, bind_options());
          Column v = columnar::cast_column(evaluate_constant_expr(binder, *st.set->value), DataType(columnar::TypeId::kInt64));
          options.threads = int(v.value<int64_t>(0));
          return status("SET");
        }
        throw UnsupportedError(fmt::format("setting '{}' does not exist", st.set->name));
      case StatementKind::kCreateObject:
      case StatementKind::kAlterObject:
        commit_before_ddl();
        [[fallthrough]];
      case StatementKind::kStageCommand:
      case StatementKind::kCopy: {
        auto ctx = ingest_context();
        return run_ingest_statement(ctx, st);
      }
      default:
        throw UnsupportedError(fmt::format("this statement is not supported yet: {}", st.text));
    }
  }

  std::optional<std::string> system_function(const std::string& name, const std::vector<std::string>& args) override {
    auto ctx = ingest_context();
    return ingest_system_function(ctx, name, args);
  }

  IngestContext ingest_context() {
    if (options.in_memory)
      throw UnsupportedError("stages, file formats, pipes and COPY need a warehouse (this session is in memory)");
    return IngestContext{warehouse(), current_namespace, transaction.get(), *this, bind_options(),
                         threads(),
                         [this](const std::string& sql) {
                           Statement st = parse_statement(sql);
                           if (st.kind != StatementKind::kQuery) throw InternalError("not a query: " + sql);
                           return run_query(*st.query);
                         },
                         [this](Transaction* t) { read_through = t; }};
  }

  BoundQuery bind(const Query& q) {
    Binder binder(*this, bind_options());
    BoundQuery b = binder.bind_query(q);
    run_plan_passes(*b.plan);
    return b;
  }

  BindOptions bind_options() const {
    return {options.dialect, threads(), memory_limit(), options.temp_directory};
  }

  exec::ExecOptions exec_options() const {
    exec::ExecOptions eo;
    eo.threads = threads();
    eo.progress = progress;
    eo.memory_limit = memory_limit();
    eo.temp_directory = options.temp_directory;
    return eo;
  }

  std::vector<Batch> execute(const exec::PlanNode& plan) {
    return exec::execute_plan(plan, exec_options());
  }

  StatementResult run_query(const Query& q) {
    BoundQuery b = bind(q);
    Schema schema;
    for (size_t i = 0; i < b.names.size(); ++i) schema.fields.emplace_back(b.names[i], b.plan->output[i].type);
    auto batches = execute(*b.plan);
    for (auto& batch : batches) batch.schema = schema;
    StatementResult r = rows_result(std::move(schema), std::move(batches));
    for (size_t i = 0; i < b.names.size(); ++i) r.shown_types.push_back(json_type_name(b.variant_type(i)));
    return r;
  }

  StatementResult explain(Explain& e) {
    if (e.statement->kind != StatementKind::kQuery)
      throw UnsupportedError("EXPLAIN of statements other than queries is not supported yet");
    BoundQuery b = bind(*e.statement->query);
    std::string text;
    if (e.analyze) {
      exec::ExecStats stats;
      exec::ExecOptions eo;
      eo.threads = threads();
      eo.memory_limit = memory_limit();
      eo.temp_directory = options.temp_directory;
      eo.collect_stats = true;
      auto start = std::chrono::steady_clock::now();
      exec::execute_plan(*b.plan, eo, &stats);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      text = exec::explain_analyzed(*b.plan, stats) + fmt::format("total: {:.3f} s\n", s);
    } else {
      text = exec::explain_plan(*b.plan);
    }
    std::vector<std::vector<std::string>> rows;
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      rows.push_back({text.substr(start, nl - start)});
      start = nl + 1;
    }
    Batch b2 = text_batch({"plan"}, rows);
    Schema s = b2.schema;
    std::vector<Batch> v;
    v.push_back(std::move(b2));
    StatementResult r = rows_result(std::move(s), std::move(v));
    r.plan_text = true;
    return r;
  }

  Schema columns_schema(const std::vector<ColumnDef>& cols) {
    Schema s;
    for (const auto& c : cols) s.fields.emplace_back(c.name, Binder::resolve_type(c.type), !c.not_null && !c.primary_key);
    return s;
  }

  StatementResult create_table(CreateTable& ct) {
    commit_before_ddl();
    bool exists = table_exists(ct.name);
    if (exists && ct.if_not_exists) return status("CREATE TABLE (already exists)");
    if (exists && !ct.or_replace) throw CatalogError(fmt::format("table '{}' already exists", key_of(ct.name)));
    Schema schema;
    std::vector<Batch> rows;
    std::vector<std::string> key;
    std::map<std::string, std::string> variant_types;  // column -> VARIANT, OBJECT or ARRAY
    for (const auto& col : ct.columns)
      if (declared_variant(col.type)) variant_types[col.name] = col.type.name;
    if (!ct.like.empty()) {
      // CREATE TABLE t LIKE other: other's columns (names, types, NOT NULL, VARIANT types,
      // defaults) and no rows. Its partitioning and sort order are not copied.
      std::string name;
      for (const auto& part : ct.like) {
        std::string q = "\"";
        for (char c : part) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        name += (name.empty() ? "" : ".") + q + "\"";
      }
      Statement st = parse_statement("SELECT * FROM " + name);
      BoundQuery b = bind(*st.query);
      for (size_t i = 0; i < b.names.size(); ++i) {
        columnar::Field f = b.plan->output[i];
        f.name = b.names[i];
        f.field_id.reset();
        schema.fields.push_back(std::move(f));
        if (b.is_variant(i)) variant_types[b.names[i]] = json_type_name(b.variant_type(i));
      }
      // A query's columns are all nullable: NOT NULL comes from the table itself.
      auto mem = memory_tables.find(memory_key(ct.like));
      const Schema source =
          mem != memory_tables.end()
              ? mem->second.schema
              : table_ops(identifier(ct.like))->current()->current_schema().schema;
      for (auto& f : schema.fields) {
        int i = source.find(f.name);
        if (i >= 0) f.nullable = source.fields[size_t(i)].nullable;
      }
    } else if (ct.as_query) {
      BoundQuery b = bind(*ct.as_query);
      for (size_t i = 0; i < b.names.size(); ++i) {
        schema.fields.emplace_back(b.names[i], b.plan->output[i].type);
        // The query's VARIANT, OBJECT and ARRAY columns keep their type in the new table.
        if (b.is_variant(i)) variant_types[b.names[i]] = json_type_name(b.variant_type(i));
      }
      rows = execute(*b.plan);
      for (auto& r : rows) r.schema = schema;
    } else {
      schema = columns_schema(ct.columns);
      key = declared_primary_key(ct, schema);
      for (const auto& k : key) schema.fields[size_t(schema.find(k))].nullable = false;
    }
    if (schema.fields.empty()) throw BinderError("a table needs at least one column");
    std::map<std::string, std::string> defaults;
    for (const auto& col : ct.columns) {
      if (!col.default_value) continue;
      // Checked now: it must bind without columns and fit the column's type.
      Binder binder(*this, bind_options());
      auto e = binder.bind_expression(*col.default_value, Schema{});
      DataType t = Binder::resolve_type(col.type);
      if (e->type.id() != columnar::TypeId::kNull && !columnar::can_cast(e->type, t))
        throw BinderError(fmt::format("the DEFAULT of column '{}' ({}) does not fit its type {}", col.name,
                                      e->type.to_string(), t.to_string()));
      if (e->is_foldable()) {
        try {
          (void)columnar::cast_column(exec::evaluate_constant(*e), t, col.name);
        } catch (const Error& err) {
          throw BinderError(fmt::format("the DEFAULT of column '{}' does not fit its type {}: {}", col.name,
                                        t.to_string(), err.what()));
        }
      }
      defaults[col.name] = col.default_text;
    }
    if (!ct.like.empty()) defaults = column_defaults(ct.like);
    if (exists) drop_table(ct.name, false);
    if (options.in_memory || ct.temporary) {
      MemoryTable t;
      t.schema = schema;
      t.defaults = defaults;
      t.key = key;
      t.variant = variant_types;
      auto v = std::make_shared<std::vector<Batch>>(std::move(rows));
      t.batches = v;
      memory_tables[memory_key(ct.name)] = std::move(t);
      return status("CREATE TABLE");
    }
    auto id = identifier(ct.name);
    auto& cat = warehouse();
    if (!cat.namespace_exists(id.namespace_levels)) {
      if (id.namespace_levels == std::vector<std::string>{"default"}) cat.create_namespace(id.namespace_levels, {});
      else throw CatalogError(fmt::format("schema '{}' does not exist", id.namespace_string()));
    }
    iceberg::NewTableOptions nt;
    nt.location = cat.default_table_location(id);
    for (size_t i = 0; i < ct.partition_by.size(); ++i) {
      nt.partition_clause += (i ? ", " : "") + expr_text(*ct.partition_by[i]);
    }
    for (size_t i = 0; i < ct.sort_by.size(); ++i)
      nt.sort_clause += (i ? ", " : "") + expr_text(*ct.sort_by[i].expr) + (ct.sort_by[i].descending ? " DESC" : "");
    for (const auto& p : ct.properties) nt.properties[p.key] = p.value;
    nt.identifier_columns = key;
    iceberg::TableMetadata m = iceberg::new_table_metadata(schema, nt);
    for (const auto& [name, text] : defaults) {
      const auto& fields = m.current_schema().schema.fields;
      for (const auto& f : fields)
        if (f.name == name && f.field_id) m.properties[kDefaultProperty + std::to_string(*f.field_id)] = text;
    }
    for (const auto& [name, type] : variant_types) {
      for (const auto& f : m.current_schema().schema.fields)
        if (f.name == name && f.field_id)
          m.properties[exec::kVariantTypeProperty + std::to_string(*f.field_id)] = type;
    }
    cat.table_operations(id, true)->commit(nullptr, m);
    if (!rows.empty()) append_warehouse(id, std::move(rows));
    return status("CREATE TABLE");
  }

  // A partition or sort expression as the table layer's clause text.
  static std::string expr_text(const Expr& e) {
    if (e.kind == ExprKind::kColumnRef) return e.names.back();
    if (e.kind == ExprKind::kFunction) {
      std::string s = e.names.back() + "(";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i) s += ", ";
        s += e.args[i]->kind == ExprKind::kLiteral ? e.args[i]->text : expr_text(*e.args[i]);
      }
      return s + ")";
    }
    throw BinderError(fmt::format("line {}, column {}: a partition or sort field is a column or a transform such as day(ts) or bucket(16, id)", e.pos.line, e.pos.column));
  }

  StatementResult create_view(CreateView& cv) {
    commit_before_ddl();
    if (!options.in_memory && !cv.temporary) return create_warehouse_view(cv);
    std::string key = memory_key(cv.name);
    if (memory_views.count(key) && !cv.or_replace) {
      if (cv.if_not_exists) return status("CREATE VIEW (already exists)");
      throw CatalogError(fmt::format("view '{}' already exists", key));
    }
    if (memory_tables.count(key)) throw CatalogError(fmt::format("'{}' is a table", key));
    bind(*cv.query);  // the view must bind now
    std::string text = cv.query_text;
    if (!cv.column_aliases.empty()) {
      std::string cols;
      for (size_t i = 0; i < cv.column_aliases.size(); ++i) cols += (i ? ", " : "") + std::string("\"") + cv.column_aliases[i] + "\"";
      text = "SELECT * FROM (" + text + ") AS v(" + cols + ")";
    }
    memory_views[key] = text;
    return status("CREATE VIEW");
  }

  // A view in the catalog: Iceberg view metadata with floe's SQL, readable by other engines.
  StatementResult create_warehouse_view(CreateView& cv) {
    auto id = identifier(cv.name);
    auto& cat = warehouse();
    if (cat.view_exists(id) && !cv.or_replace) {
      if (cv.if_not_exists) return status("CREATE VIEW (already exists)");
      throw CatalogError(fmt::format("view '{}' already exists", id.to_string()));
    }
    if (cat.table_exists(id)) throw CatalogError(fmt::format("'{}' is a table", id.to_string()));
    BoundQuery b = bind(*cv.query);
    Schema schema;
    for (size_t i = 0; i < b.names.size(); ++i) {
      std::string n = i < cv.column_aliases.size() ? cv.column_aliases[i] : b.names[i];
      DataType t = b.plan->output[i].type;
      if (t.id() == columnar::TypeId::kNull) t = DataType(columnar::TypeId::kString);
      schema.fields.emplace_back(n, t);
    }
    std::string text = cv.query_text;
    if (!cv.column_aliases.empty()) {
      std::string cols;
      for (size_t i = 0; i < cv.column_aliases.size(); ++i)
        cols += (i ? ", " : "") + std::string("\"") + cv.column_aliases[i] + "\"";
      text = "SELECT * FROM (" + text + ") AS v(" + cols + ")";
    }
    if (!cat.namespace_exists(id.namespace_levels)) {
      if (id.namespace_levels == std::vector<std::string>{"default"}) cat.create_namespace(id.namespace_levels, {});
      else throw CatalogError(fmt::format("schema '{}' does not exist", id.namespace_string()));
    }
    std::map<std::string, std::string> props;
    if (!cv.comment.empty()) props["comment"] = cv.comment;
    auto md = iceberg::new_view_metadata(cat.default_table_location(id), schema, text,
                                         iceberg::kFloeViewDialect, current_namespace, props);
    cat.create_view(id, md, cv.or_replace);
    return status("CREATE VIEW");
  }

  StatementResult create_namespace(CreateNamespace& cn) {
    commit_before_ddl();
    if (options.in_memory) return status("CREATE SCHEMA");
    auto& cat = warehouse();
    if (cat.namespace_exists(cn.name)) {
      if (cn.if_not_exists || cn.or_replace) return status("CREATE SCHEMA (already exists)");
      throw CatalogError(fmt::format("schema '{}' already exists", key_of(cn.name)));
    }
    std::map<std::string, std::string> props;
    for (const auto& p : cn.properties) props[p.key] = p.value;
    cat.create_namespace(cn.name, props);
    return status(cn.kind == ObjectKind::kDatabase ? "CREATE DATABASE" : "CREATE SCHEMA");
  }

  void drop_table(const ObjectName& name, bool purge) {
    if (memory_tables.erase(memory_key(name))) return;
    warehouse().drop_table(identifier(name), purge);
  }

  StatementResult drop(Drop& d) {
    commit_before_ddl();
    switch (d.kind) {
      case ObjectKind::kTable:
        if (!table_exists(d.name)) {
          if (d.if_exists) return status("DROP TABLE (did not exist)");
          throw CatalogError(fmt::format("table '{}' does not exist", key_of(d.name)));
        }
        drop_table(d.name, d.purge);
        return status("DROP TABLE");
      case ObjectKind::kView:
        if (memory_views.erase(memory_key(d.name))) return status("DROP VIEW");
        if (!options.in_memory && warehouse().view_exists(identifier(d.name))) {
          warehouse().drop_view(identifier(d.name));
          return status("DROP VIEW");
        }
        if (d.if_exists) return status("DROP VIEW (did not exist)");
        throw CatalogError(fmt::format("view '{}' does not exist", key_of(d.name)));
      case ObjectKind::kIndex:
        if (d.if_exists) return status("DROP INDEX (no indexes exist)");
        throw CatalogError(fmt::format("index '{}' does not exist (Iceberg tables have no indexes)", key_of(d.name)));
      case ObjectKind::kSchema:
      case ObjectKind::kDatabase:
        if (options.in_memory) return status("DROP SCHEMA");
        if (!warehouse().namespace_exists(d.name)) {
          if (d.if_exists) return status("DROP SCHEMA (did not exist)");
          throw CatalogError(fmt::format("schema '{}' does not exist", key_of(d.name)));
        }
        warehouse().drop_namespace(d.name);
        return status("DROP SCHEMA");
      case ObjectKind::kStage:
      case ObjectKind::kPipe:
      case ObjectKind::kFileFormat:
      case ObjectKind::kQualityRuleset: {
        auto ctx = ingest_context();
        return drop_ingest_object(ctx, d);
      }
      default:
        throw UnsupportedError("DROP of this object kind is not supported yet");
    }
  }

  // Rows of `batches` conformed to `schema`: columns by position (or by the named list),
  // cast to the column types; missing columns NULL (refused for NOT NULL columns).
  // The DEFAULT expressions of a table's columns, by column name.
  std::map<std::string, std::string> column_defaults(const ObjectName& table) {
    auto it = memory_tables.find(memory_key(table));
    if (it != memory_tables.end()) return it->second.defaults;
    return column_properties(table, kDefaultProperty);
  }

  // The table's columns declared VARIANT, OBJECT or ARRAY (or made VARIANT by CREATE TABLE
  // AS), with that type's name.
  std::map<std::string, std::string> column_variant_types(const ObjectName& table) {
    auto it = memory_tables.find(memory_key(table));
    if (it != memory_tables.end()) return it->second.variant;
    return column_properties(table, exec::kVariantTypeProperty);
  }

  // A warehouse table's properties <prefix><field id>, by column name (none for other tables).
  std::map<std::string, std::string> column_properties(const ObjectName& table,
                                                       const std::string& prefix) {
    std::map<std::string, std::string> out;
    if (options.in_memory || !table_exists(table)) return out;
    auto m = table_ops(identifier(table))->current();
    for (const auto& f : m->current_schema().schema.fields) {
      if (!f.field_id) continue;
      auto p = m->properties.find(prefix + std::to_string(*f.field_id));
      if (p != m->properties.end()) out[f.name] = p->second;
    }
    return out;
  }

  // The table's PRIMARY KEY columns (its schema's identifier fields), in the key's order.
  std::vector<std::string> key_columns(const ObjectName& table) {
    auto it = memory_tables.find(memory_key(table));
    if (it != memory_tables.end()) return it->second.key;
    std::vector<std::string> out;
    if (options.in_memory || !table_exists(table)) return out;
    auto m = table_ops(identifier(table))->current();
    const iceberg::TableSchema& schema = m->current_schema();
    for (int32_t id : schema.identifier_field_ids) out.push_back(schema.column_name(id));
    return out;
  }

  // `rows` values of a column's DEFAULT (NULLs without one), as the column's type.
  Column default_column(const columnar::Field& field, const std::map<std::string, std::string>& defaults,
                        int64_t rows, const std::string& table) {
    auto d = defaults.find(field.name);
    if (d == defaults.end()) {
      if (!field.nullable)
        throw InvalidInputError(fmt::format("column '{}' of '{}' is NOT NULL and has no value", field.name, table));
      Column c(field.type);
      for (int64_t r = 0; r < rows; ++r) c.append_null();
      return c;
    }
    Binder binder(*this, bind_options());
    auto e = binder.bind_expression(*parse_expression(d->second), Schema{});
    Batch none;
    none.rows_without_columns = rows;
    Column v = exec::evaluate(*e, none);
    if (!(v.type() == field.type)) v = columnar::cast_column(v, field.type, field.name);
    if (!field.nullable && v.null_count() > 0)
      throw InvalidInputError(fmt::format("the DEFAULT of NOT NULL column '{}' of '{}' is NULL", field.name, table));
    return v;
  }

  std::vector<Batch> conform(const Schema& schema, std::vector<Batch> batches,
                             const std::vector<std::string>& columns, const std::string& table,
                             const std::map<std::string, std::string>& defaults = {}) {
    std::vector<int> target;
    if (columns.empty()) {
      for (size_t i = 0; i < schema.fields.size(); ++i) target.push_back(int(i));
    } else {
      for (const auto& c : columns) {
        int i = schema.find(c);
        if (i < 0) throw BinderError(fmt::format("table '{}' has no column '{}'", table, c));
        target.push_back(i);
      }
    }
    std::vector<Batch> out;
    for (auto& b : batches) {
      if (b.num_columns() != int(target.size()))
        throw BinderError(fmt::format("INSERT into '{}' has {} values for {} columns", table,
                                      b.num_columns(), target.size()));
      Batch o;
      o.schema = schema;
      o.rows_without_columns = b.num_rows();
      for (size_t f = 0; f < schema.fields.size(); ++f) {
        auto it = std::find(target.begin(), target.end(), int(f));
        const auto& field = schema.fields[f];
        if (it == target.end()) {
          o.columns.push_back(default_column(field, defaults, b.num_rows(), table));
          continue;
        }
        Column& src = b.columns[size_t(it - target.begin())];
        Column c = src.type() == field.type ? std::move(src) : columnar::cast_column(src, field.type, field.name);
        if (!field.nullable && c.null_count() > 0)
          throw InvalidInputError(fmt::format("NULL in NOT NULL column '{}' of '{}'", field.name, table));
        o.columns.push_back(std::move(c));
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  // Appends the rows; with `overwrite` the same commit removes every file the table had
  // (INSERT OVERWRITE: readers see the old rows or the new ones, never neither).
  int64_t append_warehouse(const catalog::TableIdentifier& id, std::vector<Batch> rows, bool overwrite = false) {
    auto ops = table_ops(id);
    iceberg::DataWriteOptions wo;
    wo.temp_directory = options.temp_directory;
    iceberg::DataWriter writer(ops->io(), ops->current(), wo);
    int64_t n = 0;
    try {
      for (auto& b : rows) {
        n += b.num_rows();
        writer.write(std::move(b));
      }
      iceberg::SnapshotChanges changes;
      changes.added_data_files = writer.finish();
      if (overwrite) {
        auto current = ops->current();
        if (const iceberg::Snapshot* snap = current->current_snapshot())
          for (const auto& e : iceberg::live_entries(ops->io(), *snap, threads()))
            changes.removed_files.insert(e.data_file.file_path);
        changes.operation = changes.removed_files.empty() ? "append" : "overwrite";
      }
      if (!changes.added_data_files.empty() || !changes.removed_files.empty()) iceberg::commit_changes(*ops, changes);
    } catch (...) {
      writer.abort();
      throw;
    }
    return n;
  }

  StatementResult insert(Insert& ins) {
    auto source = open_table(ins.table, nullptr);
    if (!source) throw CatalogError(fmt::format("table '{}' does not exist", key_of(ins.table)));
    Schema schema = source->schema();
    auto defaults = column_defaults(ins.table);
    std::vector<Batch> rows;
    if (ins.default_values) {  // INSERT INTO t DEFAULT VALUES: one row of defaults
      Batch o;
      o.schema = schema;
      o.rows_without_columns = 1;
      for (const auto& f : schema.fields) o.columns.push_back(default_column(f, defaults, 1, key_of(ins.table)));
      rows.push_back(std::move(o));
    } else {
      BoundQuery b = bind(*ins.query);
      rows = conform(schema, execute(*b.plan), ins.columns, key_of(ins.table), defaults);
    }
    if (ins.or_replace || ins.or_ignore) return keyed_insert(ins, schema, std::move(rows));
    int64_t n = 0;
    for (const auto& r : rows) n += r.num_rows();
    auto it = memory_tables.find(memory_key(ins.table));
    if (it != memory_tables.end()) {
      auto next = std::make_shared<std::vector<Batch>>();
      static const std::vector<Batch> kNone;
      for (const auto& old : ins.overwrite ? kNone : *it->second.batches) {
        Batch c;
        c.schema = old.schema;
        c.rows_without_columns = old.num_rows();
        for (const auto& col : old.columns) c.columns.push_back(col.copy());
        next->push_back(std::move(c));
      }
      for (auto& r : rows) next->push_back(std::move(r));
      it->second.batches = next;
    } else {
      append_warehouse(identifier(ins.table), std::move(rows), ins.overwrite);
    }
    return status(fmt::format("INSERT {}", n), n);
  }

  // INSERT OR REPLACE / REPLACE INTO / INSERT OR IGNORE: the MERGE on the table's key of its
  // rows, one per key (SQLite's rules: of rows sharing a key the last replaces, the first is
  // kept by IGNORE).
  StatementResult keyed_insert(const Insert& ins, const Schema& schema, std::vector<Batch> rows) {
    const char* what = ins.or_replace ? "INSERT OR REPLACE" : "INSERT OR IGNORE";
    std::vector<int> key;
    for (const auto& k : key_columns(ins.table)) {
      key.push_back(schema.find(k));
      // Other engines may key a table by a field inside a struct.
      if (key.back() < 0)
        throw UnsupportedError(fmt::format("{}: the key field '{}' of '{}' is not a top-level column", what, k,
                                           key_of(ins.table)));
    }
    if (key.empty())
      throw BinderError(fmt::format("{}: table '{}' has no PRIMARY KEY to find the rows it replaces; "
                                    "use MERGE",
                                    what, key_of(ins.table)));
    Batch source = one_row_per_key(std::move(rows), schema, key, ins.or_replace);
    BoundMerge bound = keyed_insert_merge(schema, key, ins.or_replace);
    auto target = merge_target(ins.table);
    MergeCounts c = run_merge(target, bound, std::move(source));
    int64_t n = c.inserted + c.updated;
    return status(fmt::format("INSERT {}", n), n);
  }

  // Memory tables: rewrite the rows (keeping those the predicate does not select).
  template <typename Fn>
  int64_t rewrite_memory(MemoryTable& t, const Expr* where, const std::string& qualifier,
                         Fn&& change) {
    Binder binder(*this, bind_options());
    exec::ExpressionPtr pred;
    if (where) pred = binder.bind_expression(*where, t.schema, qualifier);
    auto next = std::make_shared<std::vector<Batch>>();
    int64_t affected = 0;
    for (const auto& b : *t.batches) {
      Batch copy;
      copy.schema = t.schema;
      copy.rows_without_columns = b.num_rows();
      for (const auto& c : b.columns) copy.columns.push_back(c.copy());
      columnar::SelectionVector hit;
      if (pred) hit = exec::evaluate_filter(*pred, copy);
      else for (int64_t i = 0; i < copy.num_rows(); ++i) hit.push_back(uint32_t(i));
      affected += int64_t(hit.size());
      change(binder, copy, hit, *next);
    }
    t.batches = next;
    return affected;
  }

  // The FROM / USING tables of UPDATE and DELETE as one MERGE source (cross-joined; the
  // WHERE becomes the MERGE's ON).
  static TableRefPtr joined_source(std::vector<TableRefPtr>& tables) {
    TableRefPtr source = std::move(tables[0]);
    for (size_t i = 1; i < tables.size(); ++i) {
      auto j = std::make_unique<TableRef>();
      j->kind = TableRefKind::kJoin;
      j->join_type = JoinType::kCross;
      j->pos = tables[i]->pos;
      j->left = std::move(source);
      j->right = std::move(tables[i]);
      source = std::move(j);
    }
    tables.clear();
    return source;
  }

  // UPDATE t SET .. FROM s WHERE .. and DELETE FROM t USING s WHERE .. are the MERGE that
  // says the same: a target row joined to a source row by the WHERE is updated (deleted). A
  // target row that two source rows would update differently is an error, as in MERGE.
  StatementResult merge_from(ObjectName table, std::string alias, std::vector<TableRefPtr>& from, ExprPtr where,
                             std::vector<Assignment>* sets, const char* what) {
    Merge m;
    m.target = std::move(table);
    m.target_alias = std::move(alias);
    m.source = joined_source(from);
    if (where) {
      m.on = std::move(where);
    } else {
      m.on = std::make_unique<Expr>();
      m.on->kind = ExprKind::kLiteral;
      m.on->literal_kind = LiteralKind::kBoolean;
      m.on->bool_value = true;
    }
    MergeClause c;
    c.matched = true;
    c.action = sets ? MergeAction::kUpdate : MergeAction::kDelete;
    if (sets) c.assignments = std::move(*sets);
    m.clauses.push_back(std::move(c));
    m.any_match_updates = sets != nullptr;
    StatementResult r;
    try {
      r = merge(m);
    } catch (const InvalidInputError& e) {
      std::string msg = e.what();
      if (msg.rfind("MERGE: ", 0) == 0) throw InvalidInputError(fmt::format("{} .. {}: {}", what, sets ? "FROM" : "USING", msg.substr(7)));
      throw;
    }
    int64_t n = r.rows_affected;
    return status(fmt::format("{} {}", what, n), n);
  }

  // What names the target table's columns in an UPDATE's or DELETE's expressions: its alias,
  // else its name (the last part: `t.id` in DELETE FROM db.s.t).
  static std::string dml_qualifier(const ObjectName& table, const std::string& alias) {
    return alias.empty() ? table.back() : alias;
  }

  // How an UPDATE or DELETE selects its rows: by `row_query` when the statement has one (a
  // correlated subquery, decorrelated), else by the condition (none: every row).
  static RowSelector row_selector(const exec::Expression* cond, DmlRowQuery* row_query) {
    if (row_query) return [row_query](const Batch& b) { return row_query->run(b); };
    if (!cond) return {};
    return [cond](const Batch& b) { return RowSelection{exec::evaluate_filter(*cond, b), {}}; };
  }

  // The rows the table holds (a file's are at most that: what the row query plans for).
  static int64_t table_rows(iceberg::TableOperations& ops) {
    const auto* snap = ops.current()->current_snapshot();
    if (!snap) return 0;
    auto it = snap->summary.find("total-records");
    return it == snap->summary.end() ? -1 : std::stoll(it->second);
  }

  StatementResult delete_rows(Delete& d) {
    if (!d.using_tables.empty())
      return merge_from(d.table, d.alias, d.using_tables, std::move(d.where), nullptr, "DELETE");
    auto it = memory_tables.find(memory_key(d.table));
    if (it != memory_tables.end()) {
      int64_t n = rewrite_memory(it->second, d.where.get(), dml_qualifier(d.table, d.alias),
                                 [](Binder&, Batch& b, const columnar::SelectionVector& hit, std::vector<Batch>& out) {
        Batch kept = without_rows(b, hit);
        if (kept.num_rows() > 0) out.push_back(std::move(kept));
      });
      return status(fmt::format("DELETE {}", n), n);
    }
    if (options.in_memory || !table_exists(d.table))
      throw CatalogError(fmt::format("table '{}' does not exist", key_of(d.table)));
    auto ops = table_ops(identifier(d.table));
    const Schema& schema = ops->current()->current_schema().schema;
    Binder binder(*this, bind_options());
    exec::ExpressionPtr cond;
    formats::ScanPredicate pushed;
    if (d.where) {
      cond = binder.bind_expression(*d.where, schema, dml_qualifier(d.table, d.alias));
      pushed = pushdown_predicate(*cond, schema);
    }
    std::unique_ptr<DmlRowQuery> row_query;
    if (cond && has_correlated_subquery(*cond))
      row_query = std::make_unique<DmlRowQuery>(
          *this, bind_options(), schema, dml_qualifier(d.table, d.alias), std::move(d.where),
          std::vector<ExprPtr>{}, table_rows(*ops), exec_options());
    auto r = rewrite_table(*ops, row_selector(cond.get(), row_query.get()), pushed,
                           [](const Batch& rows, const RowSelection& hits,
                              std::vector<Batch>& out) {
                             out.push_back(without_rows(rows, hits.rows));
                             return true;
                           },
                           nullptr, threads());
    return status(fmt::format("DELETE {}", r.rows_matched), r.rows_matched);
  }

  static Batch without_rows(const Batch& b, const columnar::SelectionVector& hits) {
    std::vector<uint8_t> drop(size_t(b.num_rows()), 0);
    for (uint32_t r : hits) drop[r] = 1;
    columnar::SelectionVector keep;
    for (int64_t i = 0; i < b.num_rows(); ++i)
      if (!drop[size_t(i)]) keep.push_back(uint32_t(i));
    return exec::take_rows(b, keep);
  }

  // The batch with the rows in `hits` changed by `sets` (column index, value over the
  // table's columns; or the values computed with the rows, when `given` holds them); other
  // rows and columns as they were.
  static Batch updated(const Batch& b, const columnar::SelectionVector& hits,
                       const std::vector<std::pair<int, exec::ExpressionPtr>>& sets, const Schema& schema,
                       const std::vector<Column>& given = {}) {
    Batch sub = exec::take_rows(b, hits);
    std::vector<Column> values;
    for (size_t k = 0; k < sets.size(); ++k) {
      const auto& [col, e] = sets[k];
      Column v = k < given.size() ? given[k].copy() : exec::evaluate(*e, sub);
      const auto& f = schema.fields[size_t(col)];
      if (!(v.type() == f.type)) v = columnar::cast_column(v, f.type, f.name);
      if (!f.nullable && v.null_count())
        throw InvalidInputError(fmt::format("NULL in NOT NULL column '{}'", f.name));
      values.push_back(std::move(v));
    }
    std::vector<int64_t> pos(size_t(b.num_rows()), -1);
    for (size_t k = 0; k < hits.size(); ++k) pos[hits[k]] = int64_t(k);
    Batch o;
    o.schema = schema;
    o.rows_without_columns = b.num_rows();
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      int set_index = -1;
      for (size_t s = 0; s < sets.size(); ++s)
        if (sets[s].first == int(c)) set_index = int(s);
      if (set_index < 0) {
        o.columns.push_back(b.columns[c].copy());
        continue;
      }
      Column nc(schema.fields[c].type);
      nc.reserve(b.num_rows());
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        if (pos[size_t(r)] >= 0) nc.append_range(values[size_t(set_index)], pos[size_t(r)], 1);
        else nc.append_range(b.columns[c], r, 1);
      }
      o.columns.push_back(std::move(nc));
    }
    return o;
  }

  StatementResult update(Update& u) {
    if (!u.from.empty()) return merge_from(u.table, u.alias, u.from, std::move(u.where), &u.assignments, "UPDATE");
    auto it = memory_tables.find(memory_key(u.table));
    bool memory = it != memory_tables.end();
    if (!memory && (options.in_memory || !table_exists(u.table)))
      throw CatalogError(fmt::format("table '{}' does not exist", key_of(u.table)));
    std::unique_ptr<iceberg::TableOperations> ops;
    Schema schema;
    if (memory) {
      schema = it->second.schema;
    } else {
      ops = table_ops(identifier(u.table));
      schema = ops->current()->current_schema().schema;
    }
    Binder binder(*this, bind_options());
    std::vector<std::pair<int, exec::ExpressionPtr>> sets;
    std::vector<ExprPtr> set_text;  // each set value as written (DEFAULT: the default's)
    for (auto& a : u.assignments) {
      int i = schema.find(a.column.back());
      if (i < 0) throw BinderError(fmt::format("table '{}' has no column '{}'", key_of(u.table), a.column.back()));
      ExprPtr default_expr;
      if (!a.value) {  // SET col = DEFAULT
        auto defaults = column_defaults(u.table);
        auto d = defaults.find(schema.fields[size_t(i)].name);
        default_expr = parse_expression(d == defaults.end() ? "NULL" : d->second);
      }
      auto value = binder.bind_expression(a.value ? *a.value : *default_expr, schema,
                                          dml_qualifier(u.table, u.alias));
      auto dup = std::find_if(sets.begin(), sets.end(), [&](const auto& s2) { return s2.first == i; });
      if (dup != sets.end()) {
        // SQLite lets the last assignment win; elsewhere setting a column twice is a mistake.
        if (options.dialect != Dialect::kSqlite)
          throw BinderError(fmt::format("column '{}' is set twice", a.column.back()));
        dup->second = std::move(value);
        set_text[size_t(dup - sets.begin())] =
            a.value ? std::move(a.value) : std::move(default_expr);
        continue;
      }
      sets.push_back({i, std::move(value)});
      set_text.push_back(a.value ? std::move(a.value) : std::move(default_expr));
    }
    auto change = [&](const Batch& b, const RowSelection& hit, std::vector<Batch>& out) {
      if (hit.rows.empty()) {
        out.push_back(exec::take_rows(b, all_rows(b.num_rows())));
        return false;
      }
      out.push_back(updated(b, hit.rows, sets, schema, hit.values));
      return true;
    };
    if (memory) {
      int64_t n = rewrite_memory(it->second, u.where.get(), dml_qualifier(u.table, u.alias),
                                 [&](Binder&, Batch& b, const columnar::SelectionVector& hit,
                                     std::vector<Batch>& out) {
                                   change(b, RowSelection{hit, {}}, out);
                                 });
      return status(fmt::format("UPDATE {}", n), n);
    }
    exec::ExpressionPtr cond;
    formats::ScanPredicate pushed;
    if (u.where) {
      cond = binder.bind_expression(*u.where, schema, dml_qualifier(u.table, u.alias));
      pushed = pushdown_predicate(*cond, schema);
    }
    bool correlated = cond && has_correlated_subquery(*cond);
    for (const auto& [col, e] : sets) correlated = correlated || has_correlated_subquery(*e);
    std::unique_ptr<DmlRowQuery> row_query;
    if (correlated)
      row_query = std::make_unique<DmlRowQuery>(
          *this, bind_options(), schema, dml_qualifier(u.table, u.alias), std::move(u.where),
          std::move(set_text), table_rows(*ops), exec_options());
    auto r = rewrite_table(*ops, row_selector(cond.get(), row_query.get()), pushed, change,
                           nullptr, threads());
    return status(fmt::format("UPDATE {}", r.rows_matched), r.rows_matched);
  }

  static columnar::SelectionVector all_rows(int64_t n) {
    columnar::SelectionVector v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = uint32_t(i);
    return v;
  }

  // The table a MERGE changes: a session's memory table or a warehouse table.
  struct MergeTarget {
    MemoryTable* memory = nullptr;
    std::unique_ptr<iceberg::TableOperations> ops;
    Schema schema;
  };
  struct MergeCounts {
    int64_t inserted = 0, updated = 0, deleted = 0;
  };

  MergeTarget merge_target(const ObjectName& name) {
    MergeTarget t;
    auto it = memory_tables.find(memory_key(name));
    if (it != memory_tables.end()) {
      t.memory = &it->second;
      t.schema = it->second.schema;
      return t;
    }
    if (options.in_memory || !table_exists(name))
      throw CatalogError(fmt::format("table '{}' does not exist", key_of(name)));
    t.ops = table_ops(identifier(name));
    t.schema = t.ops->current()->current_schema().schema;
    return t;
  }

  // Applies a bound MERGE with its source rows to the target, in one commit.
  MergeCounts run_merge(MergeTarget& target, BoundMerge& bound, Batch source) {
    MergeRows rows(bound, target.schema, std::move(source));
    if (target.memory) {
      auto next = std::make_shared<std::vector<Batch>>();
      for (const auto& b : *target.memory->batches) {
        std::vector<Batch> out;
        if (!rows.apply(b, out)) out.push_back(exec::take_rows(b, all_rows(b.num_rows())));
        for (auto& o : out) next->push_back(std::move(o));
      }
      for (auto& b : rows.inserts()) next->push_back(std::move(b));
      target.memory->batches = next;
    } else {
      auto change = [&](const Batch& b, const RowSelection&, std::vector<Batch>& out) {
        return rows.apply(b, out);
      };
      rewrite_table(*target.ops, RowSelector(), formats::ScanPredicate(), change, [&] { return rows.inserts(); },
                    threads());
    }
    return {rows.inserted(), rows.updated(), rows.deleted()};
  }

  StatementResult merge(Merge& m) {
    MergeTarget target = merge_target(m.target);
    Binder binder(*this, bind_options());
    BoundMerge bound = binder.bind_merge(m, target.schema);
    run_plan_passes(*bound.source);
    Schema source_schema = bound.source->schema();
    auto source_batches = execute(*bound.source);
    Batch source = Batch::empty_of(source_schema);
    for (auto& b : source_batches)
      for (size_t c = 0; c < source.columns.size(); ++c) source.columns[c].append_column(b.columns[c]);
    int64_t srows = 0;
    for (auto& b : source_batches) srows += b.num_rows();
    source.rows_without_columns = srows;
    MergeCounts c = run_merge(target, bound, std::move(source));
    int64_t n = c.updated + c.deleted + c.inserted;
    return status(fmt::format("MERGE {} ({} inserted, {} updated, {} deleted)", n, c.inserted, c.updated,
                              c.deleted), n);
  }

  StatementResult alter(AlterTable& a) {
    commit_before_ddl();
    if (!table_exists(a.table)) {
      if (a.if_exists) return status("ALTER TABLE (did not exist)");
      throw CatalogError(fmt::format("table '{}' does not exist", key_of(a.table)));
    }
    auto mem = memory_tables.find(memory_key(a.table));
    if (mem != memory_tables.end()) return alter_memory(a, mem->second);
    auto id = identifier(a.table);
    auto& cat = warehouse();
    if (a.action == AlterAction::kRenameTable) {
      cat.rename_table(id, identifier(a.new_table));
      return status("ALTER TABLE");
    }
    auto ops = table_ops(id);
    auto m = ops->current();
    const auto& schema = m->current_schema();
    using K = iceberg::TableChange::Kind;
    std::vector<iceberg::TableChange> changes;
    auto change = [&](K kind) -> iceberg::TableChange& {
      changes.push_back({});
      changes.back().kind = kind;
      return changes.back();
    };
    switch (a.action) {
      case AlterAction::kAddColumn: {
        if (a.if_not_exists && schema.schema.find(a.column.name) >= 0) return status("ALTER TABLE (column exists)");
        auto& c = change(K::kAddColumn);
        c.name = a.column.name;
        c.type = Binder::resolve_type(a.column.type);
        c.nullable = !a.column.not_null;
        if (a.column.default_value) throw UnsupportedError("ADD COLUMN with a DEFAULT is not supported yet");
        break;
      }
      case AlterAction::kDropColumn:
        if (a.if_exists && schema.schema.find(a.names.at(0)) < 0) return status("ALTER TABLE (no such column)");
        change(K::kDropColumn).name = a.names.at(0);
        break;
      case AlterAction::kRenameColumn: {
        auto& c = change(K::kRenameColumn);
        c.name = a.names.at(0);
        c.new_name = a.new_name;
        break;
      }
      case AlterAction::kAlterColumnType: {
        auto& c = change(K::kWidenColumn);
        c.name = a.names.at(0);
        c.type = Binder::resolve_type(a.column.type);
        break;
      }
      case AlterAction::kDropNotNull:
        change(K::kDropNotNull).name = a.names.at(0);
        break;
      case AlterAction::kSetProperties:
        for (const auto& p : a.properties) {
          auto& c = change(K::kSetProperty);
          c.name = p.key;
          c.new_name = p.value;
        }
        break;
      case AlterAction::kUnsetProperties:
        for (const auto& k : a.names) change(K::kRemoveProperty).name = k;
        break;
      case AlterAction::kSetPartitionBy: {
        std::string clause;
        for (size_t i = 0; i < a.partition_exprs.size(); ++i)
          clause += (i ? ", " : "") + expr_text(*a.partition_exprs[i]);
        change(K::kSetPartitioning).clause = clause;
        break;
      }
      case AlterAction::kAddPartitionField:
      case AlterAction::kDropPartitionField: {
        std::string current = iceberg::partition_spec_to_string(m->default_spec(), schema);
        std::vector<std::string> fields;
        size_t start = 0;
        int depth = 0;
        for (size_t i = 0; i <= current.size(); ++i) {
          if (i == current.size() || (current[i] == ',' && depth == 0)) {
            std::string f = current.substr(start, i - start);
            while (!f.empty() && f.front() == ' ') f.erase(0, 1);
            if (!f.empty()) fields.push_back(f);
            start = i + 1;
          } else if (current[i] == '(') {
            ++depth;
          } else if (current[i] == ')') {
            --depth;
          }
        }
        std::string field = expr_text(*a.partition_expr);
        auto same = [&](const std::string& f) {
          std::string x = f, y = field;
          x.erase(std::remove(x.begin(), x.end(), ' '), x.end());
          y.erase(std::remove(y.begin(), y.end(), ' '), y.end());
          return x == y;
        };
        auto it = std::find_if(fields.begin(), fields.end(), same);
        if (a.action == AlterAction::kAddPartitionField) {
          if (it != fields.end()) throw InvalidInputError(fmt::format("the table is already partitioned by {}", field));
          fields.push_back(field);
        } else {
          if (it == fields.end()) throw InvalidInputError(fmt::format("the table is not partitioned by {}", field));
          fields.erase(it);
        }
        std::string clause;
        for (size_t i = 0; i < fields.size(); ++i) clause += (i ? ", " : "") + fields[i];
        change(K::kSetPartitioning).clause = clause;
        break;
      }
      case AlterAction::kSetSortOrder: {
        std::string clause;
        for (size_t i = 0; i < a.sort_by.size(); ++i)
          clause += (i ? ", " : "") + expr_text(*a.sort_by[i].expr) + (a.sort_by[i].descending ? " DESC" : "");
        change(K::kSetSortOrder).clause = clause;
        break;
      }
      case AlterAction::kSetComment: {
        auto& c = change(K::kSetProperty);
        c.name = "comment";
        c.new_name = a.new_name;
        break;
      }
      default:
        throw UnsupportedError("this ALTER TABLE action is not supported yet");
    }
    iceberg::commit_table_changes(*ops, changes);
    if (a.action == AlterAction::kAddColumn && declared_variant(a.column.type)) {
      // The new column's field id exists once the schema change is committed.
      auto after = table_ops(id);
      auto now = after->current();
      for (const auto& f : now->current_schema().schema.fields)
        if (f.name == a.column.name && f.field_id) {
          std::vector<iceberg::TableChange> mark(1);
          mark[0].kind = K::kSetProperty;
          mark[0].name = exec::kVariantTypeProperty + std::to_string(*f.field_id);
          mark[0].new_name = a.column.type.name;
          iceberg::commit_table_changes(*after, mark);
        }
    }
    return status("ALTER TABLE");
  }

  StatementResult alter_memory(AlterTable& a, MemoryTable& t) {
    auto rebuild = [&](const std::function<void(Batch&)>& fn) {
      auto next = std::make_shared<std::vector<Batch>>();
      for (const auto& b : *t.batches) {
        Batch c;
        c.rows_without_columns = b.num_rows();
        for (const auto& col : b.columns) c.columns.push_back(col.copy());
        fn(c);
        c.schema = t.schema;
        next->push_back(std::move(c));
      }
      t.batches = next;
    };
    switch (a.action) {
      case AlterAction::kRenameTable: {
        MemoryTable moved = std::move(t);
        memory_tables.erase(memory_key(a.table));
        memory_tables[memory_key(a.new_table)] = std::move(moved);
        return status("ALTER TABLE");
      }
      case AlterAction::kAddColumn: {
        if (t.schema.find(a.column.name) >= 0) {
          if (a.if_not_exists) return status("ALTER TABLE (column exists)");
          throw BinderError(fmt::format("column '{}' already exists", a.column.name));
        }
        DataType type = Binder::resolve_type(a.column.type);
        if (a.column.not_null && !t.batches->empty()) throw InvalidInputError("a NOT NULL column needs a value for existing rows");
        t.schema.fields.emplace_back(a.column.name, type, !a.column.not_null);
        if (declared_variant(a.column.type)) t.variant[a.column.name] = a.column.type.name;
        rebuild([&](Batch& b) {
          Column c(type);
          for (int64_t i = 0; i < b.num_rows(); ++i) c.append_null();
          b.columns.push_back(std::move(c));
        });
        return status("ALTER TABLE");
      }
      case AlterAction::kDropColumn: {
        int i = t.schema.find(a.names.at(0));
        if (i < 0) {
          if (a.if_exists) return status("ALTER TABLE (no such column)");
          throw BinderError(fmt::format("column '{}' does not exist", a.names.at(0)));
        }
        if (t.schema.fields.size() == 1) throw InvalidInputError("cannot drop the only column of a table");
        if (std::find(t.key.begin(), t.key.end(), a.names.at(0)) != t.key.end())
          throw InvalidInputError(fmt::format("drop column {}: it is a PRIMARY KEY column", a.names.at(0)));
        t.schema.fields.erase(t.schema.fields.begin() + i);
        t.variant.erase(a.names.at(0));
        rebuild([&](Batch& b) { b.columns.erase(b.columns.begin() + i); });
        return status("ALTER TABLE");
      }
      case AlterAction::kRenameColumn: {
        int i = t.schema.find(a.names.at(0));
        if (i < 0) throw BinderError(fmt::format("column '{}' does not exist", a.names.at(0)));
        if (t.schema.find(a.new_name) >= 0) throw BinderError(fmt::format("column '{}' already exists", a.new_name));
        t.schema.fields[size_t(i)].name = a.new_name;
        std::replace(t.key.begin(), t.key.end(), a.names.at(0), a.new_name);
        if (auto v = t.variant.extract(a.names.at(0))) {  // the column keeps its VARIANT type
          v.key() = a.new_name;
          t.variant.insert(std::move(v));
        }
        rebuild([](Batch&) {});
        return status("ALTER TABLE");
      }
      default:
        throw UnsupportedError("this ALTER TABLE action is only supported on warehouse tables");
    }
  }

  StatementResult show(Show& s) {
    if (s.kind == ShowKind::kStages || s.kind == ShowKind::kPipes || s.kind == ShowKind::kFileFormats ||
        s.kind == ShowKind::kQualityRulesets) {
      auto ctx = ingest_context();
      return show_ingest_objects(ctx, s);
    }
    std::vector<std::vector<std::string>> rows;
    if (s.kind == ShowKind::kTables) {
      for (const auto& [k, v] : memory_tables) rows.push_back({"", k});
      if (!options.in_memory) {
        auto& cat = warehouse();
        std::vector<std::vector<std::string>> nss;
        if (!s.in.empty()) nss.push_back(s.in);
        else nss = cat.list_namespaces();
        for (const auto& ns : nss)
          for (const auto& t : cat.list_tables(ns)) rows.push_back({t.namespace_string(), t.name});
      }
      return rows_result(text_batch({"schema", "name"}, rows).schema, [&] { std::vector<Batch> v; v.push_back(text_batch({"schema", "name"}, rows)); return v; }());
    }
    if (s.kind == ShowKind::kSchemas || s.kind == ShowKind::kDatabases) {
      if (!options.in_memory)
        for (const auto& ns : warehouse().list_namespaces()) rows.push_back({key_of(ns)});
      std::vector<Batch> v;
      v.push_back(text_batch({"name"}, rows));
      Schema sc = v[0].schema;
      return rows_result(sc, std::move(v));
    }
    if (s.kind == ShowKind::kViews) {
      for (const auto& [k, v] : memory_views) rows.push_back({k, v});
      if (!options.in_memory) {
        auto& cat = warehouse();
        std::vector<std::vector<std::string>> nss;
        if (!s.in.empty()) nss.push_back(s.in);
        else nss = cat.list_namespaces();
        for (const auto& ns : nss)
          for (const auto& v : cat.list_views(ns)) {
            ObjectName on(v.namespace_levels.begin(), v.namespace_levels.end());
            on.push_back(v.name);
            rows.push_back({v.to_string(), view_query(on).value_or("")});
          }
      }
      std::vector<Batch> v;
      v.push_back(text_batch({"name", "text"}, rows));
      Schema sc = v[0].schema;
      return rows_result(sc, std::move(v));
    }
    if (s.kind == ShowKind::kColumns) {
      Describe d;
      d.name = s.in;
      return describe(d);
    }
    throw UnsupportedError("this SHOW is not supported yet");
  }

  StatementResult describe(Describe& d) {
    Schema schema;
    std::vector<std::string> key;
    std::map<std::string, std::string> variant_types;  // shown instead of VARCHAR
    auto describe_query = [&](const Query& q) {
      BoundQuery b = bind(q);
      for (size_t i = 0; i < b.names.size(); ++i) {
        schema.fields.emplace_back(b.names[i], b.plan->output[i].type);
        if (b.is_variant(i)) variant_types[b.names[i]] = json_type_name(b.variant_type(i));
      }
    };
    if (d.query) {
      describe_query(*d.query);
    } else {
      auto src = open_table(d.name, nullptr);
      if (!src) {
        if (auto v = view_query(d.name)) {
          Statement st = parse_statement(*v);
          describe_query(*st.query);
        } else {
          throw CatalogError(fmt::format("table '{}' does not exist", key_of(d.name)));
        }
      } else {
        schema = src->schema();
        key = key_columns(d.name);
        variant_types = column_variant_types(d.name);
      }
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : schema.fields) {
      bool in_key = std::find(key.begin(), key.end(), f.name) != key.end();
      auto variant = variant_types.find(f.name);
      std::string type = variant != variant_types.end() ? variant->second : f.type.to_string();
      rows.push_back({f.name, type, f.nullable ? "YES" : "NO", in_key ? "Y" : "N"});
    }
    std::vector<Batch> v;
    v.push_back(text_batch({"column_name", "column_type", "null", "primary_key"}, rows));
    Schema sc = v[0].schema;
    return rows_result(sc, std::move(v));
  }
};

Session::Session(SessionOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}
Session::~Session() = default;

const SessionOptions& Session::options() const { return state_->options; }

void Session::set_progress_callback(std::function<void(int64_t, int64_t)> cb) {
  state_->progress = std::move(cb);
}

std::vector<StatementResult> Session::execute(std::string_view script) {
  std::vector<Statement> statements = parse_statements(script);
  std::vector<StatementResult> results;
  for (auto& st : statements) {
    StatementResult r = state_->run(st);
    r.statement_text = st.text;
    results.push_back(std::move(r));
  }
  return results;
}

StatementResult Session::execute_one(std::string_view statement) {
  Statement st = parse_statement(statement);
  StatementResult r = state_->run(st);
  r.statement_text = st.text;
  return r;
}

}  // namespace floe::sql
