#pragma once

#include <string_view>

#include "gate/types/changeset.hpp"

namespace gate {

// The added lines of a change that only inserts whole lines (an added file, an append, a block
// inserted anywhere) or only removes them, found without running a diff. These are the lines a
// line diff reports too: it matches the common leading and trailing lines first, and a block it
// could slide is placed as low as it goes, which is where the longest common prefix leaves it.
// Returns false, leaving `lines` untouched, for any other change; the caller then diffs.
bool inserted_lines(std::string_view old_text, std::string_view new_text, AddedLines& lines);

// Whether a diff treats the content as binary: a NUL byte among the first 8000 bytes, as git and
// libgit2 decide it.
bool has_nul_prefix(std::string_view content);

// A line as reports show it: without its "\n" or "\r\n".
std::string_view without_line_end(std::string_view line);

}  // namespace gate
