#include "exec/variant_value_arg.h"

#include <fmt/format.h>

#include "base/error.h"
#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/json_text.h"

namespace floe::exec {

using columnar::DataType;
using columnar::TypeId;

DataType value_arg_type(const DataType& t) {
  if (t.is_nested()) return t;
  return value_type(t);
}

bool text_or_null(const DataType& t) { return is_text(t) || t.id() == TypeId::kNull; }

ValueArg::ValueArg(const ScalarArgs& a, size_t i, std::string_view fn)
    : col_(*a.columns[i]), fn_(fn), arg_(i + 1), text_(is_text(col_.type())) {
  if (is_constant(a, i) && a.rows > 0) {
    constant_ = true;
    append_row(0, cached_);
  }
}

void ValueArg::append_row(int64_t row, std::string& out) const {
  if (col_.is_null(row)) {
    out += "null";
  } else if (!text_) {
    append_variant(col_, row, out);
  } else {
    std::string_view v = col_.string_at(row);
    JsonSyntaxError err;
    if (!normalize_json(v, out, &err, true))
      throw InvalidInputError(fmt::format(
          "{}: argument {} '{}' is not VARIANT text (JSON): {}; a SQL string becomes a "
          "VARIANT through to_variant()",
          fn_, arg_, shown_value(v), err.text()));
  }
}

}  // namespace floe::exec
