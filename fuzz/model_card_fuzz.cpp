// Model card front matter, metrics documents and dataset declarations over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "rules/model/dataset_declarations.hpp"
#include "rules/model/metrics_document.hpp"
#include "rules/model/model_card_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gate::rules::model;
  std::string text(reinterpret_cast<const char*>(data), size);
  parse_model_card("README.md", text, true);
  parse_model_card("model_card.yaml", text, false);
  try {
    parse_metrics_document("metrics.json", text);
  } catch (const std::runtime_error&) {
  }
  try {
    parse_metrics_document("metrics.yaml", text);
  } catch (const std::runtime_error&) {
  }
  DatasetIndex index;
  add_data_package("datapackage.json", text, index);
  add_dvc_file("data.dvc", text, index);
  add_dvc_file("dvc.lock", text, index);
  return 0;
}
