#include "rules/code/max_file_size.hpp"

#include <cstdio>

namespace gate::rules {

namespace {

std::string human_size(uint64_t bytes) {
  static const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

class MaxFileSize : public Rule {
 public:
  MaxFileSize(uint64_t limit, std::string limit_text)
      : limit_(limit), limit_text_(std::move(limit_text)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      if (file.new_kind == EntryKind::submodule || file.new_kind == EntryKind::symlink) continue;
      ++judged;
      if (file.new_size <= limit_) continue;
      Finding f = context.finding(file.path, "'" + file.path + "' is " + human_size(file.new_size) +
                                                 ", over the limit of " + limit_text_ + " (" +
                                                 std::to_string(file.new_size) + " > " +
                                                 std::to_string(limit_) + " bytes)");
      f.fingerprint_basis = "size:" + file.new_blob;
      result.findings.push_back(std::move(f));
    }
    if (judged == 0) result.skipped = "no added or changed file in scope";
    return result;
  }

 private:
  uint64_t limit_;
  std::string limit_text_;
};

}  // namespace

RuleType max_file_size_type() {
  RuleType type;
  type.name = "max-file-size";
  type.family = "code";
  type.summary = "Blocks files larger than a limit (keep large binaries in DVC or LFS).";
  type.parameters = {
      {"limit", "size", "largest allowed size: 5MB, 512KiB, 1GB (SI and IEC units)", true},
  };
  type.example =
      "- id: small-files\n"
      "  type: max-file-size\n"
      "  limit: 5MB\n"
      "  assets: [code]\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    uint64_t limit = params.size("limit");
    std::string text = params.string("limit");
    params.finish();
    return std::make_shared<MaxFileSize>(limit, text);
  };
  return type;
}

}  // namespace gate::rules
