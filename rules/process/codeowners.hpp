#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/glob.hpp"

namespace gate::rules {

// One `pattern owner...` line of a CODEOWNERS file.
struct CodeownersEntry {
  std::string pattern;
  uint32_t line = 0;
  // Final owners: the line's own, or the section's default owners when the line names none.
  // Empty means "explicitly unowned" (GitHub: a later pattern without owners clears ownership).
  std::vector<std::string> owners;
  Glob glob;
  // GitHub and GitLab read "dir/*" as the files directly in dir, unlike .gitignore.
  bool direct_children_only = false;
  size_t depth = 0;  // segments of the pattern, for direct_children_only
  // GitLab's `!pattern`: matching paths need no approval from this section, whatever other lines
  // of the section say (exclusions are final; there is no re-inclusion).
  bool exclusion = false;

  bool matches(std::string_view path) const;
};

// A GitLab section: `[Name]`, `^[Name]` (optional), `[Name][N]` (N approvals), each optionally
// followed by default owners. Lines before the first header form the unnamed default section,
// which is all a GitHub CODEOWNERS has.
struct CodeownersSection {
  std::string name;  // as first written; "" for the default section
  uint32_t line = 0;
  bool optional = false;
  uint32_t approvals = 1;
  std::vector<std::string> default_owners;
  std::vector<CodeownersEntry> entries;  // exclusions included, in file order
};

struct Codeowners {
  std::string path;
  std::vector<CodeownersSection> sections;  // the default section first
};

// Parses a CODEOWNERS file. Throws InputError `path:line:col: what is wrong` for a malformed
// line: an unterminated or empty section header, a bad approval count, an invalid pattern, an
// exclusion ('!pattern') with owners, an owner that is neither @user, @org/team, @@role nor an
// email address.
Codeowners parse_codeowners(std::string_view text, const std::string& path);

// For each section with a matching pattern, the last matching entry (last match wins within a
// section). Entries without owners are included: they mean "unowned" in that section. A section
// with a matching exclusion gives no match.
struct CodeownersMatch {
  const CodeownersSection* section;
  const CodeownersEntry* entry;
};
std::vector<CodeownersMatch> match_codeowners(const Codeowners& codeowners, std::string_view path);

// Where GitHub and GitLab look for the file, in the order Gate tries them (first found wins).
const std::vector<std::string>& codeowners_locations();

// The first CODEOWNERS of `where` in the base revision (the one that judges the change), parsed;
// nullopt when there is none. Throws InputError for a file over GitHub's 3 MB limit or a
// malformed line.
std::optional<Codeowners> read_codeowners(const BlobSource& blobs,
                                          const std::vector<std::string>& where);
// Everyone a matching line names, over all sections (optional sections included): who owns the
// path at all.
std::vector<std::string> all_owners_of(const Codeowners& codeowners, std::string_view path);

}  // namespace gate::rules
