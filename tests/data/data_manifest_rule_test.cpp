#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "tests/data/harness.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using Strings = std::vector<std::string>;

// 12 bytes.
const char* kData = "id,name\n1,a\n";

std::string md5_of(const std::string& text);

std::string manifest(const std::string& md5, size_t size, const std::string& meta) {
  return "outs:\n- md5: " + md5 + "\n  size: " + std::to_string(size) +
         "\n  hash: md5\n  path: users.csv\n" + meta;
}

const char* kMeta = "meta:\n  owner: data-team\n  source: crm\n  license: CC-BY-4.0\n";

TEST(DataManifestRule, WellFormedManifestMatchingItsDataPasses) {
  DataHarness h;
  h.change("data/users.csv.dvc", manifest(md5_of(kData), 12, kMeta));
  h.change("data/users.csv", kData);
  RuleResult result = h.run("data-manifest");
  EXPECT_EQ(result.findings.size(), 0u);
  EXPECT_FALSE(result.skipped);
}

TEST(DataManifestRule, Md5AndSizeMismatchAndMissingMeta) {
  DataHarness h;
  h.change("data/users.csv.dvc", manifest("0cc175b9c0f1b6a831c399e269772661", 3,
                                          "meta:\n  owner: data-team\n  license: ''\n"));
  h.change("data/users.csv", kData);
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/users.csv.dvc:2: 'data/users.csv' in the repository has md5 " +
                         md5_of(kData) +
                         " but the manifest records 0cc175b9c0f1b6a831c399e269772661 (run `dvc "
                         "commit` or `dvc add`)",
                     "error data/users.csv.dvc:2: 'data/users.csv' in the repository is 12 bytes "
                     "but the manifest records 3",
                     "error data/users.csv.dvc:7: meta: has no 'license'",
                     "error data/users.csv.dvc:7: meta: has no 'source'"}));
  EXPECT_EQ(h.findings("data-manifest", "{required-meta: [owner], verify-data: false}"), Strings{});
}

TEST(DataManifestRule, DataInTheWorkspaceIsVerifiedAndSymlinksAreNotFollowed) {
  DataHarness h;
  TempDir workspace;
  std::filesystem::create_directories(workspace / "data");
  write_file(workspace / "data/users.csv", "changed\n");
  h.workdir = workspace.path();
  h.change("data/users.csv.dvc", manifest(md5_of(kData), 12, kMeta));
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/users.csv.dvc:2: 'data/users.csv' in the workspace has md5 " +
                         md5_of("changed\n") + " but the manifest records " + md5_of(kData) +
                         " (run `dvc commit` or `dvc add`)",
                     "error data/users.csv.dvc:2: 'data/users.csv' in the workspace is 8 bytes "
                     "but the manifest records 12"}));
  std::filesystem::remove(workspace / "data/users.csv");
  write_file(workspace / "secret.txt", "changed\n");
  std::filesystem::create_symlink(workspace / "secret.txt", workspace / "data/users.csv");
  EXPECT_EQ(h.findings("data-manifest"), Strings{});
}

TEST(DataManifestRule, LegacyDvc2HashOfCrlfTextIsAccepted) {
  DataHarness h;
  std::string crlf = "id,name\r\n1,a\r\n";
  h.change("data/users.csv", crlf);
  h.change("data/users.csv.dvc",
           "outs:\n- md5: " + md5_of(kData) + "\n  size: 14\n  path: users.csv\n" + kMeta);
  EXPECT_EQ(h.findings("data-manifest"), Strings{});
}

TEST(DataManifestRule, MalformedManifestAndLock) {
  DataHarness h;
  h.change("data/x.dvc", "outs:\n- path: /etc/passwd\n  md5: nope\n");
  h.change("dvc.lock", "schema: '2.0'\nstages:\n  train:\n    outs: 7\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/x.dvc:0: no 'meta:' section (required: 'license')",
                     "error data/x.dvc:0: no 'meta:' section (required: 'owner')",
                     "error data/x.dvc:0: no 'meta:' section (required: 'source')",
                     "error data/x.dvc:2: manifest outs: path '/etc/passwd' is absolute or leaves "
                     "the repository",
                     "error dvc.lock:4: stage 'train' has no 'cmd'",
                     "error dvc.lock:4: stage 'train': 'outs' must be a list"}));
}

TEST(DataManifestRule, ChangedDataTrackedByAnUnchangedManifestIsVerified) {
  DataHarness h;
  h.head_only("dvc.lock",
              "schema: '2.0'\nstages:\n  prep:\n    cmd: make\n    outs:\n"
              "    - path: data/users.csv\n      md5: " +
                  md5_of(kData) + "\n      size: 12\n");
  h.change("data/users.csv", "id,name\n2,b\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error dvc.lock:6: 'data/users.csv' in the repository has md5 " +
                     md5_of("id,name\n2,b\n") + " but the manifest records " + md5_of(kData) +
                     " (run `dvc commit` or `dvc add`)"}));
}

TEST(DataManifestRule, UntrackedDataWithoutSchemaIsReported) {
  DataHarness h;
  h.change("data/loose.csv", "a\n1\n");
  h.change("data/described.csv", "a\n1\n");
  h.head_only("data/described.schema.json", R"({"fields": [{"name": "a"}]})");
  h.change("data/images/cat.png", "png");
  h.head_only("data/images.dvc",
              "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661.dir\n  path: images\n");
  h.change("src/main.py", "print()\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/loose.csv:0: data file is neither tracked by a DVC manifest nor "
                     "described by a Table Schema (run `dvc add data/loose.csv` or add a "
                     "datapackage.json resource with a schema)"}));
  EXPECT_EQ(h.findings("data-manifest", "{report-untracked: false}"), Strings{});
}

TEST(DataManifestRule, NothingToJudgeIsSkippedAndBadParamsAreInputErrors) {
  DataHarness h;
  h.change("src/main.py", "print()\n");
  EXPECT_EQ(*h.run("data-manifest").skipped, "no DVC manifest or data file in scope");
  EXPECT_THROW(h.run("data-manifest", "{verify-data: maybe}"), InputError);
  EXPECT_THROW(h.run("data-manifest", "{required: [x]}"), InputError);
}

}  // namespace
}  // namespace gate::test

#include <openssl/evp.h>

namespace gate::test {
namespace {
std::string md5_of(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
  std::string out;
  char buffer[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", digest[i]);
    out += buffer;
  }
  return out;
}
}  // namespace
}  // namespace gate::test
