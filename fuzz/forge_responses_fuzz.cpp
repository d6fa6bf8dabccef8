// Fuzz target: the forge answers Gate reads (GitHub pull request, reviews, team members and
// Link header, a commit's pull requests; GitLab merge request, approvals and a commit's merge
// requests). The first byte picks the reader, the rest
// is the body. Each reader returns values or throws ResponseError, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gate/engine/forge/forge_responses.hpp"

namespace {

void check_logins(const std::vector<gate::Approval>& approvals) {
  for (const auto& approval : approvals) {
    if (approval.reviewer.empty()) __builtin_trap();
    for (unsigned char c : approval.reviewer) {
      if (c <= ' ') __builtin_trap();
    }
    if (!approval.commit.empty() && approval.commit.size() != 40 && approval.commit.size() != 64) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 9) {
      case 0:
        check_logins(gate::forge::parse_github_reviews(body));
        break;
      case 1:
        if (gate::forge::parse_github_pull(body).head_sha.empty()) __builtin_trap();
        break;
      case 2:
        for (const auto& login : gate::forge::parse_github_members(body)) {
          if (login.empty()) __builtin_trap();
        }
        break;
      case 3:
        if (auto next = gate::forge::next_page(body); next && next->empty()) __builtin_trap();
        break;
      case 4:
        if (gate::forge::parse_gitlab_merge_request(body).author.empty()) __builtin_trap();
        break;
      case 5:
        check_logins(gate::forge::parse_gitlab_approvals(body));
        break;
      case 6:
      case 7: {
        auto changes = data[0] % 9 == 6 ? gate::forge::parse_github_commit_pulls(body)
                                        : gate::forge::parse_gitlab_commit_merge_requests(body);
        for (const auto& change : changes) {
          if (change.number.empty()) __builtin_trap();
          for (const auto& landed : change.landed_as) {
            if (landed.size() != 40 && landed.size() != 64) __builtin_trap();
          }
        }
        if (!changes.empty()) (void)gate::forge::change_landed_as(changes, changes[0].head_sha);
        break;
      }
      default:
        if (gate::forge::error_message(body).size() > 200) __builtin_trap();
        (void)gate::forge::parse_iso8601(body);
        break;
    }
  } catch (const gate::forge::ResponseError&) {
  }
  return 0;
}
