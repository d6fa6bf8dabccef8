// license-header: SPDX identifiers in new source files, sidecars, REUSE.toml.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "rules/code/license_header.hpp"
#include "rules/code/reuse_annotations.hpp"
#include "rules/code/spdx.hpp"
#include "tests/process/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const char* kPolicy = R"(version: 1
rules:
  - id: spdx
    type: license-header
    allowed: [Apache-2.0, MIT, LLVM-exception]
)";

class LicenseHeader : public ::testing::Test {
 protected:
  LicenseHeader() : scenario(kPolicy) {}
  void add_file(const std::string& path, const std::string& content,
                ChangeStatus status = ChangeStatus::added) {
    scenario.blobs.put(Tree::head, path, content);
    scenario.add(changed(path, status));
  }
  Scenario scenario;
};

TEST_F(LicenseHeader, AllowedHeaderPasses) {
  add_file("src/a.cpp",
           "// SPDX-FileCopyrightText: 2025 Acme\n// SPDX-License-Identifier: MIT\nint x;\n");
  add_file("src/b.py", "#!/usr/bin/env python3\n# SPDX-License-Identifier: Apache-2.0 OR MIT\n");
  add_file("src/c.c", "/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */\n");
  add_file("web/d.js", "/*\n * SPDX-License-Identifier: (MIT AND Apache-2.0)\n */\n");
  EXPECT_THAT(scenario.messages(), IsEmpty());
  EXPECT_EQ(scenario.status(), "pass");
}

TEST_F(LicenseHeader, MissingHeaderSaysHowToFixIt) {
  add_file("src/a.go", "package main\n");
  EXPECT_THAT(scenario.messages(),
              ElementsAre("'src/a.go' has no SPDX-License-Identifier: add "
                          "`SPDX-License-Identifier: Apache-2.0` in a comment in its first 30 "
                          "lines, or a 'src/a.go.license' file (allowed: Apache-2.0, MIT, "
                          "LLVM-exception)"));
}

TEST_F(LicenseHeader, DisallowedAndMalformedExpressions) {
  add_file("a.c", "// SPDX-License-Identifier: GPL-3.0-only\n");
  add_file("b.c", "// SPDX-License-Identifier: MIT AND GPL-2.0-or-later\n");
  add_file("c.c", "// SPDX-License-Identifier: MIT OR\n");
  add_file("d.c", "// SPDX-License-Identifier: (MIT\n");
  add_file("e.c", "// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause\n");
  EXPECT_THAT(
      scenario.messages(),
      ElementsAre("'a.c' (header): license 'GPL-3.0-only' is not allowed (GPL-3.0-only) "
                  "(allowed: Apache-2.0, MIT, LLVM-exception)",
                  HasSubstr("license 'MIT AND GPL-2.0-or-later' is not allowed (GPL-2.0-or-later)"),
                  HasSubstr("SPDX expression 'MIT OR' ends too early"),
                  HasSubstr("has an unclosed '('"), HasSubstr("(GPL-2.0, BSD-3-Clause)")));
}

TEST_F(LicenseHeader, OnlyNewSourceFilesByDefault) {
  add_file("old.c", "int x;\n", ChangeStatus::modified);
  add_file("notes.txt", "hello\n");
  EXPECT_EQ(scenario.status(), "skipped");
  Scenario changed_files(R"(version: 1
rules:
  - id: spdx
    type: license-header
    allowed: [MIT]
    files: changed
    extensions: [txt]
)");
  changed_files.blobs.put(Tree::head, "notes.txt", "hello\n");
  changed_files.add(changed("notes.txt"));
  EXPECT_EQ(changed_files.messages().size(), 1u);
}

TEST_F(LicenseHeader, SidecarLicenseFile) {
  add_file("src/logo.c", "binary-ish\n");
  scenario.blobs.put(Tree::head, "src/logo.c.license",
                     "SPDX-FileCopyrightText: 2025 Acme\nSPDX-License-Identifier: MIT\n");
  EXPECT_THAT(scenario.messages(), IsEmpty());
  scenario.blobs.put(Tree::head, "src/logo.c.license", "SPDX-License-Identifier: GPL-3.0\n");
  EXPECT_THAT(scenario.messages(),
              ElementsAre(HasSubstr("(src/logo.c.license): license 'GPL-3.0'")));
}

TEST_F(LicenseHeader, ReuseTomlAnnotations) {
  add_file("gen/a.py", "x = 1\n");
  add_file("src/b.py", "# SPDX-License-Identifier: GPL-3.0-only\n");
  scenario.blobs.put(Tree::head, "REUSE.toml", R"(version = 1
[[annotations]]
path = ["gen/**"]
SPDX-FileCopyrightText = "2025 Acme"
SPDX-License-Identifier = "MIT"

[[annotations]]
path = "src/**"
precedence = "override"
SPDX-License-Identifier = "Apache-2.0"
)");
  EXPECT_THAT(scenario.messages(), IsEmpty());
}

// REUSE.toml globs: `*` stops at '/', `**` does not, wherever it stands.
TEST(ReuseToml, GlobsFollowTheReuseSpecification) {
  auto annotations = gate::rules::parse_reuse_toml(R"(version = 1
[[annotations]]
path = ["src/*.py", "gen/**", "assets/icon**.svg", "a\\*b"]
SPDX-License-Identifier = "MIT"
)",
                                                   "REUSE.toml");
  ASSERT_EQ(annotations.size(), 1u);
  const auto& a = annotations[0];
  EXPECT_TRUE(a.matches("src/x.py"));
  EXPECT_FALSE(a.matches("src/sub/x.py"));
  EXPECT_TRUE(a.matches("gen/deep/er/x.c"));
  EXPECT_TRUE(a.matches("assets/icons/dark/x.svg"));
  EXPECT_TRUE(a.matches("a*b"));
  EXPECT_FALSE(a.matches("axb"));
  EXPECT_EQ(a.source, "REUSE.toml");
  EXPECT_EQ(a.line, 2u);
}

const char* kDep5 =
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
    "Upstream-Name: acme\n"
    "\n"
    "# generated code\n"
    "Files: gen/*\n"
    "  docs/*.md\n"
    "Copyright: 2025 Acme\n"
    "License: MIT\n"
    "\n"
    "Files: vendor/lib?.c\n"
    "Copyright: 2019 Someone\n"
    "License: GPL-2.0-only\n"
    " Full text of the license,\n"
    " .\n"
    " on continuation lines.\n"
    "\n"
    "License: GPL-2.0-only\n"
    " A standalone license paragraph: not an annotation.\n";

TEST(ReuseDep5, FilesParagraphsBecomeAggregateAnnotations) {
  auto annotations = gate::rules::parse_dep5(kDep5, ".reuse/dep5");
  ASSERT_EQ(annotations.size(), 2u);
  EXPECT_EQ(annotations[0].license, "MIT");
  EXPECT_EQ(annotations[0].precedence, gate::rules::ReusePrecedence::aggregate);
  EXPECT_EQ(annotations[0].line, 5u);
  EXPECT_TRUE(annotations[0].matches("gen/a/b/c.py"));  // dep5's `*` crosses folders
  EXPECT_TRUE(annotations[0].matches("docs/sub/x.md"));
  EXPECT_FALSE(annotations[0].matches("src/gen/x.py"));
  EXPECT_EQ(annotations[1].license, "GPL-2.0-only");
  EXPECT_TRUE(annotations[1].matches("vendor/lib1.c"));
  EXPECT_FALSE(annotations[1].matches("vendor/lib12.c"));
}

TEST(ReuseDep5, MalformedLinesNameTheLine) {
  auto error_of = [](const std::string& text) {
    try {
      gate::rules::parse_dep5(text, ".reuse/dep5");
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "no error for: " << text;
    return InputError("none");
  };
  InputError e = error_of("Format: x\n\nFiles: *\nthis is not a field\n");
  EXPECT_EQ(e.file(), ".reuse/dep5");
  EXPECT_EQ(e.line(), 4u);
  EXPECT_THAT(e.message(), HasSubstr("is not a `Field: value` line"));
  EXPECT_EQ(error_of(" leading continuation\n").line(), 1u);
  EXPECT_THAT(error_of("Files: *\nFiles: b\nLicense: MIT\n").message(), HasSubstr("twice"));
  EXPECT_THAT(error_of("Files: *\nLicense:\n text only\n").message(),
              HasSubstr("no license expression"));
  EXPECT_THAT(error_of("Files: a\\\nLicense: MIT\n").message(), HasSubstr("lone backslash"));
  // Hostile bytes: NULs, invalid UTF-8 and CRLF are data, not crashes.
  auto odd = gate::rules::parse_dep5(std::string("Files: caf\xE9\0*\r\nLicense: MIT\r\n", 29),
                                     ".reuse/dep5");
  ASSERT_EQ(odd.size(), 1u);
  EXPECT_TRUE(odd[0].matches(std::string("caf\xE9\0x", 6)));
}

TEST_F(LicenseHeader, Dep5AnnotationsApplyWhenThereIsNoReuseToml) {
  add_file("gen/a.py", "x = 1\n");
  add_file("vendor/lib1.c", "// SPDX-License-Identifier: MIT\n");
  scenario.blobs.put(Tree::head, ".reuse/dep5", kDep5);
  // gen/a.py takes MIT from dep5; vendor/lib1.c aggregates its own MIT with dep5's GPL.
  EXPECT_THAT(scenario.messages(),
              ElementsAre("'vendor/lib1.c' (.reuse/dep5): license 'GPL-2.0-only' is not allowed "
                          "(GPL-2.0-only) (allowed: Apache-2.0, MIT, LLVM-exception)"));
}

TEST_F(LicenseHeader, ReuseTomlAndDep5TogetherIsInputError) {
  add_file("a.py", "x = 1\n");
  scenario.blobs.put(Tree::head, "REUSE.toml", "version = 1\n");
  scenario.blobs.put(Tree::head, ".reuse/dep5", kDep5);
  try {
    scenario.run();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), ".reuse/dep5");
    EXPECT_THAT(e.message(), HasSubstr("both REUSE.toml and .reuse/dep5"));
  }
}

TEST_F(LicenseHeader, MalformedReuseTomlIsInputError) {
  add_file("a.py", "x = 1\n");
  scenario.blobs.put(Tree::head, "REUSE.toml", "version = 1\n[[annotations]\npath = 3\n");
  try {
    scenario.run();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "REUSE.toml");
    EXPECT_EQ(e.line(), 2u);
  }
}

TEST_F(LicenseHeader, HeaderMustBeNearTheTop) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "int x" + std::to_string(i) + ";\n";
  add_file("late.c", body + "// SPDX-License-Identifier: MIT\n");
  EXPECT_THAT(scenario.messages(), ElementsAre(HasSubstr("has no SPDX-License-Identifier")));
}

TEST(SpdxExpression, HostileInput) {
  std::string problem;
  std::vector<std::string> allowed = {"MIT"};
  EXPECT_FALSE(gate::rules::spdx_expression_allowed(std::string(100000, '('), allowed, &problem));
  EXPECT_THAT(problem, HasSubstr("nested too deeply"));
  EXPECT_FALSE(gate::rules::spdx_expression_allowed(std::string("MI\0T", 4), allowed, &problem));
  EXPECT_FALSE(gate::rules::spdx_expression_allowed("\xFF\xFE", allowed, &problem));
  EXPECT_FALSE(gate::rules::spdx_expression_allowed("", allowed, &problem));
  EXPECT_THAT(problem, HasSubstr("is empty"));
  std::string chain = "MIT";
  for (int i = 0; i < 100000; ++i) chain += " OR MIT";
  EXPECT_TRUE(gate::rules::spdx_expression_allowed(chain, allowed, &problem));
  auto ids = gate::rules::spdx_identifiers(
      std::string(1 << 20, 'x') + "\nSPDX-License-Identifier: MIT -->", 5);
  EXPECT_THAT(ids, ElementsAre("MIT"));
}

TEST(LicenseHeaderPolicy, AllowedIsRequired) {
  EXPECT_THROW(parse_policy("version: 1\nrules:\n  - id: s\n    type: license-header\n", "p.yaml"),
               InputError);
}

}  // namespace
}  // namespace gate::test
