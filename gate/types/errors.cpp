#include "gate/types/errors.hpp"

#include <utility>

namespace gate {

namespace {
std::string compose(const std::string& file, uint32_t line, uint32_t column,
                    const std::string& message, const std::string& hint) {
  std::string text;
  if (!file.empty()) {
    text += file;
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on `":" + string`.
    if (line > 0) {
      text += ':';
      text += std::to_string(line);
      if (column > 0) {
        text += ':';
        text += std::to_string(column);
      }
    }
    text += ": ";
  }
  text += message;
  if (!hint.empty()) text += "\n  hint: " + hint;
  return text;
}
}  // namespace

InputError::InputError(std::string file, uint32_t line, uint32_t column, std::string message,
                       std::string hint)
    : std::runtime_error(compose(file, line, column, message, hint)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)),
      hint_(std::move(hint)) {}

InputError::InputError(std::string message, std::string hint)
    : InputError({}, 0, 0, std::move(message), std::move(hint)) {}

std::string InputError::describe() const { return what(); }

}  // namespace gate
