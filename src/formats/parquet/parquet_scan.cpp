#include "formats/parquet/parquet_scan.h"

#include <algorithm>

namespace floe::parquet {

ParquetScan::ParquetScan(ParquetReader& reader, std::vector<int> fields,
                         formats::ScanPredicate predicate, bool exact)
    : reader_(reader), predicate_(std::move(predicate)), pruner_(reader, predicate_),
      exact_(exact) {
  if (fields.empty())
    for (size_t i = 0; i < reader.schema().fields.size(); ++i) fields.push_back(int(i));
  read_fields_ = fields;
  output_count_ = fields.size();
  for (int f : fields) schema_.fields.push_back(reader.schema().fields[size_t(f)]);
  if (exact_) {
    std::vector<std::string> columns;
    for (const auto& t : predicate_.terms) columns.push_back(t.column);
    for (const auto& k : predicate_.key_filters) columns.push_back(k.column);
    for (const auto& c : columns) {
      int f = reader.schema().find(c);
      FLOE_CHECK(f >= 0, "predicate column '{}' is not in {}", c, reader.path());
      if (std::find(read_fields_.begin(), read_fields_.end(), f) == read_fields_.end())
        read_fields_.push_back(f);
    }
  }
}

bool ParquetScan::rows_to_read(int row_group, PruneReport* report, const RowRange* within,
                               std::vector<RowRange>& ranges) {
  ranges.clear();
  if (!predicate_.empty() && !pruner_.row_group_may_match(row_group, report)) return false;
  int64_t rows = reader_.metadata().row_groups[size_t(row_group)].num_rows;
  if (!predicate_.empty()) {
    ranges = pruner_.select_rows(row_group, report);
    if (ranges.empty()) return false;
  } else {
    if (report) {
      report->row_groups++;
      report->rows_total += rows;
      report->rows_kept += rows;
    }
    if (!within) return true;
    ranges.push_back({0, rows});
  }
  if (within) {
    std::vector<RowRange> part;
    for (const auto& r : ranges) {
      int64_t b = std::max(r.begin, within->begin), e = std::min(r.end, within->end);
      if (e > b) part.push_back({b, e});
    }
    ranges = std::move(part);
    if (ranges.empty()) return false;
  }
  return true;
}

columnar::Batch ParquetScan::filter_and_project(columnar::Batch&& b) const {
  if (!exact_ || predicate_.empty()) return std::move(b);
  columnar::SelectionVector sel = formats::evaluate_predicate(predicate_, b);
  columnar::Batch out;
  out.schema = schema_;
  bool all = int64_t(sel.size()) == b.num_rows();
  for (size_t i = 0; i < output_count_; ++i)
    out.columns.push_back(all ? std::move(b.columns[i]) : b.columns[i].take(sel));
  out.rows_without_columns = int64_t(sel.size());
  return out;
}

columnar::Batch ParquetScan::scan_row_group(int row_group, PruneReport* report,
                                            const RowRange* within) {
  std::vector<RowRange> ranges;
  if (!rows_to_read(row_group, report, within, ranges)) return columnar::Batch::empty_of(schema_);
  columnar::Batch b = reader_.read_row_group(row_group, read_fields_, ranges.empty() ? nullptr : &ranges);
  return filter_and_project(std::move(b));
}

bool ParquetScan::scan_row_group_windows(int row_group, PruneReport* report,
                                         const RowRange* within, int64_t window_rows,
                                         const std::function<bool(columnar::Batch&&)>& sink) {
  FLOE_CHECK(window_rows > 0, "windows of {} rows", window_rows);
  std::vector<RowRange> ranges;
  if (!rows_to_read(row_group, report, within, ranges)) return true;
  const int64_t rows = reader_.metadata().row_groups[size_t(row_group)].num_rows;
  if (ranges.empty()) ranges.push_back({0, rows});
  std::vector<std::unique_ptr<ColumnPageCursor>> cursors;
  for (int f : read_fields_) {
    cursors.push_back(reader_.page_cursor(row_group, f));
    if (!cursors.back()) {
      columnar::Batch b = reader_.read_row_group(row_group, read_fields_, &ranges);
      b = filter_and_project(std::move(b));
      return b.num_rows() == 0 || sink(std::move(b));
    }
  }
  const bool filtering = exact_ && !predicate_.empty();
  const auto& fields = reader_.schema().fields;
  // The predicate by column: each column's terms are tested on its window alone, on the
  // dictionary's values (once per row group) where the window is dictionary indices, and
  // on the window's values otherwise; fixed-width columns first, as they are the cheap ones.
  struct Tested {
    size_t slot;
    columnar::Batch one;  // the schema of the column, for evaluate_predicate
    formats::ScanPredicate terms;
    std::vector<uint8_t> dictionary_passes;  // per dictionary entry, once computed
    bool dictionary_done = false;
  };
  std::vector<Tested> tested;
  // Key filters, by slot: tested after the comparisons, on the rows those leave; on the
  // dictionary's values (once per row group) where the window is dictionary indices and the
  // dictionary is no longer than the rows to read.
  struct Filtered {
    size_t slot;
    const formats::KeyFilter* filter;
    std::vector<uint8_t> dictionary_keeps;  // per dictionary entry, once computed
    bool dictionary_done = false;
  };
  std::vector<Filtered> filtered;
  int64_t rows_to_scan = 0;
  for (const auto& r : ranges) rows_to_scan += r.end - r.begin;
  std::vector<bool> is_predicate(read_fields_.size(), false);
  if (filtering) {
    for (size_t i = 0; i < read_fields_.size(); ++i) {
      const auto& field = fields[size_t(read_fields_[i])];
      Tested t;
      t.slot = i;
      t.one.schema.fields.push_back(field);
      for (const auto& term : predicate_.terms)
        if (term.column == field.name) t.terms.terms.push_back({term.column, term.op, term.values.copy()});
      for (const auto& k : predicate_.key_filters)
        if (k.column == field.name) {
          filtered.push_back({i, &k, {}, false});
          is_predicate[i] = true;
        }
      if (t.terms.terms.empty()) continue;
      is_predicate[i] = true;
      tested.push_back(std::move(t));
    }
    std::stable_partition(tested.begin(), tested.end(), [&](const Tested& t) {
      return !fields[size_t(read_fields_[t.slot])].type.is_variable_width();
    });
  }
  // Output columns returned as dictionary codes where their pages are dictionary indices
  // (the dictionary copied once per row group, when first used).
  std::vector<bool> coded(output_count_, false);
  for (size_t i = 0; i < output_count_; ++i)
    coded[i] = !is_predicate[i] &&
               std::find(predicate_.dictionary_coded.begin(), predicate_.dictionary_coded.end(),
                         fields[size_t(read_fields_[i])].name) != predicate_.dictionary_coded.end();
  std::vector<std::shared_ptr<const columnar::Column>> dictionaries(output_count_);
  Buffer codes;
  columnar::SelectionVector sel;
  std::vector<bool> materialized(read_fields_.size(), false);
  // Windows end where the first tested column's pages do, so that its windows lie in one
  // page (and a dictionary-encoded one is tested by its indices).
  ColumnPageCursor* lead = nullptr;
  if (!tested.empty()) lead = cursors[tested.front().slot].get();
  else if (!filtered.empty()) lead = cursors[filtered.front().slot].get();
  for (const auto& r : ranges) {
    for (int64_t w = r.begin, e = 0; w < r.end; w = e) {
      e = std::min(r.end, w + window_rows);
      if (lead) e = std::min(e, lead->end_of_page_holding(w));
      const int64_t n = e - w;
      std::vector<columnar::Column> cols(read_fields_.size());
      auto read = [&](size_t i) {
        cols[i] = columnar::Column(fields[size_t(read_fields_[i])].type);
        cols[i].reserve(n);
        cursors[i]->append_rows(w, e, cols[i]);
      };
      bool all = true;
      if (filtering) {
        std::fill(materialized.begin(), materialized.end(), false);
        bool started = false;
        for (Tested& t : tested) {
          if (const uint32_t* idx = cursors[t.slot]->window_indices(w, e)) {
            if (!t.dictionary_done) {
              t.one.columns.clear();
              t.one.columns.push_back(cursors[t.slot]->dictionary().copy());
              t.one.rows_without_columns = t.one.columns[0].size();
              t.dictionary_passes.assign(size_t(t.one.columns[0].size()), 0);
              for (uint32_t d : formats::evaluate_predicate(t.terms, t.one)) t.dictionary_passes[d] = 1;
              t.one.columns.clear();
              t.dictionary_done = true;
            }
            const uint8_t* pass = t.dictionary_passes.data();
            size_t k = 0;
            if (!started) {
              sel.resize(size_t(n));
              for (int64_t q = 0; q < n; ++q) {
                sel[k] = uint32_t(q);
                k += pass[idx[q]];
              }
            } else {
              for (size_t j = 0; j < sel.size(); ++j) {
                sel[k] = sel[j];
                k += pass[idx[sel[j]]];
              }
            }
            sel.resize(k);
          } else {
            read(t.slot);
            materialized[t.slot] = true;
            t.one.columns.clear();
            t.one.columns.push_back(std::move(cols[t.slot]));
            t.one.rows_without_columns = n;
            if (!started) sel = formats::evaluate_predicate(t.terms, t.one);
            else formats::narrow_selection(t.terms, t.one, sel);
            cols[t.slot] = std::move(t.one.columns[0]);
            t.one.columns.clear();
          }
          started = true;
          if (sel.empty()) break;
        }
        if (!started) {
          sel.resize(size_t(n));
          for (int64_t q = 0; q < n; ++q) sel[size_t(q)] = uint32_t(q);
        }
        for (Filtered& f : filtered) {
          if (sel.empty()) break;
          const formats::KeyFilter* filter = f.filter;
          const size_t slot = f.slot;
          if (!filter->active()) continue;
          const uint32_t* idx = materialized[slot] ? nullptr : cursors[slot]->window_indices(w, e);
          if (idx && cursors[slot]->dictionary().size() <= rows_to_scan) {
            if (!f.dictionary_done) {
              const columnar::Column& dictionary = cursors[slot]->dictionary();
              f.dictionary_keeps.assign(size_t(dictionary.size()), 1);
              filter->may_match(dictionary, f.dictionary_keeps);
              f.dictionary_done = true;
            }
            const uint8_t* keep = f.dictionary_keeps.data();
            size_t k = 0;
            for (size_t j = 0; j < sel.size(); ++j) {
              sel[k] = sel[j];
              k += keep[idx[sel[j]]];
            }
            sel.resize(k);
            continue;
          }
          // The window's values when it has them or needs them all, else the rows left.
          if (!materialized[slot] && int64_t(sel.size()) == n) {
            read(slot);
            materialized[slot] = true;
          }
          if (materialized[slot]) formats::keep_key_filter_rows(*filter, cols[slot], sel);
          else formats::keep_key_filter_values(*filter, cursors[slot]->take_rows(w, sel), sel);
        }
        if (sel.empty()) continue;
        all = int64_t(sel.size()) == n;
      }
      columnar::Batch out;
      out.schema = schema_;
      for (size_t i = 0; i < output_count_; ++i) {
        const size_t count = all ? size_t(n) : sel.size();
        if (coded[i] &&
            cursors[i]->dictionary_indices(w, all ? nullptr : sel.data(), count, codes)) {
          if (!dictionaries[i])
            dictionaries[i] =
                std::make_shared<const columnar::Column>(cursors[i]->dictionary().copy());
          out.columns.push_back(columnar::Column::dictionary_coded(dictionaries[i],
                                                                   std::move(codes),
                                                                   int64_t(count)));
          codes = Buffer();
          continue;
        }
        if (is_predicate[i] && materialized[i]) {
          out.columns.push_back(all ? std::move(cols[i]) : cols[i].take(sel));
        } else if (all) {
          read(i);
          out.columns.push_back(std::move(cols[i]));
        } else {
          out.columns.push_back(cursors[i]->take_rows(w, sel));
        }
      }
      out.rows_without_columns = all ? n : int64_t(sel.size());
      if (!sink(std::move(out))) return false;
    }
  }
  return true;
}

}  // namespace floe::parquet
