#include "ingest/delivery_stream.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "formats/json/json_integer.h"
#include "ingest/delivery_prefix.h"
#include "io/file_io.h"

namespace floe::ingest {

using Json = nlohmann::json;

catalog::TableIdentifier parse_stream_name(std::string_view text) {
  if (text.empty()) throw InvalidInputError("a delivery stream needs a name");
  if (text.find('.') == std::string_view::npos) return {{"default"}, std::string(text)};
  return catalog::TableIdentifier::parse(text);
}

std::string normalize_location_prefix(std::string_view location) {
  if (location.empty()) throw InvalidInputError("the destination location is empty");
  std::string out;
  if (io::location_scheme(location) == "file") {
    std::string path = io::local_path(location);
    out = "file://" + std::filesystem::absolute(path).lexically_normal().string();
  } else {
    out = std::string(location);
  }
  if (out.back() != '/') out += '/';
  return out;
}

std::string DeliveryStreamDefinition::to_json() const {
  Json j;
  if (destination == DestinationKind::kLocation) {
    j["destination"] = {{"type", "location"}, {"location", location}};
  } else {
    j["destination"] = {{"type", "table"}, {"table", table.to_string()}};
  }
  j["prefix"] = prefix;
  j["error_prefix"] = error_prefix;
  j["buffering_hints"] = {{"size_mb", buffer_mb}, {"interval_seconds", buffer_seconds}};
  j["version"] = version;
  return j.dump();
}

DeliveryStreamDefinition DeliveryStreamDefinition::from_json(const catalog::TableIdentifier& id,
                                                             const std::string& text) {
  DeliveryStreamDefinition d;
  d.id = id;
  try {
    Json j = Json::parse(text);
    const Json& dest = j.at("destination");
    if (dest.at("type").get<std::string>() == "table") {
      d.destination = DestinationKind::kTable;
      d.table = catalog::TableIdentifier::parse(dest.at("table").get<std::string>());
    } else {
      d.destination = DestinationKind::kLocation;
      d.location = dest.at("location").get<std::string>();
    }
    d.prefix = j.value("prefix", "");
    d.error_prefix = j.value("error_prefix", "");
    const Json& hints = j.at("buffering_hints");
    d.buffer_mb = formats::json::integer_member<int>(hints, "size_mb", 5, "delivery stream buffering hints");
    d.buffer_seconds = formats::json::integer_member<int>(hints, "interval_seconds", 300, "delivery stream buffering hints");
    d.version = formats::json::integer_member<int64_t>(j, "version", 1, "delivery stream");
  } catch (const Json::exception& e) {
    throw CorruptDataError(fmt::format("delivery stream {}: bad definition in the catalog: {}",
                                       id.to_string(), e.what()));
  }
  return d;
}

void DeliveryStreamDefinition::validate() const {
  if (buffer_mb < 1 || buffer_mb > 128)
    throw InvalidInputError(
        fmt::format("delivery stream {}: buffer size {} MiB is outside 1..128", name(), buffer_mb));
  if (buffer_seconds < 0 || buffer_seconds > 900)
    throw InvalidInputError(fmt::format(
        "delivery stream {}: buffer interval {} s is outside 0..900", name(), buffer_seconds));
  if (destination == DestinationKind::kTable && !prefix.empty())
    throw InvalidInputError(fmt::format(
        "delivery stream {}: a table destination takes no --prefix (its files are the table's)",
        name()));
  if (destination == DestinationKind::kLocation && location.empty())
    throw InvalidInputError(fmt::format("delivery stream {}: no destination location", name()));
  if (!error_prefix.empty() &&
      error_prefix.find("!{firehose:error-output-type}") == std::string::npos &&
      prefix_has_expressions(prefix))
    throw InvalidInputError(fmt::format(
        "delivery stream {}: the error prefix must use !{{firehose:error-output-type}} when the "
        "prefix has expressions",
        name()));
  if (error_prefix.empty()) (void)default_error_prefix(prefix);  // throws when one is required
  // Evaluate both once so that a bad expression is refused at creation, not at delivery.
  auto random = seeded_random_string(0);
  (void)evaluate_prefix(effective_prefix(prefix), 0, random);
  (void)evaluate_prefix(error_prefix.empty() ? default_error_prefix(prefix) : error_prefix, 0,
                        random, "format-conversion-failed");
}

bool put_delivery_stream(catalog::SqlCatalog& catalog, DeliveryStreamDefinition def,
                         catalog::ObjectWrite mode) {
  def.validate();
  if (!catalog.namespace_exists(def.id.namespace_levels))
    catalog.create_namespace(def.id.namespace_levels, {}, true);
  catalog::ObjectStore store(catalog);
  if (mode == catalog::ObjectWrite::kReplace) {
    if (auto old = store.get(kDeliveryStreamKind, def.id))
      def.version = DeliveryStreamDefinition::from_json(def.id, old->definition).version + 1;
  }
  return store.put(kDeliveryStreamKind, def.id, def.to_json(), mode);
}

std::optional<DeliveryStreamDefinition> get_delivery_stream(catalog::SqlCatalog& catalog,
                                                            const catalog::TableIdentifier& id) {
  catalog::ObjectStore store(catalog);
  auto o = store.get(kDeliveryStreamKind, id);
  if (!o) return std::nullopt;
  return DeliveryStreamDefinition::from_json(id, o->definition);
}

std::vector<DeliveryStreamDefinition> list_delivery_streams(catalog::SqlCatalog& catalog) {
  catalog::ObjectStore store(catalog);
  std::vector<DeliveryStreamDefinition> out;
  for (const auto& o : store.list(kDeliveryStreamKind, std::nullopt))
    out.push_back(DeliveryStreamDefinition::from_json(o.id, o.definition));
  return out;
}

bool drop_delivery_stream(catalog::SqlCatalog& catalog, const catalog::TableIdentifier& id) {
  catalog::ObjectStore store(catalog);
  return store.remove(kDeliveryStreamKind, id);
}

}  // namespace floe::ingest
