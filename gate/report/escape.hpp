#pragma once

#include <string>
#include <string_view>

namespace gate::escape {

// Everything a report quotes from the repository (paths, lines, messages) may hold bytes that
// mean something to the format it lands in. These functions make such text inert.

// Replaces every invalid UTF-8 sequence with U+FFFD so XML, JSON and Markdown consumers accept it.
std::string valid_utf8(std::string_view text);

// XML 1.0 character data or attribute value: & < > " ' escaped, characters XML 1.0 forbids
// (most C0 controls) replaced with U+FFFD; in attributes tab, CR and LF become character
// references so they survive attribute normalisation.
std::string xml(std::string_view text, bool attribute);

// A Markdown table cell or inline text: the characters that start links, images, emphasis, code,
// HTML, entities, math, mentions, autolinks or table cells backslash-escaped; line breaks turned
// into spaces.
std::string markdown(std::string_view text);

// GitHub workflow commands: the message (data) escapes % CR LF; properties also : and ,.
std::string github_data(std::string_view text);
std::string github_property(std::string_view text);

// A repository-relative path as a URI reference: every byte but unreserved characters and '/'
// percent-encoded (so spaces, '%', '#', '?', newlines and non-ASCII survive as data).
std::string uri_path(std::string_view path);

}  // namespace gate::escape
