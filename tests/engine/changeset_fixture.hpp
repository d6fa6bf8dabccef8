#pragma once

// A real repository and the change set Gate builds from it, for the change-set tests.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "gate/engine/changeset_builder.hpp"
#include "gate/engine/git.hpp"
#include "tests/support/support.hpp"

namespace gate {

class ChangeSetFixture : public ::testing::Test {
 protected:
  static ChangeSet build_in(test::GitRepo& repo, const std::string& base_rev = "main",
                            const std::string& head_rev = "HEAD", ChangeSetOptions options = {}) {
    git::Repository handle = git::open_repository(repo.dir());
    auto base = git::resolve_commit(handle.get(), base_rev);
    auto head = git::resolve_commit(handle.get(), head_rev);
    EXPECT_TRUE(base && head);
    return build_changeset(handle.get(), *base, *head, options);
  }

  ChangeSet build(const std::string& base_rev = "main", const std::string& head_rev = "HEAD",
                  ChangeSetOptions options = {}) {
    return build_in(repo, base_rev, head_rev, options);
  }

  static const FileChange& file(const ChangeSet& change, const std::string& path) {
    for (const auto& f : change.files) {
      if (f.path == path) return f;
    }
    throw std::runtime_error("no change for " + path);
  }

  git::Library library;
  test::GitRepo repo;
};

}  // namespace gate
