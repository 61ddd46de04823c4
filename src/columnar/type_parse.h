// Parsing SQL-style type names and column lists ("id BIGINT NOT NULL, name VARCHAR,
// price DECIMAL(10,2), tags LIST(VARCHAR), address STRUCT(city VARCHAR, zip INT)") into
// floe types and schemas: what `floe table create --schema` and later DDL read. The
// names DataType::to_string prints, and Iceberg's (long, string, timestamptz), are
// accepted. Layer: columnar.
#pragma once

#include <string_view>

#include "columnar/data_type.h"

namespace floe::columnar {

// Throws InvalidInputError naming the position and what was expected.
DataType parse_data_type(std::string_view text);
Schema parse_column_list(std::string_view text);

}  // namespace floe::columnar
