#include "gate/types/severity.hpp"

namespace gate {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::notice:
      return "notice";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "notice") return Severity::notice;
  if (text == "warning") return Severity::warning;
  if (text == "error") return Severity::error;
  return std::nullopt;
}

}  // namespace gate
