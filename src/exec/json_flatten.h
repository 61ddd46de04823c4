// FLATTEN's row expansion for the binder's table function: one VARIANT value in, Snowflake's
// KEY, PATH, INDEX, VALUE and THIS columns out (SEQ is the caller's: one number per input
// row). Layer: exec (called by the operator the binder plans for LATERAL FLATTEN(..)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "columnar/column.h"
#include "exec/json_path.h"

namespace floe::exec {

// The output columns rows are appended to, one value each per row.
struct FlattenRows {
  columnar::Column key;         // VARCHAR: the member's key; NULL for array elements
  columnar::Column path;        // VARCHAR: the element's path from the input, `a.b[0]`
  columnar::Column index;       // BIGINT: the element's index; NULL for object members
  columnar::Column value;       // VARIANT text: the element
  columnar::Column this_value;  // VARIANT text (Snowflake's THIS): the container flattened

  FlattenRows();
  int64_t size() const { return key.size(); }
};

// Which containers FLATTEN expands (its MODE argument).
enum class FlattenMode : uint8_t { kBoth, kObject, kArray };

// Appends the rows Snowflake's FLATTEN(INPUT => json, PATH => path, OUTER => outer,
// RECURSIVE => recursive, MODE => mode) gives for one input value: a row per member of the
// object or element of the array `path` leads to, in order; with `recursive` each member
// that is itself a container (of a kind `mode` expands) is followed by its own rows,
// depth first. When nothing is expanded (the path is missing, leads to a scalar or JSON null,
// or to an empty container) there are no rows, or with `outer` one row with NULL KEY, INDEX
// and VALUE, PATH the path, and THIS the empty container (NULL when the path is missing or
// leads to a value `mode` does not expand). Throws
// InvalidInputError when `json` is not VARIANT text or `path` is malformed. For a SQL NULL
// input the caller calls flatten_null instead.
void flatten_json(std::string_view json, const JsonPath& path, bool outer, bool recursive,
                  FlattenRows& out, FlattenMode mode = FlattenMode::kBoth);
// As above with the path given as text (compiled on each call: a caller flattening many
// rows compiles the path once with JsonPath::parse).
void flatten_json(std::string_view json, const std::string& path, bool outer, bool recursive,
                  FlattenRows& out, FlattenMode mode = FlattenMode::kBoth);

// The rows for a SQL NULL input: none, or with `outer` one row of NULLs but PATH.
void flatten_null(const JsonPath& path, bool outer, FlattenRows& out);

// The MODE argument's text ('OBJECT', 'ARRAY', 'BOTH', any case); InvalidInputError otherwise.
FlattenMode parse_flatten_mode(std::string_view text);

}  // namespace floe::exec
