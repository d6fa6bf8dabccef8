#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// model-card: every folder with a changed model file has a model card (Hugging Face README.md
// front matter or model_card.yaml) holding the required keys and an SPDX license.
RuleType model_card_type();

}  // namespace gate::rules
