#include "gate/engine/forge/forge_responses.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <ctime>

#include "gate/types/text.hpp"

namespace gate::forge {

namespace {

using json = nlohmann::json;

json parse_json(std::string_view body) {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw ResponseError("the answer is not JSON");
  return document;
}

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string text_field(const json& object, const char* key, const std::string& where,
                       bool required = true) {
  const json* value = member(object, key);
  if (!value) {
    if (required) throw ResponseError(where + "." + key + " is missing");
    return {};
  }
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return std::to_string(value->get<int64_t>());
  if (value->is_number_unsigned()) return std::to_string(value->get<uint64_t>());
  throw ResponseError(where + "." + key + " is not a string");
}

// A login as the forge writes it: printable, no spaces, bounded. Anything else is not an answer
// of GitHub or GitLab and must not reach a finding or the signed record.
std::string login_field(const json& object, const char* key, const std::string& where) {
  std::string login = text_field(object, key, where);
  if (login.empty() || login.size() > 255) throw ResponseError(where + "." + key + " is no login");
  for (unsigned char c : login) {
    if (c <= ' ' || c == 0x7f) throw ResponseError(where + "." + key + " is no login");
  }
  return login;
}

bool is_commit_id(std::string_view text) {
  if (text.size() != 40 && text.size() != 64) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string commit_field(const json& object, const char* key, const std::string& where,
                         bool required) {
  std::string commit = ascii_lower(text_field(object, key, where, required));
  if (commit.empty() && !required) return commit;
  if (!is_commit_id(commit)) throw ResponseError(where + "." + key + " is not a commit id");
  return commit;
}

int64_t time_field(const json& object, const char* key, const std::string& where) {
  std::string text = text_field(object, key, where, /*required=*/false);
  if (text.empty()) return 0;
  auto seconds = parse_iso8601(text);
  if (!seconds) throw ResponseError(where + "." + key + " is not an ISO 8601 time");
  return *seconds;
}

const json& list_of(const json& document, const char* what) {
  if (!document.is_array()) throw ResponseError(std::string("the answer is not a list of ") + what);
  return document;
}

}  // namespace

std::optional<int64_t> parse_iso8601(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto digits = [&](size_t at, size_t count) -> std::optional<int> {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text.size() < 20) {
    return std::nullopt;
  }
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  if (text[at] == '.') {
    ++at;
    size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
    offset = 0;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    auto oh = digits(at + 1, 2), om = digits(at + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = (*oh * 3600 + *om * 60) * (text[at] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::tm parts{};
  parts.tm_year = *year - 1900;
  parts.tm_mon = *month - 1;
  parts.tm_mday = *day;
  parts.tm_hour = *hour;
  parts.tm_min = *minute;
  parts.tm_sec = *second;
  return static_cast<int64_t>(timegm(&parts)) - offset;
}

PullRequest parse_github_pull(std::string_view body) {
  json document = parse_json(body);
  if (!document.is_object()) throw ResponseError("the answer is not a pull request object");
  PullRequest pull;
  pull.number = text_field(document, "number", "pull request");
  const json* user = member(document, "user");
  if (!user) throw ResponseError("pull request.user is missing");
  pull.author = login_field(*user, "login", "pull request.user");
  const json* head = member(document, "head");
  if (!head) throw ResponseError("pull request.head is missing");
  pull.head_sha = commit_field(*head, "sha", "pull request.head", /*required=*/true);
  return pull;
}

std::vector<Approval> parse_github_reviews(std::string_view body) {
  json document = parse_json(body);
  std::vector<Approval> reviews;
  const json& list = list_of(document, "reviews");
  for (size_t i = 0; i < list.size(); ++i) {
    const json& entry = list[i];
    std::string where = "review[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw ResponseError(where + " is not an object");
    const json* user = member(entry, "user");
    if (!user) continue;  // a deleted account ("ghost"): no one to count
    Approval review;
    review.reviewer = login_field(*user, "login", where + ".user");
    std::string state = ascii_lower(text_field(entry, "state", where));
    if (state != "approved" && state != "changes_requested" && state != "dismissed" &&
        state != "pending") {
      state = "commented";
    }
    review.state = state;
    review.commit = commit_field(entry, "commit_id", where, /*required=*/false);
    review.time = time_field(entry, "submitted_at", where);
    review.id = text_field(entry, "id", where, /*required=*/false);
    reviews.push_back(std::move(review));
  }
  return reviews;
}

std::vector<std::string> parse_github_members(std::string_view body) {
  json document = parse_json(body);
  std::vector<std::string> logins;
  const json& list = list_of(document, "team members");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = "member[" + std::to_string(i) + "]";
    if (!list[i].is_object()) throw ResponseError(where + " is not an object");
    logins.push_back(login_field(list[i], "login", where));
  }
  return logins;
}

std::optional<std::string> next_page(std::string_view header) {
  // <url>; rel="next", <url>; rel="last"   (parameters may come in any order and case)
  size_t at = 0;
  while (at < header.size()) {
    size_t open = header.find('<', at);
    if (open == std::string_view::npos) return std::nullopt;
    size_t close = header.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view url = header.substr(open + 1, close - open - 1);
    size_t end = header.find('<', close);
    std::string params = ascii_lower(header.substr(
        close + 1, end == std::string_view::npos ? std::string_view::npos : end - close - 1));
    std::string compact;
    for (char c : params) {
      if (c != ' ' && c != '\t') compact += c;
    }
    bool next = false;
    for (const char* form : {";rel=\"next\"", ";rel=next", ";rel=\"next "}) {
      if (compact.find(form) != std::string::npos) next = true;
    }
    if (next && !url.empty()) return std::string(url);
    if (end == std::string_view::npos) return std::nullopt;
    at = end;
  }
  return std::nullopt;
}

MergeRequest parse_gitlab_merge_request(std::string_view body) {
  json document = parse_json(body);
  if (!document.is_object()) throw ResponseError("the answer is not a merge request object");
  MergeRequest request;
  request.iid = text_field(document, "iid", "merge request");
  const json* author = member(document, "author");
  if (!author) throw ResponseError("merge request.author is missing");
  request.author = login_field(*author, "username", "merge request.author");
  request.sha = commit_field(document, "sha", "merge request", /*required=*/false);
  return request;
}

std::vector<ChangeOfCommit> parse_github_commit_pulls(std::string_view body) {
  json document = parse_json(body);
  const json& list = list_of(document, "pull requests");
  std::vector<ChangeOfCommit> changes;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& entry = list[i];
    std::string where = "pull request[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw ResponseError(where + " is not an object");
    ChangeOfCommit change;
    change.number = text_field(entry, "number", where);
    if (const json* user = member(entry, "user")) {
      change.author = login_field(*user, "login", where + ".user");
    }
    const json* head = member(entry, "head");
    if (!head) throw ResponseError(where + ".head is missing");
    change.head_sha = commit_field(*head, "sha", where + ".head", /*required=*/true);
    change.merged = member(entry, "merged_at") != nullptr;
    std::string merge_commit = commit_field(entry, "merge_commit_sha", where, /*required=*/false);
    if (!merge_commit.empty()) change.landed_as.push_back(merge_commit);
    changes.push_back(std::move(change));
  }
  return changes;
}

std::vector<ChangeOfCommit> parse_gitlab_commit_merge_requests(std::string_view body) {
  json document = parse_json(body);
  const json& list = list_of(document, "merge requests");
  std::vector<ChangeOfCommit> changes;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& entry = list[i];
    std::string where = "merge request[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw ResponseError(where + " is not an object");
    ChangeOfCommit change;
    change.number = text_field(entry, "iid", where);
    if (const json* author = member(entry, "author")) {
      change.author = login_field(*author, "username", where + ".author");
    }
    change.head_sha = commit_field(entry, "sha", where, /*required=*/false);
    change.merged = text_field(entry, "state", where, /*required=*/false) == "merged";
    for (const char* key : {"merge_commit_sha", "squash_commit_sha"}) {
      std::string commit = commit_field(entry, key, where, /*required=*/false);
      if (!commit.empty()) change.landed_as.push_back(commit);
    }
    if (!change.head_sha.empty()) change.landed_as.push_back(change.head_sha);
    changes.push_back(std::move(change));
  }
  return changes;
}

std::optional<ChangeOfCommit> change_landed_as(const std::vector<ChangeOfCommit>& changes,
                                               const std::string& commit) {
  std::string wanted = ascii_lower(commit);
  for (const auto& change : changes) {
    if (!change.merged || change.head_sha.empty()) continue;
    for (const auto& landed : change.landed_as) {
      if (landed == wanted) return change;
    }
  }
  return std::nullopt;
}

std::vector<Approval> parse_gitlab_approvals(std::string_view body) {
  json document = parse_json(body);
  if (!document.is_object()) throw ResponseError("the answer is not an approvals object");
  std::vector<Approval> approvals;
  const json* approved_by = member(document, "approved_by");
  if (!approved_by) return approvals;
  if (!approved_by->is_array()) throw ResponseError("approved_by is not a list");
  for (size_t i = 0; i < approved_by->size(); ++i) {
    const json& entry = (*approved_by)[i];
    std::string where = "approved_by[" + std::to_string(i) + "]";
    const json* user = member(entry, "user");
    if (!user) throw ResponseError(where + ".user is missing");
    Approval approval;
    approval.reviewer = login_field(*user, "username", where + ".user");
    approval.state = "approved";
    approval.time = time_field(entry, "approved_at", where);
    approval.id = text_field(*user, "id", where + ".user", /*required=*/false);
    approvals.push_back(std::move(approval));
  }
  return approvals;
}

std::string error_message(std::string_view body) {
  json document = json::parse(body, nullptr, false);
  std::string message;
  if (document.is_object()) {
    for (const char* key : {"message", "error"}) {
      const json* value = member(document, key);
      if (value && value->is_string()) {
        message = value->get<std::string>();
        break;
      }
    }
  }
  std::string line;
  for (unsigned char c : message) {
    if (line.size() >= 160) {
      line += "...";
      break;
    }
    line += c < ' ' || c == 0x7f ? ' ' : static_cast<char>(c);
  }
  return line;
}

}  // namespace gate::forge
