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
              "outs:\n- md5: cbbdfbddc07087b715434e752d5d140a.dir\n  path: images\n");
  h.change("src/main.py", "print()\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/loose.csv:0: data file is neither tracked by a DVC manifest nor "
                     "described by a Table Schema (run `dvc add data/loose.csv` or add a "
                     "datapackage.json resource with a schema)"}));
  EXPECT_EQ(h.findings("data-manifest", "{report-untracked: false}"), Strings{});
}

// The folder digests below are Python's: md5(json.dumps(sorted listing, sort_keys=True)), as
// dvc-data's Tree.digest computes them.
TEST(DataManifestRule, FolderOutputsAreHashedAsDvcHashesThem) {
  DataHarness h;
  h.change("data/set/b/deep.csv", "id\n1\n");
  h.change("data/set/a.txt", "hello\r\nworld\r\n");
  h.change("data/set/caf\xC3\xA9 \xF0\x9F\x98\x80.txt", "x");
  auto dvc = [](const std::string& md5, const std::string& extra) {
    return "outs:\n- md5: " + md5 + ".dir\n  size: 20\n  nfiles: 3\n" + extra + "  path: set\n" +
           kMeta;
  };
  h.head_only("data/set.dvc", dvc("d4de71cfe5a50109bc9cb2b5b7251fd7", "  hash: md5\n"));
  EXPECT_EQ(h.findings("data-manifest"), Strings{});
  // DVC 2 (no `hash: md5`) hashed the CRLF text file with LF line ends.
  h.head_only("data/set.dvc", dvc("4ab641f5c0fe1da08c234a1160fef119", ""));
  EXPECT_EQ(h.findings("data-manifest"), Strings{});
  h.head_only("data/set.dvc", dvc("d4de71cfe5a50109bc9cb2b5b7251fd7", "  hash: md5\n"));
  h.change("data/set/b/more.csv", "id\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/set.dvc:2: 'data/set' in the repository hashes to "
                     "e369a2a9f284239bfb6976572f7db8c1.dir (4 files) but the manifest records "
                     "d4de71cfe5a50109bc9cb2b5b7251fd7.dir (run `dvc commit` or `dvc add`)",
                     "error data/set.dvc:2: 'data/set' in the repository holds 23 bytes but the "
                     "manifest records 20",
                     "error data/set.dvc:2: 'data/set' in the repository holds 4 files but the "
                     "manifest records 3"}));
  // Files .dvcignore names are not part of the folder, as for DVC.
  DataHarness ignoring;
  ignoring.change("data/set/b/deep.csv", "id\n1\n");
  ignoring.change("data/set/a.txt", "hello\r\nworld\r\n");
  ignoring.change("data/set/caf\xC3\xA9 \xF0\x9F\x98\x80.txt", "x");
  ignoring.change("data/set/.a.txt.swp", "junk");
  ignoring.change("data/set/b/cache/x.bin", "junk");
  ignoring.head_only("data/set.dvc", dvc("d4de71cfe5a50109bc9cb2b5b7251fd7", "  hash: md5\n"));
  EXPECT_EQ(ignoring.findings("data-manifest").size(), 3u);
  ignoring.head_only(".dvcignore", "# editor files\n*.swp\ncache\n");
  EXPECT_EQ(ignoring.findings("data-manifest"), Strings{});
  DataHarness empty;
  TempDir workspace;
  empty.workdir = workspace.path();
  std::filesystem::create_directories(*empty.workdir / "data/none");
  empty.change(
      "data/none.dvc",
      "outs:\n- md5: d751713988987e9331980363e24189ce.dir\n  path: none\n" + std::string(kMeta));
  EXPECT_EQ(empty.findings("data-manifest"), Strings{});
}

TEST(DataManifestRule, FolderListingFromTheDvcCacheNamesEachFile) {
  DataHarness h;
  TempDir workspace;
  h.workdir = workspace.path();
  std::filesystem::create_directories(workspace / "data/images");
  std::filesystem::create_directories(workspace / ".dvc/cache/files/md5/07");
  const std::string listing =
      R"([{"md5": "7fc56270e7a70fa81a5935b72eacbe29", "relpath": "a.png"}, )"
      R"({"md5": "9d5ed678fe57bcca610140957afab571", "relpath": "b.png"}])";
  write_file(workspace / ".dvc/cache/files/md5/07/4c393b1da19f7ebfa6a0a975fb6ff1.dir", listing);
  write_file(workspace / "data/images/a.png", "A");
  write_file(workspace / "data/images/b.png", "B");
  h.change("data/images.dvc",
           "outs:\n- md5: 074c393b1da19f7ebfa6a0a975fb6ff1.dir\n  size: 2\n  nfiles: 2\n"
           "  hash: md5\n  path: images\n" +
               std::string(kMeta));
  EXPECT_EQ(h.findings("data-manifest"), Strings{});
  std::filesystem::remove(workspace / "data/images/a.png");
  write_file(workspace / "data/images/b.png", "B2");
  write_file(workspace / "data/images/c.png", "C");
  EXPECT_EQ(
      h.findings("data-manifest"),
      (Strings{"error data/images.dvc:2: 'data/images' in the workspace holds 3 bytes but the "
               "manifest records 2",
               "error data/images.dvc:2: 'data/images/a.png' is in the folder's recorded listing "
               "but missing from the workspace (run `dvc commit` or `dvc add`)",
               "error data/images.dvc:2: 'data/images/b.png' in the workspace has md5 "
               "bbd97b00c539801e32317ab550867ec4 but the folder's recorded listing has "
               "9d5ed678fe57bcca610140957afab571 (run `dvc commit` or `dvc add`)",
               "error data/images.dvc:2: 'data/images/c.png' in the workspace is not in the "
               "folder's recorded listing (run `dvc commit` or `dvc add`)"}));
  // A damaged cache object is said, and the folder is still compared by its digest.
  write_file(workspace / ".dvc/cache/files/md5/07/4c393b1da19f7ebfa6a0a975fb6ff1.dir", "[]");
  std::filesystem::remove(workspace / "data/images/c.png");
  write_file(workspace / "data/images/a.png", "A");
  write_file(workspace / "data/images/b.png", "B");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error data/images.dvc:2: the DVC cache object "
                     ".dvc/cache/files/md5/07/4c393b1da19f7ebfa6a0a975fb6ff1.dir has md5 "
                     "d751713988987e9331980363e24189ce, not the "
                     "074c393b1da19f7ebfa6a0a975fb6ff1.dir it is stored as (the cache is damaged: "
                     "delete it and `dvc fetch` it again)"}));
}

TEST(DataManifestRule, LockDependenciesAreVerifiedAgainstTheChange) {
  DataHarness h;
  const std::string lock =
      "schema: '2.0'\nstages:\n  train:\n    cmd: python src/train.py\n    deps:\n"
      "    - path: src/train.py\n      hash: md5\n      md5: dee5c46989f5ec092311188f4fe829c3\n"
      "      size: 9\n    - path: data/in.csv\n      hash: md5\n"
      "      md5: bc9280dfc1d4e67233f138f5bbbf0951\n      size: 5\n"
      "    outs:\n    - path: model.bin\n      hash: md5\n"
      "      md5: 0cc175b9c0f1b6a831c399e269772661\n      size: 1\n";
  h.head_only("dvc.lock", lock);  // data/in.csv: a dependency only, tracked by the lock
  h.change("src/train.py", "print(1)\n");
  h.change("data/in.csv", "id\n1\n");
  EXPECT_EQ(h.findings("data-manifest"), Strings{});
  h.change("src/train.py", "print(2)\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"error dvc.lock:6: dependency 'src/train.py' of stage 'train' in the "
                     "repository has md5 ccb2b99281944a964bd9149f07174af8 but dvc.lock records "
                     "dee5c46989f5ec092311188f4fe829c3 (run `dvc repro` to rerun the stage)"}));
  EXPECT_EQ(h.findings("data-manifest", "{verify-data: false}"), Strings{});
}

TEST(DataManifestRule, PathsAreRelativeToTheStageWorkingDirectory) {
  DataHarness h;
  h.head_only("pipe/dvc.yaml",
              "stages:\n  prep:\n    cmd: ./prep\n    wdir: ../data\n"
              "  each:\n    foreach: [a]\n    do:\n      cmd: x\n      wdir: ${item}\n");
  h.change("pipe/dvc.lock",
           "schema: '2.0'\nstages:\n  prep:\n    cmd: ./prep\n    deps:\n    - path: in.csv\n"
           "      md5: 0cc175b9c0f1b6a831c399e269772661\n  each@a:\n    cmd: x\n    outs:\n"
           "    - path: out.csv\n      md5: 0cc175b9c0f1b6a831c399e269772661\n");
  h.change("data/in.csv", "id\n1\n");
  h.head_only("data/in.csv.dvc", "outs:\n- path: in.csv\n");
  EXPECT_EQ(h.findings("data-manifest"),
            (Strings{"notice pipe/dvc.lock:0: data not verified: wdir '${item}' is a template or "
                     "leaves the repository",
                     "error pipe/dvc.lock:6: dependency 'data/in.csv' of stage 'prep' in the "
                     "repository has md5 bc9280dfc1d4e67233f138f5bbbf0951 but dvc.lock records "
                     "0cc175b9c0f1b6a831c399e269772661 (run `dvc repro` to rerun the stage)"}));
  // A .dvc file's own wdir moves its paths the same way.
  DataHarness dvc;
  dvc.change("data/sub/users.csv.dvc",
             "wdir: ..\nouts:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  path: users.csv\n" +
                 std::string(kMeta));
  dvc.change("data/users.csv", kData);
  EXPECT_EQ(dvc.findings("data-manifest"),
            (Strings{"error data/sub/users.csv.dvc:3: 'data/users.csv' in the repository has md5 " +
                     md5_of(kData) +
                     " but the manifest records 0cc175b9c0f1b6a831c399e269772661 (run `dvc "
                     "commit` or `dvc add`)"}));
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
