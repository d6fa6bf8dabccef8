#include "rules/process/codeowners.hpp"

#include <algorithm>
#include <stdexcept>

#include "gate/types/errors.hpp"
#include "gate/types/text.hpp"
#include "rules/process/approvals.hpp"

namespace gate::rules {

namespace {

constexpr uint32_t kMaxSectionApprovals = 100;

struct Token {
  std::string text;
  size_t column = 0;  // 1-based byte column in the line
};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

// Splits on unescaped blanks; a token starting with an unescaped '#' starts a comment.
// Backslash escapes are kept in the token (the glob reads them).
std::vector<Token> tokenize(std::string_view line, size_t from) {
  std::vector<Token> tokens;
  size_t i = from;
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size() || line[i] == '#') break;
    Token token;
    token.column = i + 1;
    while (i < line.size() && !blank(line[i])) {
      if (line[i] == '\\' && i + 1 < line.size()) token.text += line[i++];
      token.text += line[i++];
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

bool owner_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// Empty when valid, else what is wrong with it.
std::string check_owner(const std::string& owner) {
  const std::string hint = " (write @user, @org/team, @@role or an email address)";
  if (owner.rfind("@@", 0) == 0) {
    std::string_view role = std::string_view(owner).substr(2);
    if (role.empty() || !std::all_of(role.begin(), role.end(), owner_char)) {
      return "'" + owner + "' is not a valid role" + hint;
    }
    return {};
  }
  if (owner.front() == '@') {
    std::string_view name = std::string_view(owner).substr(1);
    bool ok =
        !name.empty() && name.front() != '/' && name.back() != '/' &&
        name.find("//") == std::string_view::npos &&
        std::all_of(name.begin(), name.end(), [](char c) { return owner_char(c) || c == '/'; });
    if (!ok) return "'" + owner + "' is not a valid user or team" + hint;
    return {};
  }
  size_t at = owner.find('@');
  bool email = at != std::string::npos && at > 0 && owner.find('@', at + 1) == std::string::npos &&
               owner.find('.', at) != std::string::npos && owner.back() != '.' &&
               std::none_of(owner.begin(), owner.end(), [](unsigned char c) {
                 return c < 0x21 || c == 0x7f || c == '<' || c == '>' || c == ',';
               });
  if (!email) return "'" + owner + "' is not an owner" + hint;
  return {};
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& path) : text_(text) { result_.path = path; }

  Codeowners parse() {
    result_.sections.push_back({});
    current_ = 0;
    for_each_line(text_,
                  [this](std::string_view line, uint32_t number) { parse_line(line, number); });
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail(uint32_t line, size_t column, std::string message) const {
    // A hostile line may be megabytes long: never echo more than a line's worth of it.
    if (message.size() > 300) message = message.substr(0, 300) + "...";
    throw InputError(result_.path, line, static_cast<uint32_t>(column), message,
                     "CODEOWNERS is read from the base revision; fix the line there "
                     "(docs/rules/codeowners-approval.md describes the syntax Gate accepts)");
  }

  std::vector<std::string> owners(const std::vector<Token>& tokens, size_t first, uint32_t line) {
    std::vector<std::string> out;
    for (size_t i = first; i < tokens.size(); ++i) {
      std::string problem = check_owner(tokens[i].text);
      if (!problem.empty()) fail(line, tokens[i].column, problem);
      out.push_back(tokens[i].text);
    }
    return out;
  }

  void parse_line(std::string_view line, uint32_t number) {
    size_t i = 0;
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size() || line[i] == '#') return;
    if (line[i] == '[' || (line[i] == '^' && i + 1 < line.size() && line[i + 1] == '[')) {
      parse_section(line, i, number);
      return;
    }
    std::vector<Token> tokens = tokenize(line, i);
    Token pattern = tokens.front();
    bool exclusion = pattern.text.front() == '!';
    if (exclusion) {
      pattern.text.erase(0, 1);
      if (pattern.text.empty()) fail(number, pattern.column, "'!' without a pattern to exclude");
      if (tokens.size() > 1) {
        fail(number, tokens[1].column,
             "an exclusion ('!" + pattern.text +
                 "') takes no owners: it removes the paths from the section's approval");
      }
    }
    if (pattern.text.find('\0') != std::string::npos) {
      fail(number, pattern.column, "pattern contains a NUL byte");
    }
    CodeownersSection& section = result_.sections[current_];
    std::vector<std::string> line_owners;
    if (!exclusion) {
      line_owners = owners(tokens, 1, number);
      if (line_owners.empty()) line_owners = section.default_owners;
    }
    try {
      CodeownersEntry entry{
          pattern.text, number, std::move(line_owners), Glob(pattern.text), false, 0, exclusion};
      std::string body = pattern.text.front() == '/' ? pattern.text.substr(1) : pattern.text;
      size_t slash = body.rfind('/');
      if (slash != std::string::npos && body.substr(slash) == "/*" &&
          body.find("**") == std::string::npos) {
        entry.direct_children_only = true;
        entry.depth = static_cast<size_t>(std::count(body.begin(), body.end(), '/')) + 1;
      } else if (body == "*" && pattern.text.front() == '/') {
        entry.direct_children_only = true;
        entry.depth = 1;
      }
      section.entries.push_back(std::move(entry));
    } catch (const std::invalid_argument& e) {
      fail(number, pattern.column, e.what());
    }
  }

  void parse_section(std::string_view line, size_t i, uint32_t number) {
    size_t header_column = i + 1;
    bool optional = false;
    if (line[i] == '^') {
      optional = true;
      ++i;
    }
    size_t close = line.find(']', i + 1);
    if (close == std::string_view::npos) {
      fail(number, header_column, "section header has no closing ']'");
    }
    std::string name(line.substr(i + 1, close - i - 1));
    auto trimmed = [](std::string s) {
      while (!s.empty() && blank(s.back())) s.pop_back();
      size_t b = 0;
      while (b < s.size() && blank(s[b])) ++b;
      return s.substr(b);
    };
    name = trimmed(name);
    if (name.empty()) fail(number, header_column, "section header has an empty name");
    i = close + 1;
    uint32_t approvals = 1;
    if (i < line.size() && line[i] == '[') {
      size_t count_close = line.find(']', i + 1);
      if (count_close == std::string_view::npos) {
        fail(number, i + 1, "approval count has no closing ']'");
      }
      std::string_view digits = line.substr(i + 1, count_close - i - 1);
      bool numeric =
          !digits.empty() && digits.size() <= 4 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      uint32_t value = numeric ? static_cast<uint32_t>(std::stoul(std::string(digits))) : 0;
      if (!numeric || value < 1 || value > kMaxSectionApprovals) {
        fail(number, i + 2,
             "approval count '" + std::string(digits) + "' must be a whole number from 1 to " +
                 std::to_string(kMaxSectionApprovals));
      }
      approvals = value;
      i = count_close + 1;
    }
    if (i < line.size() && !blank(line[i]) && line[i] != '#') {
      fail(number, i + 1, "unexpected text after the section header");
    }
    std::vector<std::string> defaults = owners(tokenize(line, i), 0, number);
    // GitLab combines sections of the same name (case-insensitive); the first header's
    // optionality and approval count stay.
    std::string key = ascii_lower(name);
    for (size_t s = 1; s < result_.sections.size(); ++s) {
      if (ascii_lower(result_.sections[s].name) == key) {
        current_ = s;
        result_.sections[s].default_owners = std::move(defaults);
        return;
      }
    }
    CodeownersSection section;
    section.name = name;
    section.line = number;
    section.optional = optional;
    section.approvals = approvals;
    section.default_owners = std::move(defaults);
    result_.sections.push_back(std::move(section));
    current_ = result_.sections.size() - 1;
  }

  std::string_view text_;
  Codeowners result_;
  size_t current_ = 0;
};

}  // namespace

bool CodeownersEntry::matches(std::string_view path) const {
  if (!glob.matches(path)) return false;
  if (!direct_children_only) return true;
  return static_cast<size_t>(std::count(path.begin(), path.end(), '/')) + 1 == depth;
}

Codeowners parse_codeowners(std::string_view text, const std::string& path) {
  return Parser(text, path).parse();
}

std::vector<CodeownersMatch> match_codeowners(const Codeowners& codeowners, std::string_view path) {
  std::vector<CodeownersMatch> out;
  for (const auto& section : codeowners.sections) {
    bool excluded = std::any_of(section.entries.begin(), section.entries.end(),
                                [&](const auto& e) { return e.exclusion && e.matches(path); });
    if (excluded) continue;
    for (auto it = section.entries.rbegin(); it != section.entries.rend(); ++it) {
      if (!it->exclusion && it->matches(path)) {
        out.push_back({&section, &*it});
        break;
      }
    }
  }
  return out;
}

const std::vector<std::string>& codeowners_locations() {
  static const std::vector<std::string> locations = {".github/CODEOWNERS", "CODEOWNERS",
                                                     "docs/CODEOWNERS", ".gitlab/CODEOWNERS"};
  return locations;
}

// GitHub ignores a CODEOWNERS file larger than 3 MB; Gate refuses it rather than guessing.
constexpr uint64_t kMaxCodeownersBytes = 3'000'000;

std::optional<Codeowners> read_codeowners(const BlobSource& blobs,
                                          const std::vector<std::string>& where) {
  for (const auto& path : where) {
    std::optional<std::string> text;
    try {
      text = blobs.read(Tree::base, path, kMaxCodeownersBytes);
    } catch (const RuleError&) {
      throw InputError(path, 0, 0, "CODEOWNERS is larger than 3 MB",
                       "GitHub ignores such a file too; split ownership into fewer, broader "
                       "patterns");
    }
    if (text) return parse_codeowners(*text, path);
  }
  return std::nullopt;
}

std::vector<std::string> all_owners_of(const Codeowners& codeowners, std::string_view path) {
  std::vector<std::string> owners;
  for (const auto& match : match_codeowners(codeowners, path)) {
    for (const auto& owner : match.entry->owners) {
      if (std::find(owners.begin(), owners.end(), owner) == owners.end()) owners.push_back(owner);
    }
  }
  return owners;
}

}  // namespace gate::rules
