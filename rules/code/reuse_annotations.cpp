#include "rules/code/reuse_annotations.hpp"

#include <re2/re2.h>

#include <toml++/toml.h>
#include <optional>

#include "gate/types/errors.hpp"
#include "gate/types/text.hpp"

namespace gate::rules {

namespace {

constexpr size_t kMaxFileBytes = 4 << 20;
const std::string kTomlPath = "REUSE.toml";
const std::string kDep5Path = ".reuse/dep5";
const char* kTomlHint = "see https://reuse.software/spec-3.3/#reusetoml";
const char* kDep5Hint =
    ".reuse/dep5 is in the Debian copyright format 1.0 (`Field: value` lines, continuation lines "
    "start with a space, paragraphs are separated by a blank line); `reuse convert-dep5` turns it "
    "into REUSE.toml";

enum class GlobDialect { reuse_toml, dep5 };

// The glob as an anchored RE2 program over bytes. Returns nullopt for a dangling backslash.
std::optional<std::string> glob_regex(std::string_view glob, GlobDialect dialect) {
  std::string regex;
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '\\') {
      if (i + 1 == glob.size()) return std::nullopt;
      regex += RE2::QuoteMeta(std::string_view(&glob[++i], 1));
    } else if (c == '*' && dialect == GlobDialect::reuse_toml) {
      bool double_star = i + 1 < glob.size() && glob[i + 1] == '*';
      regex += double_star ? ".*" : "[^/]*";
      if (double_star) ++i;
    } else if (c == '*') {
      regex += ".*";
    } else if (c == '?' && dialect == GlobDialect::dep5) {
      regex += ".";
    } else {
      regex += RE2::QuoteMeta(std::string_view(&c, 1));
    }
  }
  return regex;
}

std::shared_ptr<const re2::RE2> compile_globs(const std::vector<std::string>& globs,
                                              GlobDialect dialect, std::string* problem) {
  std::string alternatives;
  for (const auto& glob : globs) {
    std::optional<std::string> regex = glob_regex(glob, dialect);
    if (!regex) {
      *problem = "pattern '" + glob.substr(0, 200) + "' ends with a lone backslash";
      return nullptr;
    }
    alternatives += (alternatives.empty() ? "(?:" : "|(?:") + *regex + ")";
  }
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);  // paths are bytes, not always UTF-8
  options.set_dot_nl(true);
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  auto program = std::make_shared<const re2::RE2>(alternatives, options);
  if (!program->ok()) {
    *problem = "patterns cannot be compiled: " + program->error().substr(0, 200);
    return nullptr;
  }
  return program;
}

std::optional<std::string> read_limited(const BlobSource& blobs, const std::string& path) {
  try {
    return blobs.read(Tree::head, path, kMaxFileBytes);
  } catch (const RuleError&) {
    throw InputError(path, 0, 0, path + " is larger than 4 MiB",
                     "keep REUSE annotations short: one glob covers a whole folder");
  }
}

// One `Field: value` of a dep5 paragraph, continuation lines joined with '\n'.
struct Dep5Field {
  std::string name;
  std::string value;
  uint32_t line = 0;
};

class Dep5Reader {
 public:
  Dep5Reader(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  std::vector<ReuseAnnotation> read() {
    for_each_line(text_,
                  [this](std::string_view line, uint32_t number) { read_line(line, number); });
    finish_paragraph();
    return std::move(annotations_);
  }

 private:
  [[noreturn]] void fail(uint32_t line, uint32_t column, std::string message) const {
    throw InputError(path_, line, column, std::move(message), kDep5Hint);
  }

  void read_line(std::string_view line, uint32_t number) {
    if (!line.empty() && line.front() == '#') return;
    if (trim_blanks(line).empty()) {
      finish_paragraph();
      return;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (paragraph_.empty()) fail(number, 1, "a continuation line with no field before it");
      std::string_view more = trim_blanks(line);
      paragraph_.back().value += '\n';
      if (more != ".") paragraph_.back().value += more;  // " ." stands for an empty line
      return;
    }
    size_t colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? "" : line.substr(0, colon);
    if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) {
      std::string shown(line.substr(0, 80));
      fail(number, 1, "'" + shown + "' is not a `Field: value` line");
    }
    for (const auto& field : paragraph_) {
      if (ascii_lower(field.name) == ascii_lower(name)) {
        fail(number, 1, "field '" + std::string(name) + "' appears twice in one paragraph");
      }
    }
    paragraph_.push_back(
        {std::string(name), std::string(trim_blanks(line.substr(colon + 1))), number});
  }

  const Dep5Field* field(std::string_view name) const {
    for (const auto& f : paragraph_) {
      if (ascii_lower(f.name) == ascii_lower(name)) return &f;
    }
    return nullptr;
  }

  void finish_paragraph() {
    if (paragraph_.empty()) return;
    const Dep5Field* files = field("Files");
    const Dep5Field* license = field("License");
    if (files && license) {
      std::string expression(trim_blanks(license->value.substr(0, license->value.find('\n'))));
      if (expression.empty()) {
        fail(license->line, 1, "the License field of a Files paragraph has no license expression");
      }
      std::vector<std::string> globs;
      size_t at = 0;
      while ((at = files->value.find_first_not_of(" \t\n", at)) != std::string::npos) {
        size_t end = files->value.find_first_of(" \t\n", at);
        globs.push_back(files->value.substr(at, end == std::string::npos ? end : end - at));
        at = end;
      }
      if (globs.empty()) fail(files->line, 1, "the Files field lists no pattern");
      std::string problem;
      ReuseAnnotation annotation;
      annotation.paths = compile_globs(globs, GlobDialect::dep5, &problem);
      if (!annotation.paths) fail(files->line, 1, problem);
      annotation.license = std::move(expression);
      annotation.precedence = ReusePrecedence::aggregate;
      annotation.source = path_;
      annotation.line = paragraph_.front().line;
      annotations_.push_back(std::move(annotation));
    }
    paragraph_.clear();
  }

  std::string_view text_;
  const std::string& path_;
  std::vector<Dep5Field> paragraph_;
  std::vector<ReuseAnnotation> annotations_;
};

}  // namespace

bool ReuseAnnotation::matches(std::string_view path) const {
  return paths && RE2::FullMatch(path, *paths);
}

std::vector<ReuseAnnotation> parse_reuse_toml(std::string_view text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path, e.source().begin.line, e.source().begin.column,
                     "invalid TOML: " + std::string(e.description()), kTomlHint);
  }
  std::vector<ReuseAnnotation> out;
  const toml::array* annotations = table["annotations"].as_array();
  if (!annotations) return out;
  for (const auto& node : *annotations) {
    const toml::table* entry = node.as_table();
    if (!entry) continue;
    auto fail = [&](const std::string& what) {
      throw InputError(path, entry->source().begin.line, entry->source().begin.column, what,
                       "an annotation has path (string or list), SPDX-License-Identifier and "
                       "optionally precedence");
    };
    std::vector<std::string> globs;
    if (auto single = (*entry)["path"].value<std::string>()) {
      globs.push_back(*single);
    } else if (const toml::array* list = (*entry)["path"].as_array()) {
      for (const auto& item : *list) {
        auto value = item.value<std::string>();
        if (!value) fail("annotation `path` entries must be strings");
        globs.push_back(*value);
      }
    } else {
      fail("annotation has no `path`");
    }
    auto license = (*entry)["SPDX-License-Identifier"].value<std::string>();
    if (!license) continue;  // copyright-only annotations say nothing about the license
    ReuseAnnotation annotation;
    std::string problem;
    annotation.paths = compile_globs(globs, GlobDialect::reuse_toml, &problem);
    if (!annotation.paths) fail(problem);
    annotation.license = *license;
    annotation.source = path;
    annotation.line = static_cast<uint32_t>(entry->source().begin.line);
    std::string precedence = (*entry)["precedence"].value_or(std::string("closest"));
    if (precedence == "closest") {
      annotation.precedence = ReusePrecedence::closest;
    } else if (precedence == "aggregate") {
      annotation.precedence = ReusePrecedence::aggregate;
    } else if (precedence == "override") {
      annotation.precedence = ReusePrecedence::override;
    } else {
      fail("precedence must be closest, aggregate or override");
    }
    out.push_back(std::move(annotation));
  }
  return out;
}

std::vector<ReuseAnnotation> parse_dep5(std::string_view text, const std::string& path) {
  return Dep5Reader(text, path).read();
}

std::vector<ReuseAnnotation> read_reuse_annotations(const BlobSource& blobs) {
  std::optional<std::string> toml_text = read_limited(blobs, kTomlPath);
  std::optional<std::string> dep5_text = read_limited(blobs, kDep5Path);
  if (toml_text && dep5_text) {
    throw InputError(kDep5Path, 0, 0, "both REUSE.toml and .reuse/dep5 exist; REUSE allows one",
                     "move the .reuse/dep5 entries into REUSE.toml (`reuse convert-dep5`) and "
                     "delete .reuse/dep5");
  }
  if (toml_text) return parse_reuse_toml(*toml_text, kTomlPath);
  if (dep5_text) return parse_dep5(*dep5_text, kDep5Path);
  return {};
}

}  // namespace gate::rules
