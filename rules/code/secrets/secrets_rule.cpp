#include "rules/code/secrets/secrets_rule.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/fingerprint.hpp"
#include "rules/code/secrets/gitleaks_config.hpp"
#include "rules/code/secrets/prefilter_cache.hpp"
#include "rules/code/secrets/scanner.hpp"

namespace gate::rules {

namespace {

using secrets::Fragment;
using secrets::Scanner;
using secrets::SecretMatch;

constexpr uint64_t kDefaultBinaryTextLimit = 1 << 20;  // 1 MiB
constexpr uint64_t kMaxConfigBytes = 4 << 20;          // a gitleaks TOML is a few KiB
constexpr size_t kFragmentBytes = 16 << 20;            // text scanned in one Vectorscan call
constexpr size_t kMaxFindingsPerFile = 1000;

// The built-in set compiles once per process (Vectorscan compilation dominates rule set-up),
// or is loaded from the pattern cache.
const Scanner& builtin_scanner(const std::optional<std::filesystem::path>& cache_dir) {
  static const Scanner scanner(secrets::builtin_catalogue(), {}, secrets::Overlap::first_listed,
                               cache_dir);
  return scanner;
}

struct Settings {
  std::optional<std::string> config_path;
  bool allow_inline = false;
  std::vector<std::string> disabled;
  uint64_t binary_text_limit = kDefaultBinaryTextLimit;
};

class SecretsRule : public Rule {
 public:
  explicit SecretsRule(Settings settings) : settings_(std::move(settings)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    std::unique_ptr<Scanner> loaded;
    const auto cache_dir = secrets::pattern_cache_dir();
    const Scanner* scanner = settings_.config_path ? nullptr : &builtin_scanner(cache_dir);
    if (settings_.config_path) {
      // Trust: the configuration comes from the base revision, like the policy itself.
      secrets::ResolvedConfig config =
          secrets::load_gitleaks_config(*settings_.config_path, [&](const std::string& path) {
            return context.blobs.read(Tree::base, path, kMaxConfigBytes);
          });
      loaded = std::make_unique<Scanner>(std::move(config.rules), std::move(config.allowlists),
                                         secrets::Overlap::gitleaks, cache_dir);
      scanner = loaded.get();
    }
    std::vector<bool> disabled(scanner->rules().size(), false);
    for (const auto& id : settings_.disabled) {
      for (size_t i = 0; i < scanner->rules().size(); ++i) {
        if (scanner->rules()[i].spec.id == id) disabled[i] = true;
      }
    }
    secrets::ScanOptions options;
    options.allow_inline = settings_.allow_inline;
    options.disabled = &disabled;

    RuleResult result;
    Scanner::Session session(*scanner);
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      if (file.new_kind == EntryKind::symlink || file.new_kind == EntryKind::submodule) continue;
      ++judged;
      std::vector<SecretMatch> matches;
      session.scan_path(file.path, options, matches);
      scan_file(context, file, session, options, matches);
      report(context, *scanner, file, matches, result.findings);
    }
    if (judged == 0) result.skipped = "no added or changed file in scope";
    return result;
  }

 private:
  Settings settings_;

  void scan_file(const RuleContext& context, const FileChange& file, Scanner::Session& session,
                 const secrets::ScanOptions& options, std::vector<SecretMatch>& matches) const {
    if (file.binary) {
      // Git has no lines for binary files: small ones are read whole and their printable runs
      // scanned (new content cannot be told from old there).
      if (file.new_size > settings_.binary_text_limit) return;
      auto blob = context.blobs.read(Tree::head, file.path, settings_.binary_text_limit);
      if (!blob) return;
      session.scan(file.path, secrets::printable_runs(*blob), options, matches);
      return;
    }
    if (file.too_large_for_lines) {
      stream_file(context, file, session, options, matches);
      return;
    }
    Fragment fragment;
    size_t bytes = 0;
    for (const auto& line : file.added_lines) bytes += line.text.size() + 1;
    fragment.reserve(std::min(bytes, kFragmentBytes + (1 << 20)), file.added_lines.size());
    for (const auto& line : file.added_lines) {
      fragment.add_line(line.number, line.text);
      if (fragment.text.size() >= kFragmentBytes) {
        session.scan(file.path, fragment, options, matches);
        fragment.clear();
      }
    }
    if (!fragment.text.empty() || fragment.line_count() > 0) {
      session.scan(file.path, fragment, options, matches);
    }
  }

  // A text file too large for a line diff: the whole new blob, in constant memory.
  void stream_file(const RuleContext& context, const FileChange& file, Scanner::Session& session,
                   const secrets::ScanOptions& options, std::vector<SecretMatch>& matches) const {
    auto stream = context.blobs.open(Tree::head, file.path);
    if (!stream) return;
    std::vector<char> buffer(1 << 20);
    Fragment fragment;
    std::string line;
    uint32_t number = 1;
    uint32_t column_base = 0;
    auto flush = [&] {
      session.scan(file.path, fragment, options, matches);
      fragment.clear();
    };
    while (size_t n = stream->read(buffer.data(), buffer.size())) {
      for (size_t i = 0; i < n; ++i) {
        if (buffer[i] != '\n') {
          line += buffer[i];
          if (line.size() < kFragmentBytes) continue;
          // A line of many megabytes is cut into pieces rather than held whole.
          fragment.add_line(number, line, column_base);
          column_base += static_cast<uint32_t>(line.size());
          line.clear();
          flush();
          continue;
        }
        fragment.add_line(number++, line, column_base);
        line.clear();
        column_base = 0;
        if (fragment.text.size() >= kFragmentBytes) flush();
      }
    }
    if (!line.empty()) fragment.add_line(number, line, column_base);
    if (fragment.line_count() > 0) flush();
  }

  void report(const RuleContext& context, const Scanner& scanner, const FileChange& file,
              const std::vector<SecretMatch>& matches, std::vector<Finding>& out) const {
    size_t reported = 0;
    // How often the same format was found on the same redacted line(s) before in this file.
    std::map<std::pair<size_t, std::string>, size_t> occurrences;
    for (const auto& match : matches) {
      if (reported == kMaxFindingsPerFile) {
        Finding more =
            context.finding(file.path, std::to_string(matches.size() - reported) +
                                           " more secrets in this file are not listed (limit " +
                                           std::to_string(kMaxFindingsPerFile) + " a file)");
        more.fingerprint_basis = "secrets:overflow";
        more.security = true;
        out.push_back(std::move(more));
        return;
      }
      ++reported;
      const auto& spec = scanner.rules()[match.rule].spec;
      const std::string what = spec.description.empty() ? "" : " (" + spec.description + ")";
      Finding finding =
          match.line == 0
              ? context.finding(file.path, spec.id + what + ": the file's path matches the rule")
              : context.finding(file.path, spec.id + what + ": " + redact(match.secret));
      finding.start_line = match.line;
      finding.end_line = match.end_line;
      finding.column = match.column;
      if (match.line == 0) {
        finding.fingerprint_basis = "path:" + spec.id;
      } else {
        const size_t occurrence = occurrences[{match.rule, match.redacted_context}]++;
        finding.fingerprint_basis =
            secrets::secret_fingerprint_basis(spec.id, match.redacted_context, occurrence);
      }
      finding.security = true;
      out.push_back(std::move(finding));
    }
  }
};

}  // namespace

RuleType secrets_type() {
  RuleType type;
  type.name = "secrets";
  type.family = "code";
  type.summary =
      "Finds credentials (60+ built-in formats or a gitleaks configuration) in what the change "
      "adds.";
  type.parameters = {
      {"secrets-config", "path",
       "gitleaks v8 TOML read from the base revision (e.g. .gitleaks.toml); default: the "
       "built-in catalogue"},
      {"allow-inline", "boolean",
       "honour `gate:allow` and `gitleaks:allow` comments on the line of a secret (false)"},
      {"disable", "list of ids", "formats or imported rule ids to switch off"},
      {"binary-text-limit", "size",
       "files Git marks binary up to this size have their printable text scanned (1MiB)"},
  };
  type.example =
      "- id: no-secrets\n"
      "  type: secrets\n"
      "  severity: error\n"
      "  secrets-config: .gitleaks.toml   # optional\n"
      "  allow-inline: false\n";
  type.security = true;
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    Settings settings;
    settings.config_path = params.optional_string("secrets-config");
    if (settings.config_path && settings.config_path->empty()) {
      params.fail("secrets-config", "is empty", "name a file such as .gitleaks.toml");
    }
    settings.allow_inline = params.boolean_or("allow-inline", false);
    settings.disabled = params.string_list("disable");
    if (!settings.config_path) {
      for (const auto& id : settings.disabled) {
        const auto& catalogue = secrets::builtin_catalogue();
        bool known = std::any_of(catalogue.begin(), catalogue.end(),
                                 [&](const auto& spec) { return spec.id == id; });
        if (!known) {
          params.fail("disable", "names '" + id + "', which is not a built-in format",
                      "`gate rules secrets` and docs/rules/secrets.md list the ids");
        }
      }
    }
    settings.binary_text_limit =
        params.optional_size("binary-text-limit").value_or(kDefaultBinaryTextLimit);
    if (settings.binary_text_limit > (64u << 20)) {
      params.fail("binary-text-limit", "is above 64MiB", "binary files are read whole into memory");
    }
    params.finish();
    return std::make_shared<SecretsRule>(std::move(settings));
  };
  return type;
}

}  // namespace gate::rules
