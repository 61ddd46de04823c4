// Arrow C Data Interface: hands floe's columns to Arrow consumers (pyarrow, DuckDB)
// without copying the values, and takes Arrow arrays in. Layer: columnar.
// The two structs are the ABI fixed by the Arrow specification.
#pragma once

#include <cstdint>

#include "columnar/batch.h"

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4
extern "C" {
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};
}
#endif

namespace floe::columnar {

// Arrow format string of a type ("l", "u", "d:10,2", "tsu:UTC", "+s", ...).
std::string arrow_format(const DataType& type);

// Moves `column` into `out_array` (buffers are handed over, not copied; booleans are
// bit-packed on the way) and describes it in `out_schema` under `field`'s name.
void export_column(Column column, const Field& field, ArrowArray* out_array,
                   ArrowSchema* out_schema);
// Exports a batch as a struct array, the form pyarrow's RecordBatch._import_from_c takes.
void export_batch(Batch batch, ArrowArray* out_array, ArrowSchema* out_schema);

// Copies an Arrow array into floe's layout and releases nothing (the caller still owns
// the inputs). Throws UnsupportedError for Arrow types floe has no type for.
Field import_field(const ArrowSchema* schema);
Column import_column(const ArrowArray* array, const ArrowSchema* schema);
Batch import_batch(const ArrowArray* array, const ArrowSchema* schema);

}  // namespace floe::columnar
