#include <gtest/gtest.h>

#include "rules/data/dvc_directory.hpp"
#include "rules/data/dvc_manifest.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {
namespace {

std::vector<std::string> problems(const DvcManifest& m) {
  std::vector<std::string> out;
  for (const auto& p : m.problems) out.push_back(std::to_string(p.line) + ": " + p.message);
  return out;
}

using Strings = std::vector<std::string>;

TEST(DvcManifest, ReadsDvc3File) {
  DvcManifest m = parse_dvc_file(R"(outs:
- md5: 0cc175b9c0f1b6a831c399e269772661
  size: 1
  hash: md5
  path: users.csv
meta:
  owner: data-team
  source: crm export
  license: CC-BY-4.0
  pii:
    basis: consent, DPA-7
)");
  EXPECT_EQ(problems(m), Strings{});
  ASSERT_EQ(m.outs.size(), 1u);
  EXPECT_EQ(m.outs[0].path, "users.csv");
  EXPECT_EQ(m.outs[0].md5, "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(*m.outs[0].size, 1u);
  EXPECT_FALSE(m.outs[0].legacy_hash);
  EXPECT_EQ(m.outs[0].line, 2u);
  EXPECT_EQ(m.meta.at("owner"), "data-team");
  EXPECT_EQ(*m.pii_basis, "consent, DPA-7");
}

TEST(DvcManifest, DirectoryOutputs) {
  DvcManifest m = parse_dvc_file(
      "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661.dir\n"
      "  size: 10\n  nfiles: 2\n  path: images\n");
  EXPECT_EQ(problems(m), Strings{});
  EXPECT_TRUE(m.outs[0].directory);
  EXPECT_TRUE(m.outs[0].legacy_hash);
}

TEST(DvcManifest, MalformedEntriesAreProblemsWithLines) {
  DvcManifest m = parse_dvc_file(R"(outs:
- md5: XYZ
  size: -3
  path: ../../etc/passwd
- path: ok.csv
  size: many
  md5: 0cc175b9c0f1b6a831c399e269772661
  hash: sha1
- just a string
)");
  EXPECT_EQ(
      problems(m),
      (Strings{"4: manifest outs: path '../../etc/passwd' is absolute or leaves the repository",
               "8: manifest outs: 'ok.csv' has unknown hash kind (expected 'md5')",
               "6: manifest outs: size of 'ok.csv' is not a byte count",
               "9: manifest outs: each entry must be a mapping with path, md5 and size"}));
}

TEST(DvcManifest, HostileYaml) {
  EXPECT_EQ(problems(parse_dvc_file("outs: [")).size(), 1u);
  EXPECT_EQ(problems(parse_dvc_file("- a\n- b\n")),
            (Strings{"1: manifest must be a YAML mapping"}));
  EXPECT_EQ(problems(parse_dvc_file("meta: {}\n")), (Strings{"1: manifest: no 'outs' list"}));
  EXPECT_EQ(problems(parse_dvc_file("outs: 5\n")), (Strings{"1: manifest: 'outs' must be a list"}));
  // Truncated in the middle of an entry.
  EXPECT_EQ(problems(parse_dvc_file("outs:\n- md5: 0cc175b9c0f1b6a831c399e2697726")),
            (Strings{"2: manifest outs: entry has no 'path'"}));
  // Deep nesting: yaml-cpp refuses beyond its depth guard; never a crash.
  std::string deep = "outs: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  EXPECT_FALSE(parse_dvc_file(deep).problems.empty());
  // Oversized document.
  EXPECT_EQ(problems(parse_dvc_file(std::string(2 << 20, '#'))),
            (Strings{"0: manifest is 2097152 bytes, over the limit of 1048576"}));
  // Alias bomb: aliases are shared nodes and only known keys are walked.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x]\n";
  for (int i = 0; i < 20; ++i) {
    std::string prev = std::string(1, 'a' + i);
    std::string next = std::string(1, 'a' + i + 1);
    bomb += next + ": &" + next + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  bomb += "outs:\n- path: x\n  md5: 0cc175b9c0f1b6a831c399e269772661\n";
  EXPECT_EQ(problems(parse_dvc_file(bomb)), Strings{});
  // Invalid UTF-8 in a path is kept as bytes, not a crash.
  EXPECT_NO_THROW(parse_dvc_file("outs:\n- path: \"\xff\xfe\"\n  md5: x\n"));
}

TEST(DvcManifest, ReadsDvcLock) {
  DvcManifest m = parse_dvc_lock(R"(schema: '2.0'
stages:
  prepare:
    cmd: python prepare.py
    deps:
    - path: raw.csv
      md5: 0cc175b9c0f1b6a831c399e269772661
      size: 1
    outs:
    - path: data/prepared.csv
      md5: 92eb5ffee6ae2fec3ad71c777531578f
      size: 1
  broken:
    outs: [{path: x}]
)");
  // An output without md5 is one DVC has not computed yet: valid, nothing to verify.
  EXPECT_EQ(problems(m), (Strings{"14: stage 'broken' has no 'cmd'"}));
  ASSERT_EQ(m.outs.size(), 2u);
  EXPECT_EQ(m.outs[0].path, "data/prepared.csv");
  EXPECT_EQ(m.deps.size(), 1u);
  EXPECT_EQ(problems(parse_dvc_lock("schema: '9.9'\nstages: {}\n")),
            (Strings{"1: unknown dvc.lock schema (expected '2.0' or '3.0')"}));
}

TEST(DvcManifest, Paths) {
  EXPECT_TRUE(is_dvc_file("data/x.csv.dvc"));
  EXPECT_FALSE(is_dvc_file(".dvc"));
  EXPECT_TRUE(is_dvc_lock("dvc.lock"));
  EXPECT_TRUE(is_dvc_lock("sub/dvc.lock"));
  EXPECT_FALSE(is_dvc_lock("notdvc.lock"));
}

// Expected bytes are Python's json.dumps(sorted listing, sort_keys=True) of the same entries.
TEST(DvcListing, SerialisesAsPythonJsonDumps) {
  std::string listing = dvc_listing_bytes(
      {{"q\"b\\c\n\t\x01\x7f", "a"}, {"caf\xC3\xA9/\xF0\x9F\x98\x80", "b"}, {"bad\xFF", "c"}});
  EXPECT_EQ(listing,
            R"([{"md5": "c", "relpath": "bad\udcff"}, {"md5": "b", "relpath": )"
            R"("caf\u00e9/\ud83d\ude00"}, {"md5": "a", "relpath": "q\"b\\c\n\t\u0001\u007f"}])");
  EXPECT_EQ(dvc_listing_bytes({}), "[]");
  EXPECT_EQ(md5_hex("[]"), "d751713988987e9331980363e24189ce");  // DVC's empty folder
  EXPECT_EQ(dvc_cache_paths("074c393b1da19f7ebfa6a0a975fb6ff1"),
            (Strings{".dvc/cache/files/md5/07/4c393b1da19f7ebfa6a0a975fb6ff1.dir",
                     ".dvc/cache/07/4c393b1da19f7ebfa6a0a975fb6ff1.dir"}));
}

TEST(DvcListing, ReadsListingsAndRefusesHostileOnes) {
  auto files = parse_dvc_listing(
      R"([{"md5": "7FC56270E7A70FA81A5935B72EACBE29", "relpath": "a.png", "size": 1},
          {"relpath": "b/c.png"}])");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].md5, "7fc56270e7a70fa81a5935b72eacbe29");
  EXPECT_EQ(files[1].relpath, "b/c.png");
  EXPECT_EQ(files[1].md5, "");
  for (const char* bad : {"{}", "[1]", R"([{"md5": "x"}])", R"([{"relpath": 3}])",
                          R"([{"relpath": "a", "md5": 1}])", "[{", ""}) {
    EXPECT_THROW(parse_dvc_listing(bad), SchemaError) << bad;
  }
  EXPECT_THROW(parse_dvc_listing(std::string(100000, '[')), SchemaError);
}

TEST(DvcManifest, WdirNfilesExternalsAndStageWdirs) {
  DvcManifest m = parse_dvc_file(
      "wdir: ..\ncmd: python prep.py\ndeps:\n- path: https://example.com/x.csv\n  etag: abc\n"
      "- path: data/y.csv\n  repo:\n    url: https://github.com/x/y\n- path: src/prep.py\n"
      "  md5: 0cc175b9c0f1b6a831c399e269772661\nouts:\n"
      "- md5: 0cc175b9c0f1b6a831c399e269772661.dir\n  nfiles: 4\n  path: out\n");
  EXPECT_EQ(problems(m), Strings{});
  EXPECT_EQ(m.wdir, "..");
  EXPECT_TRUE(m.has_cmd);
  ASSERT_EQ(m.deps.size(), 3u);
  EXPECT_TRUE(m.deps[0].external);
  EXPECT_TRUE(m.deps[1].external);
  EXPECT_FALSE(m.deps[2].external);
  EXPECT_EQ(*m.outs[0].nfiles, 4u);
  DvcManifest lock = parse_dvc_lock(
      "schema: '2.0'\nstages:\n  a@1:\n    cmd: x\n    deps:\n    - path: in\n      md5: "
      "0cc175b9c0f1b6a831c399e269772661\n");
  ASSERT_EQ(lock.deps.size(), 1u);
  EXPECT_EQ(lock.deps[0].stage, "a@1");
  auto wdirs = parse_stage_wdirs(
      "stages:\n  a:\n    cmd: x\n    wdir: sub\n  b:\n    foreach: [1]\n    do:\n      cmd: y\n"
      "      wdir: ${item}\n  c:\n    cmd: z\n");
  EXPECT_EQ(wdirs, (std::map<std::string, std::string>{{"a", "sub"}, {"b", "${item}"}}));
  EXPECT_TRUE(parse_stage_wdirs("[unclosed").empty());
  EXPECT_TRUE(parse_stage_wdirs("- a list").empty());
}

}  // namespace
}  // namespace gate::data
