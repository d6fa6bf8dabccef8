// Rename detection in the change set, held against `git diff -M --name-status` on real
// repositories: the git command line is the oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>

#include "tests/engine/changeset_fixture.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

using test::GitRepo;

std::string body(int lines, const std::string& tag) {
  std::string out;
  for (int i = 0; i < lines; ++i) out += tag + " line " + std::to_string(i) + " of the body\n";
  return out;
}

// One line a file as git prints it with --name-status: "R087 old new", "A path", ...
std::string name_status(const FileChange& file) {
  switch (file.status) {
    case ChangeStatus::added:
      return "A " + file.path;
    case ChangeStatus::deleted:
      return "D " + file.path;
    case ChangeStatus::modified:
      return "M " + file.path;
    case ChangeStatus::type_changed:
      return "T " + file.path;
    case ChangeStatus::renamed:
    case ChangeStatus::copied: {
      char score[8];
      std::snprintf(score, sizeof score, "%03u", unsigned{file.similarity});
      return std::string(file.status == ChangeStatus::renamed ? "R" : "C") + score + " " +
             file.old_path + " " + file.path;
    }
  }
  return "?";
}

class RenameTest : public ChangeSetFixture {
 protected:
  static std::vector<std::string> lines_of(const ChangeSet& change) {
    std::vector<std::string> lines;
    for (const auto& file : change.files) lines.push_back(name_status(file));
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  // What git says, with tabs as spaces; `limit` set: as `git -c diff.renameLimit=limit`.
  std::vector<std::string> oracle(std::optional<int> limit = std::nullopt) {
    return oracle_of(repo, limit);
  }

  static std::vector<std::string> oracle_of(GitRepo& repo,
                                            std::optional<int> limit = std::nullopt) {
    std::vector<std::string> args;
    if (limit) args = {"-c", "diff.renameLimit=" + std::to_string(*limit)};
    args.insert(args.end(), {"diff", "-M", "--name-status", "main...HEAD"});
    std::istringstream out(repo.git(args));
    std::vector<std::string> lines;
    for (std::string line; std::getline(out, line);) {
      if (line.empty()) continue;
      std::replace(line.begin(), line.end(), '\t', ' ');
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }
};

TEST_F(RenameTest, ExactRenamesAreFoundUnderAnyName) {
  repo.write("src/a/model.py", body(30, "model"));
  repo.write("src/a/view.py", body(5, "view"));
  repo.write("tools/run.sh", body(3, "run"));
  repo.commit("base");
  repo.branch("feature");
  repo.remove("src/a/model.py");
  repo.write("lib/model.py", body(30, "model"));
  repo.remove("src/a/view.py");
  repo.write("lib/screen.py", body(5, "view"));
  repo.remove("tools/run.sh");
  repo.write("run.sh", body(3, "run"));
  repo.commit("moves");
  ChangeSet change = build();
  EXPECT_EQ(lines_of(change), oracle());
  ASSERT_EQ(change.files.size(), 3u);
  const FileChange& screen = file(change, "lib/screen.py");
  EXPECT_EQ(screen.status, ChangeStatus::renamed);
  EXPECT_EQ(screen.old_path, "src/a/view.py");
  EXPECT_EQ(screen.similarity, 100);
  EXPECT_TRUE(screen.added_lines.empty());
  EXPECT_EQ(change.rename_limit_needed, 0u);
}

TEST_F(RenameTest, EditedRenameAboveTheThresholdIsFoundWithGitsSimilarity) {
  repo.write("old/parser.cpp", body(40, "parse"));
  repo.write("old/lexer.cpp", body(40, "lex"));
  repo.commit("base");
  repo.branch("feature");
  repo.remove("old/parser.cpp");
  repo.remove("old/lexer.cpp");
  // A new name, so only the similarity search can pair it: about 75% of the lines kept.
  std::string edited = body(30, "parse") + body(10, "rewritten");
  repo.write("new/syntax.cpp", edited);
  // Less than half kept: git calls it a deletion and an addition.
  repo.write("new/tokens.cpp", body(15, "lex") + body(30, "different"));
  repo.commit("rename with edits");
  ChangeSet change = build();
  EXPECT_EQ(lines_of(change), oracle());
  const FileChange& syntax = file(change, "new/syntax.cpp");
  EXPECT_EQ(syntax.status, ChangeStatus::renamed);
  EXPECT_EQ(syntax.old_path, "old/parser.cpp");
  EXPECT_GT(syntax.similarity, 50);
  EXPECT_LT(syntax.similarity, 100);
  EXPECT_EQ(syntax.added_lines.size(), 10u);
  EXPECT_EQ(file(change, "new/tokens.cpp").status, ChangeStatus::added);
  EXPECT_EQ(file(change, "old/lexer.cpp").status, ChangeStatus::deleted);
}

TEST_F(RenameTest, CopiesAreAdditionsAsGitDiffMSaysNotCopies) {
  repo.write("lib/core.py", body(30, "core"));
  repo.write("lib/util.py", body(30, "util"));
  repo.commit("base");
  repo.branch("feature");
  repo.write("vendor/core.py", body(30, "core"));                    // exact copy, source kept
  repo.write("lib/util.py", body(30, "util") + "changed\n");         // source modified ...
  repo.write("vendor/util_copy.py", body(30, "util") + "copied\n");  // ... and copied with edits
  repo.commit("copies");
  ChangeSet change = build();
  EXPECT_EQ(lines_of(change), oracle());
  EXPECT_EQ(file(change, "vendor/core.py").status, ChangeStatus::added);
  EXPECT_EQ(file(change, "vendor/util_copy.py").status, ChangeStatus::added);
  EXPECT_EQ(file(change, "lib/util.py").status, ChangeStatus::modified);
  for (const auto& f : change.files) EXPECT_NE(f.status, ChangeStatus::copied) << f.path;
}

// Four edited renames under new names: 4 x 4 candidates exceed a limit of 3 (9), so only the
// exact rename is found and the change set says the search was bounded, as git warns.
class BoundedRenameTest : public RenameTest {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i)
      repo.write("from/f" + std::to_string(i), body(20, "f" + std::to_string(i)));
    repo.write("from/same", body(20, "same"));
    repo.commit("base");
    repo.branch("feature");
    for (int i = 0; i < 4; ++i) {
      repo.remove("from/f" + std::to_string(i));
      repo.write("to/g" + std::to_string(i), body(20, "f" + std::to_string(i)) + "edited\n");
    }
    repo.remove("from/same");
    repo.write("to/moved", body(20, "same"));
    repo.commit("renames");
  }
};

TEST_F(BoundedRenameTest, TheLimitSkipsTheSearchAndSaysSo) {
  ChangeSetOptions options;
  options.rename_limit = 3;
  ChangeSet change = build("main", "HEAD", options);
  EXPECT_EQ(lines_of(change), oracle(3));
  EXPECT_EQ(change.rename_limit_needed, 4u);
  EXPECT_EQ(file(change, "to/moved").status, ChangeStatus::renamed);
  EXPECT_EQ(file(change, "to/g0").status, ChangeStatus::added);
  // Within the limit (16 <= 4 x 4) the same change pairs every file.
  options.rename_limit = 4;
  ChangeSet full = build("main", "HEAD", options);
  EXPECT_EQ(lines_of(full), oracle(4));
  EXPECT_EQ(full.rename_limit_needed, 0u);
  EXPECT_EQ(file(full, "to/g0").status, ChangeStatus::renamed);
}

TEST_F(BoundedRenameTest, TheRepositorysDiffRenameLimitAppliesAndTheReportSaysSo) {
  repo.git({"config", "diff.renameLimit", "2"});
  EXPECT_EQ(build().rename_limit_needed, 4u);
  test::RunResult text = test::run_gate({"check", "--repo", repo.dir(), "--base", "main"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("warning: edited renames were not searched (too many files); set "
                          "diff.renameLimit to at least 4 to search them all\n"),
            std::string::npos)
      << text.out;
  test::RunResult json =
      test::run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"rename_limit_needed\": 4"), std::string::npos) << json.out;
  // Within the limit, neither report mentions it.
  repo.git({"config", "diff.renameLimit", "1000"});
  test::RunResult quiet =
      test::run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format", "json"});
  EXPECT_EQ(quiet.out.find("rename_limit_needed"), std::string::npos) << quiet.out;
}

// Random histories with every kind of move: exact and edited, same and new names, ties between
// identical sources, copies, CRLF and binary content, symlinks, empty files.
class GeneratedHistory {
 public:
  GeneratedHistory(GitRepo& repo, unsigned seed) : repo_(repo), rng_(seed) {}

  void make() {
    for (int i = 0; i < 50; ++i)
      add(some_dir() + "/file" + std::to_string(i) + ext(), fresh(5 + pick(60)));
    files_["dup/one.txt"] = files_["dup/two.txt"] = fresh(12);
    files_["empty/a"] = files_["empty/b"] = "";
    files_["win/crlf.txt"] = crlf(fresh(20));
    files_["bin/blob.bin"] = binary(300);
    write_all();
    repo_.commit("base");
    repo_.branch("feature");
    for (int commit = 0; commit < 3; ++commit) {
      for (int op = 0; op < 14; ++op) step();
      write_all();
      repo_.commit("change " + std::to_string(commit));
    }
  }

 private:
  unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
  std::string some_dir() { return "d" + std::to_string(pick(6)) + "/s" + std::to_string(pick(3)); }
  std::string ext() { return pick(2) ? ".py" : ".txt"; }
  std::string fresh(int lines) {
    std::string out;
    for (int i = 0; i < lines; ++i) {
      out += "value_" + std::to_string(rng_() % 100000) + " = compute(" + std::to_string(i) + ")\n";
    }
    return out;
  }
  static std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
  }
  std::string binary(int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += static_cast<char>(pick(4) ? pick(256) : 0);
    return out;
  }
  // Rewrites, inserts or removes about `fraction` of the lines.
  std::string edit(const std::string& text, double fraction) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
    int edits = std::max(1, static_cast<int>(lines.size() * fraction));
    for (int e = 0; e < edits; ++e) {
      size_t at = lines.empty() ? 0 : pick(static_cast<unsigned>(lines.size()));
      unsigned kind = pick(3);
      if (kind == 0 || lines.empty()) {
        lines.insert(lines.begin() + static_cast<long>(at), fresh(1));
      } else if (kind == 1) {
        lines[at] = fresh(1);
      } else {
        lines.erase(lines.begin() + static_cast<long>(at));
      }
    }
    std::string out;
    for (const auto& line : lines) out += line;
    return out;
  }
  void add(const std::string& path, const std::string& content) { files_[path] = content; }
  std::string any_path() {
    auto it = files_.begin();
    std::advance(it, pick(static_cast<unsigned>(files_.size())));
    return it->first;
  }
  std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

  void step() {
    std::string path = any_path();
    std::string content = files_[path];
    double fractions[] = {0.0, 0.05, 0.2, 0.4, 0.7};
    double fraction = fractions[pick(5)];
    switch (pick(9)) {
      case 0:  // modified
        files_[path] = edit(content, 0.1);
        break;
      case 1:  // moved under its own name
      case 2: {
        std::string to = some_dir() + "/" + basename(path);
        if (files_.count(to)) break;
        files_.erase(path);
        files_[to] = fraction > 0 ? edit(content, fraction) : content;
        break;
      }
      case 3:  // moved under a new name
      case 4: {
        std::string to = some_dir() + "/moved" + std::to_string(serial_++) + ext();
        files_.erase(path);
        files_[to] = fraction > 0 ? edit(content, fraction) : content;
        break;
      }
      case 5:  // copied
        files_[some_dir() + "/copy" + std::to_string(serial_++)] =
            fraction > 0 ? edit(content, fraction) : content;
        break;
      case 6:  // deleted
        files_.erase(path);
        break;
      case 7:  // added
        add(some_dir() + "/new" + std::to_string(serial_++) + ext(), fresh(3 + pick(40)));
        break;
      default:  // a symlink replaces it
        files_.erase(path);
        links_[path] = basename(any_path());
        break;
    }
  }

  void write_all() {
    for (const auto& entry : std::filesystem::directory_iterator(repo_.path())) {
      if (entry.path().filename() != ".git") std::filesystem::remove_all(entry.path());
    }
    for (const auto& [path, content] : files_) repo_.write(path, content);
    for (const auto& [path, target] : links_) {
      if (files_.count(path)) continue;
      std::filesystem::create_directories((repo_.path() / path).parent_path());
      std::filesystem::create_symlink(target, repo_.path() / path);
    }
  }

  GitRepo& repo_;
  std::mt19937 rng_;
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> links_;
  int serial_ = 0;
};

TEST_F(RenameTest, GeneratedHistoriesEqualGitDiffMNameStatus) {
  size_t exact = 0;
  size_t edited = 0;
  size_t bounded = 0;
  for (unsigned seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    GitRepo generated;
    GeneratedHistory(generated, seed).make();
    ChangeSet change = build_in(generated);
    EXPECT_EQ(lines_of(change), oracle_of(generated));
    for (const auto& f : change.files) {
      if (f.status == ChangeStatus::renamed) ++(f.similarity == 100 ? exact : edited);
    }
    // The same histories with the search bounded.
    ChangeSetOptions options;
    options.rename_limit = 3;
    ChangeSet limited = build_in(generated, "main", "HEAD", options);
    EXPECT_EQ(lines_of(limited), oracle_of(generated, 3));
    if (limited.rename_limit_needed) ++bounded;
  }
  // The histories hold what they were made to hold.
  EXPECT_GE(exact, 10u);
  EXPECT_GE(edited, 20u);
  EXPECT_GE(bounded, 4u);
}

}  // namespace
}  // namespace gate
