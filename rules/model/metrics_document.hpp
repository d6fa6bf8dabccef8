#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace gate::rules::model {

// A metrics file (JSON, or YAML when the name ends in .yaml/.yml) as a JSON value. Throws
// std::runtime_error with a readable reason for invalid or too deeply nested content.
nlohmann::json parse_metrics_document(const std::string& path, const std::string& text);

// The value at `key`: a literal key first, else dotted segments through nested objects
// (`eval.accuracy` finds {"eval": {"accuracy": ...}} and {"eval.accuracy": ...}).
const nlohmann::json* find_metric(const nlohmann::json& document, const std::string& key);

// Shortest text that reads back as the same double.
std::string format_number(double value);

}  // namespace gate::rules::model
