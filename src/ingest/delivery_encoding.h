// Base64 (RFC 4648, with padding) for the Firehose protocol's record Data fields and the
// rawData of error records. Layer: ingest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace floe::ingest {

std::string base64_encode(std::string_view bytes);
// nullopt for text that is not base64 (whitespace is not allowed; padding is optional).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace floe::ingest
