#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/blob_source.hpp"

namespace re2 {
class RE2;
}

namespace gate::rules {

enum class ReusePrecedence {
  closest,    // used when the file says nothing itself
  aggregate,  // added to what the file says
  override,   // replaces what the file says
};

// A REUSE annotation: files matching its paths have `license`. Paths are root-relative globs,
// matched as bytes.
struct ReuseAnnotation {
  std::shared_ptr<const re2::RE2> paths;
  std::string license;
  ReusePrecedence precedence = ReusePrecedence::closest;
  std::string source;  // the file it comes from: REUSE.toml or .reuse/dep5
  uint32_t line = 0;   // where the annotation starts in that file

  bool matches(std::string_view path) const;
};

// REUSE.toml (REUSE 3.2+): `[[annotations]]` with `path` (string or list; `*` stops at '/',
// `**` does not), `SPDX-License-Identifier` and `precedence`. Copyright-only annotations are
// left out. Throws InputError with the file's line and column when malformed.
std::vector<ReuseAnnotation> parse_reuse_toml(std::string_view text, const std::string& path);

// .reuse/dep5 (REUSE up to 3.0), in the Debian copyright format 1.0: `Files:` paragraphs with
// whitespace-separated patterns (`*` matches across '/', `?` one byte) and a `License:` whose
// first line is the expression. As REUSE reads it, every entry has aggregate precedence. Throws
// InputError naming the line when a line is not a field, a continuation or a blank separator.
std::vector<ReuseAnnotation> parse_dep5(std::string_view text, const std::string& path);

// The head revision's REUSE annotations: REUSE.toml, else .reuse/dep5, else none. Both at once is
// an input error (REUSE allows one). Later annotations win over earlier ones.
std::vector<ReuseAnnotation> read_reuse_annotations(const BlobSource& blobs);

}  // namespace gate::rules
