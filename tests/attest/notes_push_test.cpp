// Attestation notes shared through one bare repository by runners that push at the same time:
// fetch-merge-retry loses none, a commit attested twice keeps both, and readers take the latest.
#include <gtest/gtest.h>

#include <thread>

#include "attest/git_notes.hpp"
#include "attest/notes_sync.hpp"
#include "gate/engine/git.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

namespace fs = std::filesystem;
using gate::test::run;
using gate::test::run_gate;

class NotesPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"git", "init", "--quiet", "--bare", "-b", "main", origin()}).exit_code, 0);
    seed.write("README", "gate\n");
    for (int i = 0; i < 4; ++i) {
      seed.write("file" + std::to_string(i), std::to_string(i) + "\n");
      commits.push_back(seed.commit("change " + std::to_string(i)));
    }
    seed.git({"push", "--quiet", origin(), "main"});
  }

  std::string origin() const { return (dir / "origin.git").string(); }

  fs::path clone(const std::string& name) {
    fs::path path = dir / name;
    auto cloned = run({"git", "clone", "--quiet", origin(), path.string()});
    EXPECT_EQ(cloned.exit_code, 0) << cloned.err;
    return path;
  }

  static void note(const fs::path& repo, const std::string& commit, const std::string& text) {
    git::Repository handle = git::open_repository(repo.string());
    write_note(handle.get(), commit, text);
  }

  // The notes the origin holds, read from a fresh clone.
  std::map<std::string, std::string> origin_notes() {
    fs::path reader = clone("reader-" + std::to_string(++readers));
    auto fetched = run({"git", "-C", reader.string(), "fetch", "--quiet", "origin",
                        "refs/notes/gate:refs/notes/gate"});
    EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
    git::Repository handle = git::open_repository(reader.string());
    std::map<std::string, std::string> out;
    for (const auto& commit : commits) {
      if (auto text = read_note(handle.get(), commit)) out[commit] = *text;
    }
    return out;
  }

  gate::git::Library libgit2;
  gate::test::TempDir dir;
  gate::test::GitRepo seed;
  std::vector<std::string> commits;
  int readers = 0;
};

TEST_F(NotesPushTest, FourRunnersPushingAtOnceLoseNoNote) {
  std::vector<fs::path> runners;
  for (int i = 0; i < 4; ++i) runners.push_back(clone("runner-" + std::to_string(i)));
  for (int i = 0; i < 4; ++i) {
    note(runners[i], commits[i], "{\"runner\": " + std::to_string(i) + "}");
  }
  // Two runners attest the same commit as well: both attestations must survive.
  note(runners[1], commits[0], "{\"runner\": 1, \"again\": true}");

  std::vector<gate::test::RunResult> results(4);
  std::vector<std::thread> pushes;
  for (int i = 0; i < 4; ++i) {
    pushes.emplace_back([&, i] {
      results[i] = run_gate({"notes", "push", "--repo", runners[i].string(), "--remote", origin(),
                             "--attempts", "20"});
    });
  }
  for (auto& push : pushes) push.join();
  int merged = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(results[i].exit_code, 0) << i << ": " << results[i].err;
    merged += results[i].err.find("merged with the remote's") != std::string::npos;
  }
  // Whoever pushed first found no notes; every later runner had to merge.
  EXPECT_GE(merged, 3);

  auto notes = origin_notes();
  ASSERT_EQ(notes.size(), 4u);
  for (int i = 1; i < 4; ++i)
    EXPECT_EQ(notes[commits[i]], "{\"runner\": " + std::to_string(i) + "}");
  // Runner 1's note of commit 0 replaced runner 0's locally only; after the merge both lines
  // are there (runner 0 pushed {"runner": 0}, runner 1 pushed the second one).
  EXPECT_NE(notes[commits[0]].find("{\"runner\": 0}"), std::string::npos) << notes[commits[0]];
  EXPECT_NE(notes[commits[0]].find("{\"runner\": 1, \"again\": true}"), std::string::npos)
      << notes[commits[0]];
}

TEST_F(NotesPushTest, ARunnerBehindTheRemoteMergesInsteadOfOverwriting) {
  fs::path first = clone("first");
  fs::path second = clone("second");
  note(first, commits[0], "{\"from\": \"first\"}");
  note(second, commits[1], "{\"from\": \"second\"}");
  ASSERT_EQ(run_gate({"notes", "push", "--repo", first.string(), "--remote", origin()}).exit_code,
            0);
  // A plain push from the second runner is refused (not a fast-forward): the race runners hit.
  auto plain = run({"git", "-C", second.string(), "push", "--quiet", "origin",
                    "refs/notes/gate:refs/notes/gate"});
  EXPECT_NE(plain.exit_code, 0);
  auto pushed = run_gate({"notes", "push", "--repo", second.string(), "--remote", origin()});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.err.find("merged with the remote's"), std::string::npos) << pushed.err;
  auto notes = origin_notes();
  EXPECT_EQ(notes[commits[0]], "{\"from\": \"first\"}");
  EXPECT_EQ(notes[commits[1]], "{\"from\": \"second\"}");
}

TEST_F(NotesPushTest, AnUnreachableRemoteIsExitTwoAfterTheAttemptsNamingTheRemote) {
  fs::path runner = clone("runner");
  note(runner, commits[0], "{}");
  std::string missing = (dir / "no-such.git").string();
  auto result = run_gate(
      {"notes", "push", "--repo", runner.string(), "--remote", missing, "--attempts", "2"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("cannot push refs/notes/gate to " + missing + " after 2 attempts"),
            std::string::npos)
      << result.err;
}

TEST(LatestAttestation, ALaterDecisionOutranksAnEarlierOneOnTheSameCommit) {
  PrivateKey key = PrivateKey::generate(KeyType::ecdsa_p256);
  test::Decision pass;
  pass.verdict = "pass";
  test::Decision fail = pass;
  fail.verdict = "fail";
  fail.failed_rule = "no-secrets";
  fail.time = pass.time + 60;
  std::string earlier = test::make_envelope(key, pass);
  std::string later = test::make_envelope(key, fail);
  EXPECT_EQ(latest_attestation(later + "\n" + earlier), later);
  EXPECT_EQ(latest_attestation(earlier + "\n" + later), later);
  EXPECT_EQ(latest_attestation("not json\n" + earlier), earlier);
  EXPECT_EQ(latest_attestation(earlier), earlier);
}

}  // namespace
}  // namespace gate::attest
