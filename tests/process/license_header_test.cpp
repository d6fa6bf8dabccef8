// license-header: SPDX identifiers in new source files, sidecars, REUSE.toml.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "rules/code/license_header.hpp"
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
