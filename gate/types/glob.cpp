#include "gate/types/glob.hpp"

#include <re2/re2.h>

#include <stdexcept>

namespace gate {

namespace {

void append_literal(std::string& regex, char c) {
  regex += RE2::QuoteMeta(std::string_view(&c, 1));
}

// Translates one '/'-free segment (not "**") to a regex fragment.
std::string translate_segment(const std::string& segment, const std::string& pattern) {
  std::string regex;
  for (size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c == '\\') {
      if (i + 1 >= segment.size()) {
        throw std::invalid_argument("pattern '" + pattern + "' ends with a lone backslash");
      }
      append_literal(regex, segment[++i]);
    } else if (c == '*') {
      while (i + 1 < segment.size() && segment[i + 1] == '*') ++i;  // "a**b" is "a*b"
      regex += "[^/]*";
    } else if (c == '?') {
      regex += "[^/]";
    } else if (c == '[') {
      size_t j = i + 1;
      std::string cls = "[";
      if (j < segment.size() && (segment[j] == '!' || segment[j] == '^')) {
        cls += '^';
        ++j;
      }
      bool negated = cls.size() == 2;
      size_t first = j;
      bool closed = false;
      for (; j < segment.size(); ++j) {
        char d = segment[j];
        if (d == ']' && j > first) {
          closed = true;
          break;
        }
        if (d == '[' && j + 1 < segment.size() && segment[j + 1] == ':') {
          size_t end = segment.find(":]", j + 2);
          if (end == std::string::npos) break;
          cls += segment.substr(j, end + 2 - j);
          j = end + 1;
          continue;
        }
        if (d == '\\') {
          if (j + 1 >= segment.size()) break;
          d = segment[++j];
          cls += '\\';
          cls += d;
          continue;
        }
        if (d == '[' || d == '^' || d == ']') cls += '\\';
        cls += d;
      }
      if (!closed) {
        throw std::invalid_argument("pattern '" + pattern + "' has an unterminated '[' class");
      }
      if (negated) cls += '/';  // a class never matches the separator
      cls += ']';
      regex += cls;
      i = j;
    } else {
      append_literal(regex, c);
    }
  }
  return regex;
}

}  // namespace

Glob::Glob(std::string pattern) : pattern_(std::move(pattern)) {
  std::string body = pattern_;
  if (body.empty()) throw std::invalid_argument("empty pattern matches no path");
  if (body.find('\0') != std::string::npos) {
    throw std::invalid_argument("pattern contains a NUL byte");
  }
  bool anchored = false;
  if (body.front() == '/') {
    anchored = true;
    body.erase(0, 1);
  }
  bool directory = false;
  if (!body.empty() && body.back() == '/') {
    directory = true;
    body.pop_back();
  }
  if (body.empty()) throw std::invalid_argument("pattern '" + pattern_ + "' names no path");
  if (body.find('/') != std::string::npos) anchored = true;

  std::vector<std::string> segments;
  size_t start = 0;
  while (true) {
    size_t slash = body.find('/', start);
    segments.push_back(body.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  for (const auto& segment : segments) {
    if (segment.empty()) {
      throw std::invalid_argument("pattern '" + pattern_ + "' has an empty segment ('//')");
    }
    if (segment == "." || segment == "..") {
      throw std::invalid_argument("pattern '" + pattern_ + "' has a '" + segment +
                                  "' segment; paths are relative to the repository root");
    }
  }

  std::string regex = anchored ? "" : "(?:.*/)?";
  bool glue = false;  // the previous token already ends with '/'
  bool ends_with_everything = false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    bool last = i + 1 == segments.size();
    if (segment == "**") {
      if (last) {
        regex += i == 0 ? ".*" : "/.*";
        ends_with_everything = true;
      } else {
        regex += i == 0 ? "(?:.*/)?" : "/(?:.*/)?";
        glue = true;
      }
      continue;
    }
    if (i > 0 && !glue) regex += '/';
    glue = false;
    regex += translate_segment(segment, pattern_);
  }
  // As in .gitignore, a pattern that names a directory covers everything below it.
  if (!ends_with_everything) regex += directory ? "/.*" : "(?:/.*)?";
  regex_ = regex;

  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);  // paths are bytes, not always UTF-8
  options.set_log_errors(false);
  options.set_dot_nl(true);
  auto program = std::make_shared<RE2>(regex_, options);
  if (!program->ok()) {
    throw std::invalid_argument("pattern '" + pattern_ +
                                "' is not a valid glob: " + program->error());
  }
  program_ = std::move(program);
}

Glob::~Glob() = default;
Glob::Glob(const Glob&) = default;
Glob& Glob::operator=(const Glob&) = default;
Glob::Glob(Glob&&) noexcept = default;
Glob& Glob::operator=(Glob&&) noexcept = default;

bool Glob::matches(std::string_view path) const { return RE2::FullMatch(path, *program_); }

GlobList::GlobList(const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    if (!pattern.empty() && pattern.front() == '!') {
      entries_.push_back({Glob(pattern.substr(1)), true});
    } else {
      entries_.push_back({Glob(pattern), false});
    }
  }
}

bool GlobList::matches(std::string_view path) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->glob.matches(path)) return !it->negated;
  }
  return false;
}

std::vector<std::string> GlobList::patterns() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_) {
    out.push_back((entry.negated ? "!" : "") + entry.glob.pattern());
  }
  return out;
}

}  // namespace gate
