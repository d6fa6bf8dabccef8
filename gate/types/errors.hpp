#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace gate {

// Input Gate cannot use: a malformed policy, an unknown revision, an unreadable file.
// Always exit code 2, printed as `file:line:col: message` followed by the hint.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, uint32_t line, uint32_t column, std::string message,
             std::string hint = {});
  explicit InputError(std::string message, std::string hint = {});

  const std::string& file() const { return file_; }
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }
  // `file:line:col: message` (the parts that are known), then `\n  hint: ...`.
  std::string describe() const;

 private:
  std::string file_;
  uint32_t line_ = 0;
  uint32_t column_ = 0;
  std::string message_;
  std::string hint_;
};

// A rule that could not evaluate (as opposed to one that found something). Never a silent pass:
// the engine turns it into exit code 2.
class RuleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gate
