#include "gate/engine/evidence_loader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "gate/engine/forge/forge_responses.hpp"
#include "gate/types/errors.hpp"

// The approvals file format is documented in docs/approvals.md. nlohmann-json keeps no source
// positions in its DOM, so a first SAX pass records where every value starts (by JSON pointer)
// through an iterator that counts the bytes the lexer consumed; validation errors then name the
// line and column of the offending value, not only its pointer.

namespace gate {

namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxApprovalsBytes = 64ull << 20;

struct Location {
  uint32_t line = 0;
  uint32_t column = 0;
};

Location location_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  Location where{1, 1};
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++where.line;
      line_start = i + 1;
    }
  }
  where.column = static_cast<uint32_t>(offset - line_start + 1);
  return where;
}

// A char iterator that tells a shared counter how far the lexer has read.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* position, size_t* consumed)
      : position_(position), consumed_(consumed) {}
  reference operator*() const { return *position_; }
  CountingIterator& operator++() {
    ++position_;
    ++*consumed_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return position_ == other.position_; }
  bool operator!=(const CountingIterator& other) const { return position_ != other.position_; }

 private:
  const char* position_;
  size_t* consumed_;
};

// Records the byte offset at which each value (by JSON pointer) was read. Only the shallow
// levels the format has are recorded, so deeply nested hostile input stays linear.
class PositionRecorder : public nlohmann::json_sax<json> {
 public:
  static constexpr size_t kMaxDepth = 4;

  explicit PositionRecorder(const size_t* consumed) : consumed_(consumed) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(false); }
  bool key(string_t& name) override {
    if (frames_.size() <= kMaxDepth) {
      pointer_.resize(frames_.back().base);
      pointer_ += '/';
      pointer_ += name;
      positions_.emplace(pointer_, *consumed_);
    }
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  std::map<std::string, size_t> positions_;

 private:
  struct Frame {
    bool array;
    size_t next;
    size_t base;  // length of the container's own pointer
  };
  bool value() {
    if (frames_.size() > kMaxDepth) return true;
    if (!frames_.empty() && frames_.back().array) {
      pointer_.resize(frames_.back().base);
      pointer_ += '/';
      pointer_ += std::to_string(frames_.back().next++);
    }
    positions_.emplace(pointer_, *consumed_);
    return true;
  }
  bool open(bool array) {
    value();
    frames_.push_back({array, 0, pointer_.size()});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  const size_t* consumed_;
  std::vector<Frame> frames_;
  std::string pointer_;
};

class ApprovalsParser {
 public:
  ApprovalsParser(std::string_view text, std::string display)
      : text_(text), display_(std::move(display)) {}

  Evidence parse() {
    json document = parse_document();
    Evidence evidence;
    evidence.approvals_provided = true;
    evidence.approvals_file = display_;
    evidence.approvals_source = "file:" + display_;
    if (!document.is_object()) fail("", "must be a JSON object with an \"approvals\" list");
    static const std::set<std::string> known = {"version", "author", "approvals", "teams"};
    for (const auto& [key, value] : document.items()) {
      if (!known.count(key)) {
        fail("/" + key, "unknown key \"" + key + "\"",
             "known keys: version, author, approvals, teams (see docs/approvals.md)");
      }
    }
    if (document.contains("version") &&
        !(document["version"].is_number_integer() && document["version"] == 1)) {
      fail("/version", "unsupported version", "this Gate reads approvals format version 1");
    }
    if (document.contains("author") && !document["author"].is_null()) {
      evidence.author = login("/author", document["author"]);
    }
    if (!document.contains("approvals")) {
      fail("", "has no \"approvals\" list", "write \"approvals\": [] when nobody approved yet");
    }
    const json& approvals = document["approvals"];
    if (!approvals.is_array()) fail("/approvals", "\"approvals\" must be a list");
    for (size_t i = 0; i < approvals.size(); ++i) {
      evidence.approvals.push_back(approval("/approvals/" + std::to_string(i), approvals[i]));
    }
    if (document.contains("teams") && !document["teams"].is_null()) {
      const json& teams = document["teams"];
      if (!teams.is_object())
        fail("/teams", "\"teams\" must map \"@org/team\" to a list of logins");
      for (const auto& [team, members] : teams.items()) {
        std::string where = "/teams/" + team;
        std::string name = team;
        if (!name.empty() && name.front() == '@') name.erase(0, 1);
        if (name.empty() || name.find('/') == std::string::npos) {
          fail(where, "team \"" + team + "\" is not of the form @org/team");
        }
        if (!members.is_array())
          fail(where, "members of \"" + team + "\" must be a list of logins");
        std::vector<std::string> logins;
        for (size_t m = 0; m < members.size(); ++m) {
          logins.push_back(login(where + "/" + std::to_string(m), members[m]));
        }
        evidence.teams["@" + name] = std::move(logins);
      }
    }
    return evidence;
  }

 private:
  json parse_document() {
    size_t consumed = 0;
    PositionRecorder recorder(&consumed);
    CountingIterator first(text_.data(), &consumed);
    CountingIterator last(text_.data() + text_.size(), &consumed);
    try {
      json::sax_parse(first, last, &recorder, nlohmann::detail::input_format_t::json, true);
      positions_ = std::move(recorder.positions_);
      return json::parse(text_);
    } catch (const json::parse_error& e) {
      size_t byte = e.byte > 0 ? e.byte - 1 : 0;
      Location where = location_at(text_, byte);
      std::string what = e.what();
      // nlohmann's message repeats the position; keep its description after "- ".
      size_t detail = what.find(": syntax error");
      if (detail != std::string::npos) what = what.substr(detail + 2);
      throw InputError(display_, where.line, where.column, "invalid JSON: " + what,
                       "the approvals file must be JSON as described in docs/approvals.md");
    } catch (const json::exception& e) {
      // Not a syntax error but a value JSON cannot hold here, such as a number overflow.
      size_t byte = std::min(consumed, text_.size());
      Location where = location_at(text_, byte > 0 ? byte - 1 : 0);
      throw InputError(display_, where.line, where.column, std::string("invalid JSON: ") + e.what(),
                       "the approvals file must be JSON as described in docs/approvals.md");
    }
  }

  [[noreturn]] void fail(const std::string& pointer, const std::string& message,
                         const std::string& hint = "see docs/approvals.md for the format") const {
    std::string at = pointer;
    auto found = positions_.find(at);
    while (found == positions_.end() && !at.empty()) {
      at = at.substr(0, at.rfind('/'));
      found = positions_.find(at);
    }
    Location where = found == positions_.end() ? Location{1, 1} : location_at(text_, found->second);
    std::string text = (pointer.empty() ? std::string("the document") : pointer) + ": " + message;
    // Hostile files carry megabyte keys and values: never echo more than a line's worth.
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    throw InputError(display_, where.line, where.column, text, hint);
  }

  std::string login(const std::string& pointer, const json& value) const {
    if (!value.is_string()) fail(pointer, "must be a login (a string)");
    std::string text = value.get<std::string>();
    if (!text.empty() && text.front() == '@') text.erase(0, 1);
    if (text.empty()) fail(pointer, "is an empty login");
    for (unsigned char c : text) {
      if (c <= ' ' || c == 0x7f) fail(pointer, "login contains whitespace or control characters");
    }
    return text;
  }

  Approval approval(const std::string& pointer, const json& entry) const {
    if (!entry.is_object()) {
      fail(pointer, "each approval must be an object {reviewer, state, commit, time}");
    }
    static const std::set<std::string> known = {"reviewer", "state", "commit", "time"};
    for (const auto& [key, value] : entry.items()) {
      if (!known.count(key)) {
        fail(pointer + "/" + key, "unknown key \"" + key + "\"",
             "an approval has reviewer, state, commit and time");
      }
    }
    Approval out;
    if (!entry.contains("reviewer")) fail(pointer, "has no \"reviewer\"");
    out.reviewer = login(pointer + "/reviewer", entry["reviewer"]);
    if (!entry.contains("state") || !entry["state"].is_string()) {
      fail(pointer + (entry.contains("state") ? "/state" : ""), "needs a \"state\" string",
           "one of approved, changes_requested, commented, dismissed, pending");
    }
    out.state = entry["state"].get<std::string>();
    std::transform(out.state.begin(), out.state.end(), out.state.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> states = {"approved", "changes_requested", "commented",
                                                 "dismissed", "pending"};
    if (!states.count(out.state)) {
      fail(pointer + "/state", "unknown state \"" + entry["state"].get<std::string>() + "\"",
           "one of approved, changes_requested, commented, dismissed, pending");
    }
    if (entry.contains("commit") && !entry["commit"].is_null()) {
      const json& commit = entry["commit"];
      if (!commit.is_string()) fail(pointer + "/commit", "must be a commit id (a string)");
      out.commit = commit.get<std::string>();
      std::transform(out.commit.begin(), out.commit.end(), out.commit.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      bool hex = std::all_of(out.commit.begin(), out.commit.end(),
                             [](unsigned char c) { return std::isxdigit(c); });
      if (!hex || (out.commit.size() != 40 && out.commit.size() != 64)) {
        fail(pointer + "/commit", "must be a full commit id (40 or 64 hex digits)");
      }
    }
    if (entry.contains("time") && !entry["time"].is_null()) {
      const json& time = entry["time"];
      if (time.is_number_integer()) {
        out.time = time.get<int64_t>();
      } else if (time.is_string()) {
        auto parsed = forge::parse_iso8601(time.get<std::string>());
        if (!parsed) {
          fail(pointer + "/time", "is not an ISO 8601 time such as 2024-05-01T12:00:00Z");
        }
        out.time = *parsed;
      } else {
        fail(pointer + "/time", "must be an ISO 8601 string or seconds since the epoch");
      }
    }
    return out;
  }

  std::string_view text_;
  std::string display_;
  std::map<std::string, size_t> positions_;
};

}  // namespace

Evidence parse_approvals(std::string_view text, const std::string& display_path) {
  return ApprovalsParser(text, display_path).parse();
}

Evidence load_evidence(const std::optional<std::string>& approvals_file, const CiContext& context,
                       const ChangeSet& change) {
  (void)change;
  Evidence evidence;
  if (approvals_file) {
    std::ifstream in(*approvals_file, std::ios::binary);
    if (!in) {
      throw InputError(*approvals_file, 0, 0, "cannot read the approvals file",
                       "check the path given to --approvals");
    }
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      text.append(buffer, static_cast<size_t>(in.gcount()));
      if (text.size() > kMaxApprovalsBytes) {
        throw InputError(*approvals_file, 0, 0, "the approvals file is larger than 64 MiB",
                         "it should hold one entry per review; check what the CI step wrote");
      }
    }
    evidence = parse_approvals(text, *approvals_file);
  }
  // The file's author wins: GITHUB_ACTOR / GITLAB_USER_LOGIN name who triggered the run, which
  // is usually but not always the author of the change.
  if (evidence.author.empty()) evidence.author = context.actor;
  return evidence;
}

}  // namespace gate
