#include "rules/code/spdx.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "gate/types/text.hpp"

namespace gate::rules {

namespace {

constexpr size_t kMaxExpressionDepth = 32;

struct Judgement {
  bool allowed = true;
  std::vector<std::string> denied;
};

class ExpressionParser {
 public:
  ExpressionParser(std::string_view text, const std::vector<std::string>& allowed) {
    for (const auto& id : allowed) allowed_.insert(ascii_lower(id));
    std::string token;
    auto flush = [&] {
      if (!token.empty()) tokens_.push_back(std::move(token));
      token.clear();
    };
    for (char c : text) {
      if (c == ' ' || c == '\t') {
        flush();
      } else if (c == '(' || c == ')') {
        flush();
        tokens_.emplace_back(1, c);
      } else {
        token += c;
      }
    }
    flush();
  }

  Judgement parse() {
    if (tokens_.empty()) throw std::invalid_argument("is empty");
    Judgement result = disjunction(0);
    if (next_ < tokens_.size())
      throw std::invalid_argument("has unexpected '" + tokens_[next_] + "'");
    return result;
  }

 private:
  bool peek_operator(std::string_view op) const {
    return next_ < tokens_.size() && ascii_lower(tokens_[next_]) == ascii_lower(op);
  }

  Judgement disjunction(size_t depth) {
    Judgement result = conjunction(depth);
    while (peek_operator("OR")) {
      ++next_;
      Judgement other = conjunction(depth);
      if (result.allowed || other.allowed) {
        result = {true, {}};
      } else {
        result.denied.insert(result.denied.end(), other.denied.begin(), other.denied.end());
      }
    }
    return result;
  }

  Judgement conjunction(size_t depth) {
    Judgement result = atom(depth);
    while (peek_operator("AND")) {
      ++next_;
      Judgement other = atom(depth);
      result.allowed = result.allowed && other.allowed;
      result.denied.insert(result.denied.end(), other.denied.begin(), other.denied.end());
    }
    return result;
  }

  Judgement atom(size_t depth) {
    if (next_ >= tokens_.size()) throw std::invalid_argument("ends too early");
    if (tokens_[next_] == "(") {
      if (depth >= kMaxExpressionDepth) throw std::invalid_argument("is nested too deeply");
      ++next_;
      Judgement inner = disjunction(depth + 1);
      if (next_ >= tokens_.size() || tokens_[next_] != ")") {
        throw std::invalid_argument("has an unclosed '('");
      }
      ++next_;
      return inner;
    }
    std::string license = identifier();
    if (peek_operator("WITH")) {
      ++next_;
      std::string exception = identifier();
      std::string combined = license + " WITH " + exception;
      if (allowed_.count(ascii_lower(combined)) ||
          (allowed_.count(ascii_lower(license)) && allowed_.count(ascii_lower(exception)))) {
        return {true, {}};
      }
      return {false, {combined}};
    }
    if (allowed_.count(ascii_lower(license))) return {true, {}};
    return {false, {license}};
  }

  std::string identifier() {
    if (next_ >= tokens_.size()) throw std::invalid_argument("ends too early");
    const std::string& token = tokens_[next_];
    std::string upper = ascii_lower(token);
    if (token == "(" || token == ")" || upper == "and" || upper == "or" || upper == "with") {
      throw std::invalid_argument("has '" + token + "' where a license id belongs");
    }
    bool valid = std::all_of(token.begin(), token.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '.' || c == '+' || c == ':';
    });
    if (!valid) throw std::invalid_argument("has '" + token + "', which is not a license id");
    ++next_;
    return token;
  }

  std::vector<std::string> tokens_;
  std::set<std::string> allowed_;
  size_t next_ = 0;
};

}  // namespace

bool spdx_expression_allowed(std::string_view expression, const std::vector<std::string>& allowed,
                             std::string* problem) {
  std::string shown(expression.substr(0, 200));
  if (expression.size() > 200) shown += "...";
  try {
    Judgement judgement = ExpressionParser(expression, allowed).parse();
    if (judgement.allowed) return true;
    if (problem) {
      std::string denied;
      for (size_t i = 0; i < judgement.denied.size(); ++i) {
        denied += (i ? ", " : "") + judgement.denied[i];
      }
      if (denied.size() > 200) denied = denied.substr(0, 200) + "...";
      *problem = "license '" + shown + "' is not allowed (" + denied + ")";
    }
  } catch (const std::invalid_argument& e) {
    if (problem) *problem = "SPDX expression '" + shown + "' " + e.what();
  }
  return false;
}

std::vector<std::string> spdx_identifiers(std::string_view text, size_t max_lines) {
  static constexpr std::string_view kTag = "SPDX-License-Identifier:";
  static constexpr std::string_view kClosers[] = {"*/",     "-->", "--%>", "%>", "#}",
                                                  "\"\"\"", "'''", "*)",   "-}", "]]"};
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t line = 0; line < max_lines && start < text.size(); ++line) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    size_t at = content.find(kTag);
    if (at == std::string_view::npos) continue;
    std::string value(trim_blanks(content.substr(at + kTag.size())));
    for (bool stripped = true; stripped;) {
      stripped = false;
      for (std::string_view closer : kClosers) {
        if (value.size() >= closer.size() &&
            std::string_view(value).substr(value.size() - closer.size()) == closer) {
          value = std::string(
              trim_blanks(std::string_view(value).substr(0, value.size() - closer.size())));
          stripped = true;
        }
      }
    }
    out.push_back(value);
  }
  return out;
}

}  // namespace gate::rules
