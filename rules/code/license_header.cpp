#include "rules/code/license_header.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <optional>
#include <set>

#include "gate/types/errors.hpp"

namespace gate::rules {

namespace {

constexpr size_t kMaxExpressionDepth = 32;
constexpr size_t kHeadBytes = 64 * 1024;  // the header is near the top; never read more

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

struct Judgement {
  bool allowed = true;
  std::vector<std::string> denied;
};

class ExpressionParser {
 public:
  ExpressionParser(std::string_view text, const std::vector<std::string>& allowed) {
    for (const auto& id : allowed) allowed_.insert(lower(id));
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
    return next_ < tokens_.size() && lower(tokens_[next_]) == lower(op);
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
      if (allowed_.count(lower(combined)) ||
          (allowed_.count(lower(license)) && allowed_.count(lower(exception)))) {
        return {true, {}};
      }
      return {false, {combined}};
    }
    if (allowed_.count(lower(license))) return {true, {}};
    return {false, {license}};
  }

  std::string identifier() {
    if (next_ >= tokens_.size()) throw std::invalid_argument("ends too early");
    const std::string& token = tokens_[next_];
    std::string upper = lower(token);
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

std::string trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// A REUSE.toml annotation: files matching `paths` have `license`.
struct Annotation {
  GlobList paths;
  std::string license;
  std::string precedence;  // closest (default), aggregate, override
};

std::vector<Annotation> read_reuse_toml(const BlobSource& blobs) {
  const std::string path = "REUSE.toml";
  std::optional<std::string> text;
  try {
    text = blobs.read(Tree::head, path, 4 << 20);
  } catch (const RuleError&) {
    throw InputError(path, 0, 0, "REUSE.toml is larger than 4 MiB");
  }
  std::vector<Annotation> out;
  if (!text) return out;
  toml::table table;
  try {
    table = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path, e.source().begin.line, e.source().begin.column,
                     "invalid TOML: " + std::string(e.description()),
                     "see https://reuse.software/spec-3.3/#reusetoml");
  }
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
    std::vector<std::string> patterns;
    if (auto single = (*entry)["path"].value<std::string>()) {
      patterns.push_back(*single);
    } else if (const toml::array* list = (*entry)["path"].as_array()) {
      for (const auto& item : *list) {
        auto value = item.value<std::string>();
        if (!value) fail("annotation `path` entries must be strings");
        patterns.push_back(*value);
      }
    } else {
      fail("annotation has no `path`");
    }
    auto license = (*entry)["SPDX-License-Identifier"].value<std::string>();
    if (!license) continue;  // copyright-only annotations say nothing about the license
    Annotation annotation;
    try {
      for (auto& pattern : patterns) pattern = "/" + pattern;  // REUSE paths are root-relative
      annotation.paths = GlobList(patterns);
    } catch (const std::invalid_argument& e) {
      fail(std::string(e.what()).substr(0, 300));
    }
    annotation.license = *license;
    annotation.precedence = (*entry)["precedence"].value_or(std::string("closest"));
    if (annotation.precedence != "closest" && annotation.precedence != "aggregate" &&
        annotation.precedence != "override") {
      fail("precedence must be closest, aggregate or override");
    }
    out.push_back(std::move(annotation));
  }
  return out;
}

std::string read_head(const BlobSource& blobs, const std::string& path) {
  std::unique_ptr<ByteStream> stream = blobs.open(Tree::head, path);
  std::string text;
  if (!stream) return text;
  text.resize(kHeadBytes);
  size_t used = 0;
  while (used < kHeadBytes) {
    size_t got = stream->read(text.data() + used, kHeadBytes - used);
    if (got == 0) break;
    used += got;
  }
  text.resize(used);
  return text;
}

struct Settings {
  std::vector<std::string> allowed;
  bool changed_files = false;
  std::set<std::string> extensions;
  size_t header_lines = 30;
  bool sidecars = true;
  bool reuse_toml = true;
};

std::string extension_of(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  return lower(std::string_view(path).substr(dot + 1));
}

class LicenseHeader : public Rule {
 public:
  explicit LicenseHeader(Settings settings) : settings_(std::move(settings)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    std::optional<std::vector<Annotation>> annotations;
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      if (file.new_kind == EntryKind::symlink || file.new_kind == EntryKind::submodule) continue;
      if (!settings_.changed_files && file.status != ChangeStatus::added &&
          file.status != ChangeStatus::copied) {
        continue;
      }
      if (!settings_.extensions.empty() && !settings_.extensions.count(extension_of(file.path))) {
        continue;
      }
      ++judged;
      std::vector<std::string> expressions;
      std::string source = "header";
      std::string sidecar = file.path + ".license";
      std::optional<std::string> sidecar_text;
      if (settings_.sidecars) sidecar_text = context.blobs.read(Tree::head, sidecar, 1 << 20);
      if (sidecar_text) {
        expressions = spdx_identifiers(*sidecar_text, SIZE_MAX);
        source = sidecar;
      } else if (!file.binary) {
        expressions = spdx_identifiers(read_head(context.blobs, file.path), settings_.header_lines);
      }
      if (settings_.reuse_toml) {
        if (!annotations) annotations = read_reuse_toml(context.blobs);
        const Annotation* match = nullptr;
        for (const auto& annotation : *annotations) {
          if (annotation.paths.matches(file.path)) match = &annotation;
        }
        if (match) {
          if (match->precedence == "override" || expressions.empty()) {
            expressions = {match->license};
            source = "REUSE.toml";
          } else if (match->precedence == "aggregate") {
            expressions.push_back(match->license);
          }
        }
      }
      judge(context, file.path, expressions, source, result);
    }
    if (judged == 0) result.skipped = "no new source file in scope";
    return result;
  }

 private:
  void judge(const RuleContext& context, const std::string& path,
             const std::vector<std::string>& expressions, const std::string& source,
             RuleResult& result) const {
    std::string allowed_text;
    for (size_t i = 0; i < settings_.allowed.size(); ++i) {
      allowed_text += (i ? ", " : "") + settings_.allowed[i];
    }
    if (expressions.empty()) {
      Finding f = context.finding(
          path, "'" + path + "' has no SPDX-License-Identifier: add `SPDX-License-Identifier: " +
                    settings_.allowed.front() + "` in a comment in its first " +
                    std::to_string(settings_.header_lines) + " lines" +
                    (settings_.sidecars ? ", or a '" + path + ".license' file" : std::string()) +
                    " (allowed: " + allowed_text + ")");
      f.fingerprint_basis = "license-header:missing";
      result.findings.push_back(std::move(f));
      return;
    }
    for (const auto& expression : expressions) {
      std::string problem;
      if (spdx_expression_allowed(expression, settings_.allowed, &problem)) continue;
      Finding f = context.finding(
          path, "'" + path + "' (" + source + "): " + problem + " (allowed: " + allowed_text + ")");
      f.fingerprint_basis = "license-header:" + expression;
      result.findings.push_back(std::move(f));
    }
  }

  Settings settings_;
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
    std::string value = trim(content.substr(at + kTag.size()));
    for (bool stripped = true; stripped;) {
      stripped = false;
      for (std::string_view closer : kClosers) {
        if (value.size() >= closer.size() &&
            std::string_view(value).substr(value.size() - closer.size()) == closer) {
          value = trim(std::string_view(value).substr(0, value.size() - closer.size()));
          stripped = true;
        }
      }
    }
    out.push_back(value);
  }
  return out;
}

RuleType license_header_type() {
  RuleType type;
  type.name = "license-header";
  type.family = "code";
  type.summary =
      "New source files carry an SPDX-License-Identifier from an allowed list (REUSE conventions).";
  type.parameters = {
      {"allowed", "list of strings", "SPDX license ids (and exceptions) that may be used", true},
      {"files", "string", "`added` (default): new files only; `changed`: added and modified",
       false},
      {"extensions", "list of strings",
       "file extensions judged (default: common source extensions; [] judges every file)", false},
      {"header-lines", "integer", "how many leading lines hold the header (default 30)", false},
      {"sidecars", "boolean", "accept a `<file>.license` sidecar (default true)", false},
      {"reuse-toml", "boolean", "accept annotations in the head's REUSE.toml (default true)",
       false},
  };
  type.example =
      "- id: spdx-headers\n"
      "  type: license-header\n"
      "  allowed: [Apache-2.0, MIT]\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    Settings settings;
    settings.allowed = params.string_list("allowed");
    if (settings.allowed.empty()) {
      params.fail("allowed", "is required for license-header", "e.g. allowed: [Apache-2.0, MIT]");
    }
    std::string files = params.string_or("files", "added");
    if (files != "added" && files != "changed") {
      params.fail("files", "must be `added` or `changed`");
    }
    settings.changed_files = files == "changed";
    if (params.has("extensions")) {
      for (const auto& ext : params.string_list("extensions")) {
        settings.extensions.insert(lower(ext.empty() || ext.front() != '.' ? ext : ext.substr(1)));
      }
    } else {
      settings.extensions = {"c",      "h",    "cc",   "cpp", "cxx",  "hpp", "hh",    "hxx",
                             "m",      "mm",   "py",   "pyi", "js",   "jsx", "mjs",   "cjs",
                             "ts",     "tsx",  "go",   "rs",  "java", "kt",  "kts",   "scala",
                             "swift",  "rb",   "php",  "cs",  "fs",   "sh",  "bash",  "zsh",
                             "ps1",    "pl",   "pm",   "lua", "r",    "sql", "proto", "vue",
                             "svelte", "dart", "ex",   "exs", "erl",  "hs",  "ml",    "clj",
                             "groovy", "tf",   "cmake"};
    }
    int64_t lines = params.integer_or("header-lines", 30);
    if (lines < 1 || lines > 10000) params.fail("header-lines", "must be from 1 to 10000");
    settings.header_lines = static_cast<size_t>(lines);
    settings.sidecars = params.boolean_or("sidecars", true);
    settings.reuse_toml = params.boolean_or("reuse-toml", true);
    params.finish();
    return std::make_shared<LicenseHeader>(std::move(settings));
  };
  return type;
}

}  // namespace gate::rules
