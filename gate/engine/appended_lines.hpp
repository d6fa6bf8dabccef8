#pragma once

#include <string_view>

#include "gate/types/changeset.hpp"

namespace gate {

// The added lines of a file whose new content is the old content plus lines at the end (an added
// file is the case with no old content), found without running a diff. These are the lines a
// line diff reports as well, since it matches the common prefix first. Returns false, leaving
// `lines` untouched, when the change is not such an append or when a diff could place the added
// block elsewhere (the last old line repeats the last new one); the caller then diffs.
bool appended_lines(std::string_view old_text, std::string_view new_text, AddedLines& lines);

// Whether a diff treats the content as binary: a NUL byte among the first 8000 bytes, as git and
// libgit2 decide it.
bool has_nul_prefix(std::string_view content);

// A line as reports show it: without its "\n" or "\r\n".
std::string_view without_line_end(std::string_view line);

}  // namespace gate
