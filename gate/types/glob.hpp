#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace gate {

// A gitignore-style path pattern, matched against repository-relative '/'-separated paths.
//   - a pattern without '/' (apart from a trailing one) matches the basename at any depth;
//   - a pattern with '/' is anchored at the repository root (a leading '/' is allowed);
//   - '*' and '?' never cross '/', '**' as a whole segment spans any number of directories;
//   - a trailing '/' (or '/**') matches everything below that directory;
//   - '[...]' classes and '\' escapes as in gitignore.
// Compiled to an RE2 program, so matching is linear in the path length.
class Glob {
 public:
  // Throws std::invalid_argument with a human-readable reason when the pattern is malformed or
  // cannot match any path (empty, '..' or '.' segments, '//', unterminated class, trailing '\').
  explicit Glob(std::string pattern);
  ~Glob();
  Glob(const Glob&);
  Glob& operator=(const Glob&);
  Glob(Glob&&) noexcept;
  Glob& operator=(Glob&&) noexcept;

  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }
  const std::string& regex() const { return regex_; }

 private:
  std::string pattern_;
  std::string regex_;
  std::shared_ptr<const re2::RE2> program_;
};

// A list of globs where a later '!pattern' re-includes nothing and excludes what earlier
// entries matched, as in .gitignore: the last matching entry decides.
class GlobList {
 public:
  GlobList() = default;
  explicit GlobList(const std::vector<std::string>& patterns);  // may throw like Glob

  bool empty() const { return entries_.empty(); }
  bool matches(std::string_view path) const;
  std::vector<std::string> patterns() const;

 private:
  struct Entry {
    Glob glob;
    bool negated;
  };
  std::vector<Entry> entries_;
};

}  // namespace gate
