#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/decision.hpp"

namespace gate {

struct RenderOptions {
  bool color = false;  // ANSI colour (text only; only on a TTY and without NO_COLOR)
  std::optional<AttestationRef> attestation;  // where the signed decision went, when signed
};

using RenderFunction = std::function<std::string(const Decision&, const RenderOptions&)>;

// Bytes to append to a file the CI runner owns (GitHub's step summary and outputs files).
struct FileAppend {
  std::string path;
  std::string bytes;
};

// What a format adds beyond its report, as data: the commit stage appends it.
using PublishFunction = std::function<std::vector<FileAppend>(
    const Decision&, const RenderOptions&, const Environment&)>;

struct Reporter {
  std::string name;  // the --format name
  std::string description;
  RenderFunction render;
  PublishFunction publish;  // may be empty
};

// All report formats. Each format lives in its own file and is listed in reporters.cpp.
const std::vector<Reporter>& reporters();
const Reporter* find_reporter(std::string_view name);

std::string render_text(const Decision& report, const RenderOptions& options);
std::string render_json(const Decision& report, const RenderOptions& options);

}  // namespace gate
