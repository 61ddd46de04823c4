// floe's C entry points for Python (and any Arrow consumer): read a file into Arrow C Data
// Interface structs without copying the values, and take Arrow data back in. Layer:
// interfaces. Built as the shared library libfloe_arrow; the Python module will load it.
// Every function returns 0 on success, or -1 with the message from floe_last_error().
#include <cstring>
#include <string>

#include "base/error.h"
#include "columnar/arrow_c_data.h"
#include "formats/batch_file.h"
#include "formats/parquet/parquet_reader.h"

namespace {

thread_local std::string last_error;

template <typename F>
int guarded(F&& f) {
  try {
    f();
    return 0;
  } catch (const floe::Error& e) {
    last_error = std::string(floe::error_kind_name(e.kind())) + ": " + e.what();
  } catch (const std::exception& e) {
    last_error = std::string("internal error: ") + e.what();
  }
  return -1;
}

}  // namespace

extern "C" {

const char* floe_last_error() { return last_error.c_str(); }

// Reads one row group of a Parquet file (all columns) as an Arrow struct array; the caller
// owns the exported structs and releases them (pyarrow does so when it imports them).
int floe_read_parquet_row_group(const char* path, int row_group, ArrowArray* out_array,
                                ArrowSchema* out_schema) {
  return guarded([&] {
    auto reader = floe::parquet::ParquetReader::open(path);
    if (row_group < 0 || row_group >= reader->num_row_groups())
      throw floe::InvalidInputError(path + std::string(": no row group ") +
                                    std::to_string(row_group));
    floe::columnar::export_batch(reader->read_row_group(row_group), out_array, out_schema);
  });
}

int floe_parquet_row_groups(const char* path, int* out_count) {
  return guarded([&] { *out_count = floe::parquet::ParquetReader::open(path)->num_row_groups(); });
}

// Writes an Arrow struct array (a record batch) to a file in the format its extension
// names (Parquet, CSV, NDJSON). The inputs stay owned by the caller.
int floe_write_batch(const char* path, const ArrowArray* array, const ArrowSchema* schema) {
  return guarded([&] {
    floe::columnar::Batch batch = floe::columnar::import_batch(array, schema);
    auto writer = floe::formats::create_batch_writer(path, batch.schema);
    writer->write(batch);
    writer->close();
  });
}

}  // extern "C"
