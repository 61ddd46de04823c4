#include "iceberg/table_reader.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "base/error.h"
#include "formats/json/json_integer.h"
#include "columnar/column_cast.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_scan.h"
#include "iceberg/deletion_vector.h"
#include "iceberg/single_value.h"

namespace floe::iceberg {

using columnar::Batch;
using columnar::Column;

namespace {

void read_mapping(const nlohmann::json& j, std::map<int32_t, std::vector<std::string>>& out) {
  if (!j.is_array()) return;
  for (const auto& f : j) {
    if (!f.is_object() || !f.contains("field-id") || !f.contains("names") || !f["names"].is_array())
      continue;
    std::vector<std::string> names;
    for (const auto& n : f["names"])
      if (n.is_string()) names.push_back(n.get<std::string>());
    out[formats::json::integer_value<int32_t>(f["field-id"], "name mapping: 'field-id'")] = std::move(names);
  }
}

// A column of `type` from a file column of the same shape: casts values where the table's
// type is a promotion of the file's, and takes the table's field names and ids.
Column to_table_type(const Column& c, const columnar::DataType& type, const std::string& name) {
  if (c.type() == type) return c.copy();
  return columnar::cast_column(c, type, name);
}

// One value of an equality key: NULL, or its single-value bytes with their length (so that
// the values of several columns cannot run into each other). NULL equals NULL here, as the
// spec's equality deletes say.
void append_key(const Column& c, int64_t row, std::string& key) {
  if (c.is_null(row)) {
    key += '\0';
    return;
  }
  std::string v = to_single_value_bytes(c, row);
  key += '\1';
  uint32_t len = uint32_t(v.size());
  key.append(reinterpret_cast<const char*>(&len), 4);
  key += v;
}

}  // namespace

std::shared_ptr<const std::unordered_set<std::string>> TableReader::equality_keys(
    const DataFile& delete_file) {
  {
    std::lock_guard<std::mutex> lock(delete_mu_);
    auto it = equality_.find(delete_file.file_path);
    if (it != equality_.end()) return it->second;
  }
  auto keys = std::make_shared<std::unordered_set<std::string>>();
  parquet::ParquetReader reader(io_.open_input(delete_file.file_path));
  const auto& fs = reader.schema().fields;
  std::vector<int> cols;
  std::vector<const columnar::Field*> types;
  for (int32_t id : delete_file.equality_ids) {
    int found = -1;
    for (size_t i = 0; i < fs.size(); ++i)
      if (fs[i].field_id == id) found = int(i);
    const columnar::Field* tf = schema_.find_field(id);
    if (found < 0 || !tf)
      throw CorruptDataError(fmt::format("{}: equality delete file has no column with field id {}",
                                         delete_file.file_path, id));
    cols.push_back(found);
    types.push_back(tf);
  }
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    Batch b = reader.read_row_group(rg, cols);
    std::vector<Column> cast;
    for (size_t k = 0; k < cols.size(); ++k)
      cast.push_back(to_table_type(b.columns[k], types[k]->type, types[k]->name));
    std::string key;
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      key.clear();
      for (const auto& c : cast) append_key(c, r, key);
      keys->insert(key);
    }
  }
  std::lock_guard<std::mutex> lock(delete_mu_);
  equality_[delete_file.file_path] = keys;
  return keys;
}

TableReader::TableReader(io::FileIO& io, const TableMetadata& metadata, const TableSchema& schema,
                         const std::vector<std::string>& columns, formats::ScanPredicate predicate)
    : io_(io), schema_(schema), predicate_(std::move(predicate)) {
  if (columns.empty()) {
    for (size_t i = 0; i < schema.schema.fields.size(); ++i) read_fields_.push_back(int(i));
  } else {
    for (const auto& c : columns) {
      int idx = schema.find(c);
      if (idx < 0) throw InvalidInputError(fmt::format("no column named '{}' in the table", c));
      read_fields_.push_back(idx);
    }
  }
  output_count_ = read_fields_.size();
  for (int i : read_fields_) output_schema_.fields.push_back(schema.schema.fields[size_t(i)]);
  std::vector<std::string> filtered;
  for (const auto& t : predicate_.terms) filtered.push_back(t.column);
  for (const auto& k : predicate_.key_filters) filtered.push_back(k.column);
  for (const auto& c : filtered) {
    int idx = schema.find(c);
    if (idx < 0)
      throw InvalidInputError(fmt::format("filter: no column named '{}' in the table", c));
    if (std::find(read_fields_.begin(), read_fields_.end(), idx) == read_fields_.end())
      read_fields_.push_back(idx);
  }
  std::string mapping = metadata.property("schema.name-mapping.default", "");
  if (!mapping.empty()) {
    try {
      read_mapping(nlohmann::json::parse(mapping), name_mapping_);
    } catch (const nlohmann::json::exception& e) {
      throw CorruptDataError(fmt::format(
          "table property schema.name-mapping.default is not valid JSON: {}", e.what()));
    }
  }
}

std::vector<int64_t> TableReader::deleted_positions(const DataFile& delete_file,
                                                    const std::string& data_file) {
  std::string format = delete_file.file_format;
  for (char& c : format) c = char(std::toupper(static_cast<unsigned char>(c)));
  if (format == "PUFFIN") {
    // A deletion vector: one data file's positions, in the blob the entry points at.
    if (delete_file.referenced_data_file && *delete_file.referenced_data_file != data_file)
      return {};
    return read_deletion_vector(io_, delete_file);
  }
  std::shared_ptr<std::map<std::string, std::vector<int64_t>>> table;
  {
    std::lock_guard<std::mutex> lock(delete_mu_);
    auto it = deletes_.find(delete_file.file_path);
    if (it != deletes_.end()) table = it->second;
  }
  if (!table) {
    table = std::make_shared<std::map<std::string, std::vector<int64_t>>>();
    parquet::ParquetReader reader(io_.open_input(delete_file.file_path));
    const auto& fs = reader.schema().fields;
    int path_idx = -1, pos_idx = -1;
    for (size_t i = 0; i < fs.size(); ++i) {
      if (fs[i].field_id == kDeleteFilePathFieldId ||
          (!fs[i].field_id && fs[i].name == "file_path"))
        path_idx = int(i);
      if (fs[i].field_id == kDeletePosFieldId || (!fs[i].field_id && fs[i].name == "pos"))
        pos_idx = int(i);
    }
    if (path_idx < 0 || pos_idx < 0)
      throw CorruptDataError(
          fmt::format("{}: position delete file lacks file_path or pos", delete_file.file_path));
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
      Batch b = reader.read_row_group(rg, {path_idx, pos_idx});
      Column pos =
          columnar::cast_column(b.columns[1], columnar::DataType(columnar::TypeId::kInt64), "pos");
      const Column& path = b.columns[0];
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        if (path.is_null(r) || pos.is_null(r)) continue;
        (*table)[std::string(path.string_at(r))].push_back(pos.value<int64_t>(r));
      }
    }
    for (auto& [k, v] : *table) std::sort(v.begin(), v.end());
    std::lock_guard<std::mutex> lock(delete_mu_);
    deletes_[delete_file.file_path] = table;
  }
  auto it = table->find(data_file);
  return it == table->end() ? std::vector<int64_t>{} : it->second;
}

namespace {

// The rows of row group [first, first + n) of a file that part `part` reads (relative to the
// group), or nothing; see FilePart.
// Rows a scan hands on at a time: few enough that a window of every column stays in the
// processor's cache on its way through the operators above.
constexpr int64_t kScanWindowRows = 16384;

std::optional<parquet::RowRange> rows_of_part(int64_t first, int64_t n, bool can_cut,
                                              const FilePart& part) {
  if (part.rows <= 0) return parquet::RowRange{0, n};
  const int64_t lo = part.index * part.rows, hi = lo + part.rows, end = first + n;
  auto held = [&](int64_t row) { return row >= lo && row < hi; };
  if (!can_cut) return held(first) ? std::optional(parquet::RowRange{0, n}) : std::nullopt;
  // Cuts: the parts' first rows inside the group, at least half a part from its ends.
  auto is_cut = [&](int64_t c) {
    return c % part.rows == 0 && c - first >= part.rows / 2 && end - c >= part.rows / 2;
  };
  auto next_cut = [&](int64_t after) {
    for (int64_t c = (after / part.rows + 1) * part.rows; c < end; c += part.rows)
      if (is_cut(c)) return c;
    return end;
  };
  int64_t begin = -1;
  if (held(first)) begin = first;
  else if (lo > first && lo < end && is_cut(lo)) begin = lo;
  if (begin < 0) return std::nullopt;
  return parquet::RowRange{begin - first, next_cut(begin) - first};
}

}  // namespace

std::shared_ptr<parquet::ParquetReader> TableReader::open(const FileScanTask& task) {
  try {
    return std::make_shared<parquet::ParquetReader>(io_.open_input(task.file.file_path));
  } catch (const Error& e) {
    if (std::string_view(e.what()).find(task.file.file_path) != std::string_view::npos) throw;
    throw with_context(e, task.file.file_path);
  }
}

void TableReader::read(const FileScanTask& task, const std::function<bool(Batch&&)>& sink,
                       parquet::PruneReport* report, FilePart part, parquet::ParquetReader* opened) {
  const std::string& path = task.file.file_path;
  try {
    // Equality deletes need their key columns even when the scan does not return them.
    std::vector<int> fields = read_fields_;
    struct EqualityGroup {
      std::vector<size_t> slots;  // positions in `fields`
      std::vector<std::shared_ptr<const std::unordered_set<std::string>>> keys;
    };
    std::map<std::vector<int32_t>, EqualityGroup> equality;
    for (const auto& d : task.delete_files) {
      if (d.content != FileContent::kEqualityDeletes) continue;
      auto& g = equality[d.equality_ids];
      if (g.slots.empty()) {
        for (int32_t id : d.equality_ids) {
          int idx = schema_.top_level_index(id);
          if (idx < 0)
            throw UnsupportedError(fmt::format(
                "equality delete file {} keys on field {}, which is not a top-level column of "
                "the table",
                d.file_path, id));
          auto it = std::find(fields.begin(), fields.end(), idx);
          if (it == fields.end()) {
            fields.push_back(idx);
            it = fields.end() - 1;
          }
          g.slots.push_back(size_t(it - fields.begin()));
        }
      }
      g.keys.push_back(equality_keys(d));
    }
    std::shared_ptr<parquet::ParquetReader> own;
    if (!opened) own = open(task);
    parquet::ParquetReader& reader = opened ? *opened : *own;
    const auto& ffields = reader.schema().fields;
    // Table field -> file top-level index (-1: absent, reads as NULL).
    std::vector<int> file_index(fields.size(), -1);
    for (size_t k = 0; k < fields.size(); ++k) {
      const auto& tf = schema_.schema.fields[size_t(fields[k])];
      for (size_t i = 0; i < ffields.size(); ++i)
        if (ffields[i].field_id && ffields[i].field_id == tf.field_id) file_index[k] = int(i);
      if (file_index[k] < 0) {
        auto m = name_mapping_.find(*tf.field_id);
        if (m != name_mapping_.end())
          for (size_t i = 0; i < ffields.size(); ++i)
            if (!ffields[i].field_id &&
                std::find(m->second.begin(), m->second.end(), ffields[i].name) != m->second.end())
              file_index[k] = int(i);
      }
      if (file_index[k] >= 0 && !same_shape(ffields[size_t(file_index[k])].type, tf.type) &&
          !columnar::can_cast(ffields[size_t(file_index[k])].type, tf.type))
        throw CorruptDataError(fmt::format("column {} is {} in the file, {} in the table", tf.name,
                                           ffields[size_t(file_index[k])].type.to_string(),
                                           tf.type.to_string()));
    }
    std::vector<int> file_fields;
    std::vector<int> slot(fields.size(), -1);  // position in the file batch
    for (size_t k = 0; k < fields.size(); ++k) {
      if (file_index[k] < 0) continue;
      auto it = std::find(file_fields.begin(), file_fields.end(), file_index[k]);
      if (it == file_fields.end()) {
        slot[k] = int(file_fields.size());
        file_fields.push_back(file_index[k]);
      } else {
        slot[k] = int(it - file_fields.begin());
      }
    }
    // Pushdown: terms on columns the file has with the table's exact type, renamed.
    formats::ScanPredicate file_pred;
    // The file's field for a table column the predicate names, or -1 when the file lacks it.
    auto file_field_of = [&](const std::string& column) {
      auto pos = std::find(fields.begin(), fields.end(), schema_.find(column)) - fields.begin();
      return size_t(pos) < fields.size() ? file_index[size_t(pos)] : -1;
    };
    for (const auto& t : predicate_.terms) {
      int fi = file_field_of(t.column);
      if (fi < 0) continue;
      if (!(ffields[size_t(fi)].type == t.values.type())) continue;
      formats::ColumnPredicate ft;
      ft.column = ffields[size_t(fi)].name;
      ft.op = t.op;
      ft.values = t.values.copy();
      file_pred.terms.push_back(std::move(ft));
    }
    // Key filters likewise: they test values as the table types them.
    for (const auto& k : predicate_.key_filters) {
      int fi = file_field_of(k.column);
      const auto& type = schema_.schema.fields[size_t(schema_.find(k.column))].type;
      if (fi < 0 || !(ffields[size_t(fi)].type == type)) continue;
      file_pred.key_filters.push_back({ffields[size_t(fi)].name, k.may_match, k.retired});
    }
    // Dictionary codes for columns the file has with the table's type, one field reading
    // them and no test or delete reading them here.
    for (const auto& name : predicate_.dictionary_coded) {
      int fi = file_field_of(name);
      if (fi < 0 || !task.delete_files.empty()) continue;
      const auto& type = schema_.schema.fields[size_t(schema_.find(name))].type;
      if (!(ffields[size_t(fi)].type == type) ||
          std::count(file_index.begin(), file_index.end(), fi) != 1)
        continue;
      bool tested = false;
      for (const auto& t : predicate_.terms) tested = tested || t.column == name;
      for (const auto& k : predicate_.key_filters) tested = tested || k.column == name;
      if (!tested) file_pred.dictionary_coded.push_back(ffields[size_t(fi)].name);
    }
    std::vector<int64_t> deleted;
    for (const auto& d : task.delete_files) {
      if (d.content != FileContent::kPositionDeletes) continue;
      auto p = deleted_positions(d, path);
      deleted.insert(deleted.end(), p.begin(), p.end());
    }
    std::sort(deleted.begin(), deleted.end());
    deleted.erase(std::unique(deleted.begin(), deleted.end()), deleted.end());

    auto emit = [&](Batch&& fb, int64_t first_row, bool positions_known) -> bool {
      const int64_t n = fb.num_rows();
      Batch out;
      for (size_t k = 0; k < fields.size(); ++k) {
        const auto& tf = schema_.schema.fields[size_t(fields[k])];
        out.schema.fields.push_back(tf);
        if (slot[k] < 0) {
          // Absent from the file: the column's initial-default (spec "Default values"),
          // else NULL.
          Column c(tf.type);
          c.reserve(n);
          auto attrs = schema_.field_attributes.find(*tf.field_id);
          if (attrs != schema_.field_attributes.end() &&
              attrs->second.contains("initial-default") &&
              !attrs->second["initial-default"].is_null() && !tf.type.is_nested()) {
            Column one = from_json_single_value(tf.type, attrs->second["initial-default"]);
            for (int64_t r = 0; r < n; ++r) c.append_range(one, 0, 1);
          } else {
            for (int64_t r = 0; r < n; ++r) c.append_null();
          }
          out.columns.push_back(std::move(c));
        } else {
          Column& fc = fb.columns[size_t(slot[k])];
          // The batch is ours: a column of the table's type is moved, not copied, unless
          // another field reads the same file column.
          const bool alone = std::count(slot.begin(), slot.end(), slot[k]) == 1;
          // (codes are asked only for columns of the table's type that one field reads)
          if (fc.dictionary() && (!alone || !(fc.dictionary()->type() == tf.type)))
            fc = fc.decoded();
          if ((fc.type() == tf.type || fc.dictionary()) && alone)
            out.columns.push_back(std::move(fc));
          else
            out.columns.push_back(to_table_type(fc, tf.type, tf.name));
        }
      }
      out.rows_without_columns = n;
      columnar::SelectionVector sel;
      bool filtered = false;
      std::vector<uint8_t> gone;  // rows removed by deletes (empty: none)
      if (positions_known && !deleted.empty()) {
        auto lo = std::lower_bound(deleted.begin(), deleted.end(), first_row);
        auto hi = std::lower_bound(deleted.begin(), deleted.end(), first_row + n);
        if (lo != hi) {
          gone.assign(size_t(n), 0);
          for (auto d = lo; d != hi; ++d) gone[size_t(*d - first_row)] = 1;
        }
      }
      std::string key;
      for (const auto& [ids, g] : equality) {
        for (int64_t r = 0; r < n; ++r) {
          if (!gone.empty() && gone[size_t(r)]) continue;
          key.clear();
          for (size_t slot_index : g.slots) append_key(out.columns[slot_index], r, key);
          for (const auto& set : g.keys)
            if (set->count(key)) {
              if (gone.empty()) gone.assign(size_t(n), 0);
              gone[size_t(r)] = 1;
              break;
            }
        }
      }
      if (!gone.empty()) {
        filtered = true;
        sel.reserve(size_t(n));
        for (int64_t r = 0; r < n; ++r)
          if (!gone[size_t(r)]) sel.push_back(uint32_t(r));
      }
      if (!predicate_.empty() && exact_) {
        Batch view;
        if (filtered) {
          view.schema = out.schema;
          for (const auto& c : out.columns) view.columns.push_back(c.take(sel));
          out = std::move(view);
          filtered = false;
        }
        sel = formats::evaluate_predicate(predicate_, out);
        filtered = int64_t(sel.size()) != out.num_rows();
      }
      if (filtered) {
        Batch taken;
        taken.schema = out.schema;
        for (const auto& c : out.columns) taken.columns.push_back(c.take(sel));
        taken.rows_without_columns = int64_t(sel.size());
        out = std::move(taken);
      }
      // Drop predicate-only columns.
      out.columns.resize(output_count_);
      out.schema.fields.resize(output_count_);
      if (out.columns.empty())
        out.rows_without_columns = filtered || (!predicate_.empty() && exact_) ? int64_t(sel.size()) : n;
      if (out.num_rows() == 0) return true;
      return sink(std::move(out));
    };

    parquet::PruneReport uncounted;
    if (!deleted.empty()) {
      parquet::ParquetPruner pruner(reader, file_pred);
      int64_t first = 0;
      for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
        int64_t rows = reader.metadata().row_groups[size_t(rg)].num_rows;
        auto range = rows_of_part(first, rows, reader.can_read_in_parts(rg, file_fields), part);
        parquet::PruneReport* counts = range && range->begin == 0 ? report : &uncounted;
        if (range && pruner.row_group_may_match(rg, counts)) {
          std::vector<parquet::RowRange> ranges{*range};
          Batch fb = reader.read_row_group(rg, file_fields, &ranges);
          fb.rows_without_columns = range->end - range->begin;
          if (!emit(std::move(fb), first + range->begin, true)) return;
        }
        first += rows;
      }
      return;
    }
    // The scan filters with the pushed terms as it reads, window by window (see
    // ParquetScan::scan_row_group_windows); emit() applies the table's predicate after.
    parquet::ParquetScan scan(reader, file_fields, std::move(file_pred), /*exact=*/true);
    int64_t first = 0;
    for (int rg = 0; rg < scan.num_row_groups(); ++rg) {
      int64_t rows = reader.metadata().row_groups[size_t(rg)].num_rows;
      auto range = rows_of_part(first, rows, reader.can_read_in_parts(rg, file_fields), part);
      first += rows;
      if (!range) continue;
      parquet::PruneReport local;
      parquet::PruneReport* counts = range->begin != 0 ? &uncounted : report ? report : &local;
      bool whole = range->begin == 0 && range->end == rows;
      bool more = scan.scan_row_group_windows(rg, counts, whole ? nullptr : &*range,
                                              kScanWindowRows, [&](Batch&& fb) {
                                                return emit(std::move(fb), 0, false);
                                              });
      if (!more) return;
    }
  } catch (const Error& e) {
    if (std::string_view(e.what()).find(path) != std::string_view::npos) throw;
    throw with_context(e, path);
  }
}

}  // namespace floe::iceberg
