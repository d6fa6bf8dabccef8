#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/engine/context.hpp"
#include "gate/report/report.hpp"

namespace gate {

struct RenderOptions {
  bool color = false;  // ANSI colour (text only; only on a TTY and without NO_COLOR)
};

using RenderFunction = std::function<std::string(const Report&, const RenderOptions&)>;

// Side effects a format has beyond its report (e.g. GitHub's step summary and outputs files).
using PublishFunction = std::function<void(const Report&, const Environment&)>;

struct Reporter {
  std::string name;  // the --format name
  std::string description;
  RenderFunction render;
  PublishFunction publish;  // may be empty
};

// All report formats. Each format lives in its own file and is listed in reporters.cpp.
const std::vector<Reporter>& reporters();
const Reporter* find_reporter(std::string_view name);

std::string render_text(const Report& report, const RenderOptions& options);
std::string render_json(const Report& report, const RenderOptions& options);

}  // namespace gate
