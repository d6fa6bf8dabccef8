// Repositories of every shape and paths of every kind are judged correctly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;

const char* kPolicy = R"(version: 1
rules:
  - id: no-keys
    type: forbidden-paths
    paths: ["**/*.pem"]
  - id: small
    type: max-file-size
    limit: 100kB
)";

GitRepo& with_policy(GitRepo& repo) {
  repo.write(".gate/policy.yaml", kPolicy);
  repo.commit("policy");
  repo.branch("feature");
  return repo;
}

nlohmann::json judge(const std::string& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"check", "--repo", dir, "--base", "main", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult result = run_gate(args);
  EXPECT_NE(result.exit_code, 2) << result.err;
  return nlohmann::json::parse(result.out);
}

TEST(RepositoryShapes, HostilePathNames) {
  GitRepo repo;
  with_policy(repo);
  repo.write("dir with spaces/key file.pem", "k");
  repo.write("-leading-dash.pem", "k");
  repo.write("new\nline.pem", "k");
  repo.write("latin1-\xe9t\xe9.pem", "k");
  repo.commit("hostile names");
  nlohmann::json report = judge(repo.dir());
  ASSERT_EQ(report["findings"].size(), 4u);
  std::vector<std::string> paths;
  for (const auto& f : report["findings"]) paths.push_back(f["path"]);
  EXPECT_THAT(paths, ::testing::Contains("dir with spaces/key file.pem"));
  EXPECT_THAT(paths, ::testing::Contains("-leading-dash.pem"));
  EXPECT_THAT(paths, ::testing::Contains("new\nline.pem"));
  EXPECT_THAT(paths, ::testing::Contains("latin1-\xef\xbf\xbdt\xef\xbf\xbd.pem"));
  // The text report escapes the newline instead of breaking its layout.
  RunResult text = run_gate({"check", "--repo", repo.dir(), "--base", "main"});
  EXPECT_THAT(text.out, HasSubstr("new\\x0aline.pem"));
}

TEST(RepositoryShapes, BareRepository) {
  GitRepo repo;
  with_policy(repo);
  repo.write("k.pem", "k");
  repo.commit("key");
  TempDir dir;
  std::string bare = (dir / "bare.git").string();
  ASSERT_EQ(run({"git", "clone", "-q", "--bare", repo.dir(), bare}).exit_code, 0);
  RunResult result = run_gate({"check", "--repo", bare, "--base", "main", "--head", "feature"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.out, HasSubstr("k.pem: 'k.pem' is a forbidden path"));
}

TEST(RepositoryShapes, LinkedWorktree) {
  GitRepo repo;
  with_policy(repo);
  repo.write("k.pem", "k");
  repo.commit("key");
  repo.checkout("main");
  TempDir dir;
  std::string tree = (dir / "wt").string();
  repo.git({"worktree", "add", "-q", tree, "feature"});
  RunResult result = run_gate({"check", "--repo", tree, "--base", "main"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.out, HasSubstr("k.pem"));
}

TEST(RepositoryShapes, BinaryFilesAndSymlinksAreReportedNotFollowed) {
  GitRepo repo;
  with_policy(repo);
  repo.write("blob.bin", std::string("\x00\x01\x02binary\x00", 10));
  std::filesystem::create_symlink("/etc/shadow", repo.path() / "link.pem");
  repo.commit("binary and symlink");
  nlohmann::json report = judge(repo.dir());
  EXPECT_EQ(report["summary"]["files"], 2);
  // A symlink named like a key is still a forbidden path, but its target is never read.
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["path"], "link.pem");
}

TEST(RepositoryShapes, LargeFileIsJudgedFromItsSize) {
  GitRepo repo;
  with_policy(repo);
  repo.write("data/big.txt", std::string(3u << 20, 'a'));
  repo.commit("big");
  nlohmann::json report = judge(repo.dir(), {"--max-diff-size", "1MB"});
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["rule_id"], "small");
  EXPECT_THAT(report["findings"][0]["message"].get<std::string>(), HasSubstr("3145728 > 100000"));
}

TEST(RepositoryShapes, DefaultBaseIsTheUpstreamDefaultBranch) {
  GitRepo origin;
  with_policy(origin);
  origin.checkout("main");
  TempDir dir;
  std::string clone = (dir / "clone").string();
  ASSERT_EQ(run({"git", "clone", "-q", origin.dir(), clone}).exit_code, 0);
  ASSERT_EQ(run({"git", "-C", clone, "checkout", "-q", "-b", "topic"}).exit_code, 0);
  write_file(std::filesystem::path(clone) / "x.pem", "k");
  run({"git", "-C", clone, "add", "-A"});
  run({"git", "-C", clone, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "k"});
  RunResult result = run_gate({"check", "--repo", clone, "--format", "json"});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["base"]["source"],
            "default branch (refs/remotes/origin/main)");
}

}  // namespace
}  // namespace gate::test
