// The rule catalogue holds together: every registered rule type is one unit in fixed places
// (docs/architecture.md#adding-a-rule-type, made by scripts/new-rule.sh).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "gate/engine/policy_loader.hpp"
#include "rules/registry.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = GATE_SOURCE_DIR;
const std::set<std::string> kFamilies = {"code", "data", "model", "process"};

std::string snake(std::string name) {
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

// Test files anywhere below tests/, by file name.
std::set<std::string> test_files() {
  std::set<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "tests")) {
    if (entry.is_regular_file()) names.insert(entry.path().filename().string());
  }
  return names;
}

std::string indented(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += "  " + line + "\n";
  return out;
}

TEST(Catalogue, EveryRuleTypeHasItsFamilyFolderDocPageReadmeRowTestAndValidExample) {
  const std::string readme = read_file(kSource / "docs/rules/README.md");
  const std::set<std::string> tests = test_files();
  ASSERT_FALSE(rules::registry().types().empty());
  for (const auto& type : rules::registry().types()) {
    SCOPED_TRACE(type.name);
    EXPECT_TRUE(kFamilies.count(type.family)) << "family '" << type.family << "'";
    EXPECT_FALSE(type.summary.empty());

    fs::path folder = kSource / "rules" / type.family;
    EXPECT_TRUE(fs::exists(folder / (snake(type.name) + ".cpp")) ||
                fs::is_directory(folder / snake(type.name)))
        << "no rules/" << type.family << "/" << snake(type.name) << ".cpp (nor a folder of it)";

    fs::path page = kSource / "docs/rules" / (type.name + ".md");
    ASSERT_TRUE(fs::exists(page)) << "no docs/rules/" << type.name << ".md";
    std::string title = read_file(page).substr(0, read_file(page).find('\n'));
    EXPECT_EQ(title.rfind("# ", 0), 0u) << page << " does not start with a title";
    EXPECT_NE(title.find(type.name), std::string::npos) << page << " is titled " << title;

    std::string row = "| [" + type.name + "](" + type.name + ".md) | " + type.family + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << "docs/rules/README.md has no row " << row;

    EXPECT_TRUE(tests.count(snake(type.name) + "_test.cpp") ||
                tests.count(snake(type.name) + "_rule_test.cpp"))
        << "no tests/<family>/" << snake(type.name) << "_test.cpp";

    ASSERT_FALSE(type.example.empty());
    Policy policy;
    // Examples may name the asset classes every family's policy declares.
    const std::string policy_head =
        "version: 1\nassets:\n  code: { paths: [\"src/**\"] }\n  data: { paths: [\"data/**\"] }\n"
        "  model: { paths: [\"models/**\"] }\nrules:\n";
    ASSERT_NO_THROW(policy = parse_policy(policy_head + indented(type.example),
                                          "example of " + type.name))
        << type.example;
    ASSERT_EQ(policy.rules.size(), 1u);
    EXPECT_EQ(policy.rules[0].type, type.name);
  }
}

TEST(Catalogue, EveryDocPageAndReadmeRowNamesARegisteredType) {
  std::set<std::string> registered;
  for (const auto& type : rules::registry().types()) registered.insert(type.name);
  for (const auto& entry : fs::directory_iterator(kSource / "docs/rules")) {
    std::string name = entry.path().stem().string();
    if (name == "README") continue;
    EXPECT_TRUE(registered.count(name)) << "docs/rules/" << name << ".md documents no rule type";
  }
  std::istringstream readme(read_file(kSource / "docs/rules/README.md"));
  for (std::string line; std::getline(readme, line);) {
    if (line.rfind("| [", 0) != 0) continue;
    std::string name = line.substr(3, line.find(']') - 3);
    EXPECT_TRUE(registered.count(name)) << "docs/rules/README.md lists unknown type " << name;
  }
}

}  // namespace
}  // namespace gate::test
