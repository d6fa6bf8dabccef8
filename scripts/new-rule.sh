#!/usr/bin/env bash
# Makes a new rule type as one unit, in the places the catalogue test checks
# (docs/architecture.md#adding-a-rule-type):
#   rules/FAMILY/TYPE.hpp, rules/FAMILY/TYPE.cpp   the rule, with its RuleType (TYPE in snake_case)
#   rules/FAMILY/register.cpp                      its registration
#   docs/rules/TYPE.md, a row in docs/rules/README.md
#   tests/FAMILY/TYPE_test.cpp                     its test, on the rule-test harness
# Usage: scripts/new-rule.sh FAMILY TYPE    e.g. scripts/new-rule.sh code max-line-length
# The rule it makes builds, registers and passes its test and the catalogue test; then write
# what it requires.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  echo "usage: scripts/new-rule.sh FAMILY TYPE   (FAMILY: code, data, model or process;" \
    "TYPE: lowercase words joined by '-', e.g. max-line-length)" >&2
  exit 2
}
[ $# -eq 2 ] || usage
family="$1"
type="$2"
case "$family" in code | data | model | process) ;; *) usage ;; esac
[[ "$type" =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] || usage
snake="${type//-/_}"
class="$(echo "$snake" | sed -E 's/(^|_)([a-z])/\U\2/g')"

source_hpp="rules/$family/$snake.hpp"
source_cpp="rules/$family/$snake.cpp"
register="rules/$family/register.cpp"
doc="docs/rules/$type.md"
readme="docs/rules/README.md"
test_cpp="tests/$family/${snake}_test.cpp"
for path in "$source_hpp" "$source_cpp" "$doc" "$test_cpp"; do
  if [ -e "$root/$path" ]; then
    echo "new-rule: $path already exists" >&2
    exit 2
  fi
done
if grep -q "^| \[$type\](" "$root/$readme"; then
  echo "new-rule: $readme already lists $type" >&2
  exit 2
fi
grep -q "^void register_${family}_rules(RuleRegistry& registry) {" "$root/$register" || {
  echo "new-rule: $register has no register_${family}_rules to add to" >&2
  exit 2
}

cat >"$root/$source_hpp" <<EOF
#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// $type: say in one sentence what a change must satisfy.
RuleType ${snake}_type();

}  // namespace gate::rules
EOF

cat >"$root/$source_cpp" <<EOF
#include "$source_hpp"

namespace gate::rules {

namespace {

class $class : public Rule {
 public:
  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      ++judged;
      // Judge the file here; context.finding(file.path, "what is wrong") makes a finding.
    }
    if (judged == 0) result.skipped = "no added or changed file in scope";
    return result;
  }
};

}  // namespace

RuleType ${snake}_type() {
  RuleType type;
  type.name = "$type";
  type.family = "$family";
  type.summary = "What a change must satisfy, in one line.";
  type.parameters = {};
  type.example =
      "- id: $type\\n"
      "  type: $type\\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    params.finish();
    return std::make_shared<$class>();
  };
  return type;
}

}  // namespace gate::rules
EOF

# Registration: the include with the others, the add() at the end of the family's function.
awk -v include="#include \"$source_hpp\"" -v add="  registry.add(${snake}_type());" \
  -v function_line="void register_${family}_rules(RuleRegistry& registry) {" '
  !included && /^#include "rules\/registry.hpp"/ { print include; included = 1 }
  in_function && /^}/ { print add; in_function = 0 }
  $0 == function_line { in_function = 1 }
  { print }
' "$root/$register" >"$root/$register.new"
mv "$root/$register.new" "$root/$register"

cat >"$root/$doc" <<EOF
# $type

Family: $family. What a change must satisfy, and why a team wants it.

## Parameters

| key | type | meaning |
| --- | --- | --- |

## Example

\`\`\`yaml
- id: $type
  type: $type
\`\`\`

## Findings

What a finding says, where it points (file, line) and what its fingerprint is tied to. When the
rule is skipped: no added or changed file in scope.
EOF

# The README row after the last row of the table.
awk -v row="| [$type]($type.md) | $family | what a change must satisfy |" '
  { lines[NR] = $0; if ($0 ~ /^\| \[/) last = NR }
  END { for (i = 1; i <= NR; i++) { print lines[i]; if (i == last) print row } }
' "$root/$readme" >"$root/$readme.new"
mv "$root/$readme.new" "$root/$readme"

mkdir -p "$root/tests/$family"
cat >"$root/$test_cpp" <<EOF
// $type: what the rule requires, tested on the rule-test harness.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/rule_harness.hpp"

namespace gate::test {
namespace {

using ::testing::IsEmpty;

TEST($class, IsSkippedWhenNoFileIsInScope) {
  RuleHarness h;
  h.remove("src/old.txt", "gone\\n");
  EXPECT_EQ(h.run("$type").skipped, "no added or changed file in scope");
}

TEST($class, JudgesAnAddedFile) {
  RuleHarness h;
  h.add("src/new.txt", "hello\\n");
  RuleResult result = h.run("$type");
  EXPECT_FALSE(result.skipped);
  EXPECT_THAT(result.findings, IsEmpty());
}

}  // namespace
}  // namespace gate::test
EOF

echo "new-rule: made $type ($family):"
printf '  %s\n' "$source_hpp" "$source_cpp" "$register (registration)" "$doc" "$readme (row)" "$test_cpp"
echo "Next: write the rule, its parameters and example, its page and its tests, then"
echo "  ninja -C build/release test_$family test_rules && ctest --test-dir build/release -R 'Catalogue|$class'"
