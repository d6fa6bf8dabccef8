// The change set as libgit2 computes it, against real repositories.
#include "gate/engine/changeset_builder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <algorithm>
#include <sstream>

#include "gate/engine/git.hpp"
#include "gate/types/errors.hpp"
#include "tests/engine/changeset_fixture.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

using test::GitRepo;

class ChangeSetTest : public ChangeSetFixture {};

TEST_F(ChangeSetTest, AddedLinesCarryTheirNewLineNumbers) {
  repo.write("a.txt", "one\ntwo\nthree\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("a.txt", "zero\none\ntwo\nTWO AND A HALF\nthree\n");
  repo.commit("edit");
  ChangeSet change = build();
  ASSERT_EQ(change.files.size(), 1u);
  const FileChange& a = change.files[0];
  EXPECT_EQ(a.status, ChangeStatus::modified);
  ASSERT_EQ(a.added_lines.size(), 2u);
  EXPECT_EQ(a.added_lines[0].number, 1u);
  EXPECT_EQ(a.added_lines[0].text, "zero");
  EXPECT_EQ(a.added_lines[1].number, 4u);
  EXPECT_EQ(a.added_lines[1].text, "TWO AND A HALF");
  EXPECT_EQ(a.new_size, 34u);
  EXPECT_EQ(a.old_size, 14u);
  EXPECT_EQ(a.old_blob.size(), 40u);
}

TEST_F(ChangeSetTest, RenamesCarrySimilarityAndOldPath) {
  std::string body;
  for (int i = 0; i < 50; ++i) body += "line " + std::to_string(i) + "\n";
  repo.write("old/name.py", body);
  repo.commit("base");
  repo.branch("feature");
  repo.git({"mv", "old/name.py", "new_name.py"});
  repo.write("new_name.py", body + "one more\n");
  repo.commit("rename");
  ChangeSet change = build();
  ASSERT_EQ(change.files.size(), 1u);
  EXPECT_EQ(change.files[0].status, ChangeStatus::renamed);
  EXPECT_EQ(change.files[0].path, "new_name.py");
  EXPECT_EQ(change.files[0].old_path, "old/name.py");
  EXPECT_GE(change.files[0].similarity, 90);
  ASSERT_EQ(change.files[0].added_lines.size(), 1u);
  EXPECT_EQ(change.files[0].added_lines[0].text, "one more");
}

TEST_F(ChangeSetTest, BinaryFilesCarryNoLines) {
  repo.write("keep.txt", "x\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("image.bin", std::string("PNG\0\0\0\x01\x02 text\n", 13));
  repo.commit("binary");
  ChangeSet change = build();
  const FileChange& bin = file(change, "image.bin");
  EXPECT_TRUE(bin.binary);
  EXPECT_TRUE(bin.added_lines.empty());
  EXPECT_EQ(bin.status, ChangeStatus::added);
}

TEST_F(ChangeSetTest, LargeFilesAreMarkedNotDiffed) {
  repo.write("keep.txt", "x\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("big.csv", std::string(200000, 'a') + "\n");
  repo.commit("big");
  ChangeSetOptions options;
  options.max_diff_bytes = 100000;
  ChangeSet change = build("main", "HEAD", options);
  const FileChange& big = file(change, "big.csv");
  EXPECT_TRUE(big.too_large_for_lines);
  EXPECT_TRUE(big.added_lines.empty());
  EXPECT_EQ(big.new_size, 200001u);
}

TEST_F(ChangeSetTest, SymlinksAndTypeChangesAreReportedAsSuch) {
  repo.write("target.txt", "t\n");
  repo.write("was_file", "f\n");
  repo.commit("base");
  repo.branch("feature");
  std::filesystem::create_symlink("target.txt", repo.path() / "link");
  repo.remove("was_file");
  std::filesystem::create_symlink("/etc/passwd", repo.path() / "was_file");
  repo.commit("links");
  ChangeSet change = build();
  EXPECT_EQ(file(change, "link").new_kind, EntryKind::symlink);
  EXPECT_TRUE(file(change, "link").added_lines.empty());
  EXPECT_EQ(file(change, "was_file").status, ChangeStatus::type_changed);
  EXPECT_EQ(file(change, "was_file").old_kind, EntryKind::file);
  EXPECT_EQ(file(change, "was_file").new_kind, EntryKind::symlink);
}

TEST_F(ChangeSetTest, SubmoduleChangesAreReported) {
  GitRepo sub;
  sub.write("s.txt", "s\n");
  std::string sub_commit = sub.commit("sub");
  repo.write("keep.txt", "x\n");
  repo.commit("base");
  repo.branch("feature");
  repo.git({"update-index", "--add", "--cacheinfo", "160000," + sub_commit + ",vendor/lib"});
  repo.git({"commit", "-q", "-m", "submodule"});
  ChangeSet change = build();
  const FileChange& module = file(change, "vendor/lib");
  EXPECT_EQ(module.new_kind, EntryKind::submodule);
  EXPECT_EQ(module.new_blob, sub_commit);
}

TEST_F(ChangeSetTest, CommitsOfTheRangeWithTrailersOldestFirst) {
  repo.write("a", "1\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("a", "2\n");
  repo.commit("first change\n\nBody.\n\nSigned-off-by: Ada Lovelace <ada@example.com>\n");
  repo.write("a", "3\n");
  repo.commit("second change");
  ChangeSet change = build();
  ASSERT_EQ(change.commits.size(), 2u);
  EXPECT_EQ(change.commits[0].summary, "first change");
  EXPECT_EQ(change.commits[1].summary, "second change");
  ASSERT_EQ(change.commits[0].trailers.size(), 1u);
  EXPECT_EQ(change.commits[0].trailers[0].key, "Signed-off-by");
  EXPECT_EQ(change.commits[0].trailers[0].value, "Ada Lovelace <ada@example.com>");
  EXPECT_EQ(change.commits[0].author_email, "ada@example.com");
}

TEST_F(ChangeSetTest, ManyFilesOverThreadsGiveTheSameResultAsOne) {
  repo.write("seed", "0\n");
  repo.commit("base");
  repo.branch("feature");
  for (int i = 0; i < 200; ++i) {
    repo.write("f/" + std::to_string(i) + ".txt", "line " + std::to_string(i) + "\nmore\n");
  }
  repo.commit("many");
  ChangeSetOptions one;
  one.threads = 1;
  ChangeSetOptions four;
  four.threads = 4;
  ChangeSet a = build("main", "HEAD", one);
  ChangeSet b = build("main", "HEAD", four);
  ASSERT_EQ(a.files.size(), 200u);
  ASSERT_EQ(b.files.size(), 200u);
  for (size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(a.files[i].path, b.files[i].path);
    ASSERT_EQ(a.files[i].added_lines.size(), 2u);
    EXPECT_EQ(a.files[i].added_lines[1].text, b.files[i].added_lines[1].text);
  }
  EXPECT_TRUE(
      std::is_sorted(a.files.begin(), a.files.end(),
                     [](const FileChange& x, const FileChange& y) { return x.path < y.path; }));
}

// The change set names changed paths to libgit2 up front so unchanged subtrees are never read;
// what comes out must be what git's full tree comparison gives, renames included.
TEST_F(ChangeSetTest, SkippingUnchangedSubtreesLosesNoChange) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "shared line " + std::to_string(i) + "\n";
  for (int d = 0; d < 6; ++d) {
    for (int f = 0; f < 4; ++f) {
      repo.write("deep/d" + std::to_string(d) + "/x/f" + std::to_string(f) + ".txt",
                 "file " + std::to_string(d * 10 + f) + "\n");
    }
  }
  repo.write("moves/from/model.py", body);
  repo.write("copies/source.py", body + "source\n");
  repo.write("becomes_dir", "a file first\n");
  repo.write("was_dir/inner/a.txt", "a\n");
  repo.write("was_dir/b.txt", "b\n");
  repo.write("gone/one.txt", "1\n");
  repo.write("gone/deeper/two.txt", "2\n");
  repo.write("tool.sh", "echo hi\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("deep/d3/x/f1.txt", "changed\n");
  repo.remove("moves/from/model.py");
  repo.write("moves/to/elsewhere/model.py", body);
  repo.write("copies/source.py", body + "source changed\n");
  repo.write("copies/elsewhere/copy.py", body + "source\n");
  repo.remove("becomes_dir");
  repo.write("becomes_dir/now_inside.txt", "inside\n");
  std::filesystem::remove_all(repo.path() / "was_dir");
  repo.write("was_dir", "now a file\n");
  repo.remove("gone/one.txt");
  repo.remove("gone/deeper/two.txt");
  repo.write("fresh/new/dir/n.txt", "new\n");
  std::filesystem::permissions(repo.path() / "tool.sh", std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  repo.git({"commit", "-q", "-am", "everything at once"});
  repo.git({"add", "-A"});
  repo.git({"commit", "-q", "-m", "new files"});
  ChangeSet change = build();

  // git walks both trees whole; its -M pairs are the ones expected.
  std::vector<std::string> expected;
  std::istringstream listing(repo.git({"diff", "-M", "--name-status", "main", "HEAD"}));
  for (std::string line; std::getline(listing, line);) {
    std::vector<std::string> fields;
    std::istringstream split(line);
    for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
    ASSERT_GE(fields.size(), 2u) << line;
    std::string path = fields.back();
    expected.push_back(path + " " + fields[0].substr(0, 1) + " " + fields[1]);
  }
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> actual;
  for (const auto& f : change.files) {
    char status = f.status == ChangeStatus::added          ? 'A'
                  : f.status == ChangeStatus::deleted      ? 'D'
                  : f.status == ChangeStatus::renamed      ? 'R'
                  : f.status == ChangeStatus::copied       ? 'C'
                  : f.status == ChangeStatus::type_changed ? 'T'
                                                           : 'M';
    actual.push_back(f.path + " " + status + " " + (f.old_path.empty() ? f.path : f.old_path));
  }
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual, expected);
  // The cases this repository was built to contain are all there.
  EXPECT_EQ(file(change, "moves/to/elsewhere/model.py").status, ChangeStatus::renamed);
  EXPECT_EQ(file(change, "copies/elsewhere/copy.py").status, ChangeStatus::added);
  EXPECT_EQ(file(change, "becomes_dir/now_inside.txt").status, ChangeStatus::added);
  EXPECT_EQ(file(change, "was_dir/inner/a.txt").status, ChangeStatus::deleted);
  EXPECT_EQ(file(change, "gone/deeper/two.txt").status, ChangeStatus::deleted);
  EXPECT_EQ(file(change, "tool.sh").new_kind, EntryKind::executable);
  EXPECT_EQ(change.files.size(), expected.size());
}

TEST_F(ChangeSetTest, NoFileChangesGiveAnEmptyChangeSetWithItsCommits) {
  repo.write("a", "1\n");
  repo.commit("base");
  repo.branch("feature");
  repo.git({"commit", "-q", "--allow-empty", "-m", "nothing changed"});
  ChangeSet change = build();
  EXPECT_TRUE(change.files.empty());
  ASSERT_EQ(change.commits.size(), 1u);
  EXPECT_EQ(change.commits[0].summary, "nothing changed");
}

}  // namespace
}  // namespace gate
