#pragma once

#include <string_view>

namespace gate::rules::model {

// Whether `id` is a license identifier of the SPDX license list (compared case-insensitively,
// as Hugging Face writes them in lowercase). The list holds the licenses models and datasets
// actually use, not all of SPDX), or one of the Hugging Face Hub's own identifiers (llama3,
// gemma, openrail...).
bool is_spdx_license(std::string_view id);

}  // namespace gate::rules::model
