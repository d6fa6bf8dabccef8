#include "rules/code/secrets/catalogue.hpp"

#include "rules/code/secrets/regex_util.hpp"

namespace gate::secrets {

SecretRuleSpec builtin_format(std::string id, std::string description, std::string regex,
                              double entropy) {
  SecretRuleSpec spec;
  spec.id = std::move(id);
  spec.description = std::move(description);
  spec.regex = std::move(regex);
  spec.entropy = entropy;
  return spec;
}

Allowlist builtin_allowlist(std::string description, const std::vector<std::string>& regexes,
                            AllowTarget target) {
  Allowlist list;
  list.description = std::move(description);
  list.origin = "built-in";
  list.target = target;
  for (const auto& regex : regexes) list.regexes.push_back(compile_builtin_regex(regex));
  return list;
}

const std::vector<SecretRuleSpec>& builtin_catalogue() {
  static const std::vector<SecretRuleSpec> catalogue = [] {
    std::vector<SecretRuleSpec> all = cloud_and_forge_formats();
    for (auto* part :
         {service_formats, prefixed_formats, vendor_named_formats, key_and_generic_formats}) {
      std::vector<SecretRuleSpec> more = part();
      all.insert(all.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
    }
    return all;
  }();
  return catalogue;
}

}  // namespace gate::secrets
