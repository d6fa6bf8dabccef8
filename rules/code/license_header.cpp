#include "rules/code/license_header.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "gate/types/text.hpp"
#include "rules/code/reuse_annotations.hpp"
#include "rules/code/spdx.hpp"

namespace gate::rules {

namespace {

constexpr size_t kHeadBytes = 64 * 1024;  // the header is near the top; never read more

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
  return ascii_lower(std::string_view(path).substr(dot + 1));
}

class LicenseHeader : public Rule {
 public:
  explicit LicenseHeader(Settings settings) : settings_(std::move(settings)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    std::optional<std::vector<ReuseAnnotation>> annotations;
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
      // Each expression with where it was found, so a finding names the file to fix.
      std::vector<std::pair<std::string, std::string>> claims;
      auto claim_all = [&claims](const std::vector<std::string>& expressions,
                                 const std::string& source) {
        for (const auto& expression : expressions) claims.emplace_back(expression, source);
      };
      std::string sidecar = file.path + ".license";
      std::optional<std::string> sidecar_text;
      if (settings_.sidecars) sidecar_text = context.blobs.read(Tree::head, sidecar, 1 << 20);
      if (sidecar_text) {
        claim_all(spdx_identifiers(*sidecar_text, SIZE_MAX), sidecar);
      } else if (!file.binary) {
        claim_all(spdx_identifiers(read_head(context.blobs, file.path), settings_.header_lines),
                  "header");
      }
      if (settings_.reuse_toml) {
        if (!annotations) annotations = read_reuse_annotations(context.blobs);
        const ReuseAnnotation* match = nullptr;
        for (const auto& annotation : *annotations) {
          if (annotation.matches(file.path)) match = &annotation;
        }
        if (match) {
          if (match->precedence == ReusePrecedence::override || claims.empty()) {
            claims = {{match->license, match->source}};
          } else if (match->precedence == ReusePrecedence::aggregate) {
            claims.emplace_back(match->license, match->source);
          }
        }
      }
      judge(context, file.path, claims, result);
    }
    if (judged == 0) result.skipped = "no new source file in scope";
    return result;
  }

 private:
  void judge(const RuleContext& context, const std::string& path,
             const std::vector<std::pair<std::string, std::string>>& claims,
             RuleResult& result) const {
    std::string allowed_text;
    for (size_t i = 0; i < settings_.allowed.size(); ++i) {
      allowed_text += (i ? ", " : "") + settings_.allowed[i];
    }
    if (claims.empty()) {
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
    for (const auto& [expression, source] : claims) {
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
      {"reuse-toml", "boolean",
       "accept annotations in the head's REUSE.toml or .reuse/dep5 (default true)", false},
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
        settings.extensions.insert(
            ascii_lower(ext.empty() || ext.front() != '.' ? ext : ext.substr(1)));
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
