// The readers of forge answers on hostile and odd input: what GitHub and GitLab really send is
// tested end to end in forge_approvals_test.cpp; here, what they never should.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "gate/engine/forge/forge_responses.hpp"

namespace gate::forge {
namespace {

using ::testing::HasSubstr;

const std::string kSha = "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091";

std::string thrown(const std::function<void()>& call) {
  try {
    call();
  } catch (const ResponseError& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

TEST(NextPage, FindsRelNextWhereverItIs) {
  EXPECT_EQ(next_page("<https://api.github.com/r?page=2>; rel=\"next\", "
                      "<https://api.github.com/r?page=9>; rel=\"last\""),
            "https://api.github.com/r?page=2");
  EXPECT_EQ(next_page("<https://a/r?page=1>; rel=\"prev\", <https://a/r?page=3>; REL=\"next\""),
            "https://a/r?page=3");
  EXPECT_EQ(next_page("<https://a/r?page=3>;rel=next"), "https://a/r?page=3");
  EXPECT_EQ(next_page("<https://a/r?page=1>; rel=\"first\", <https://a/r?page=1>; rel=\"prev\""),
            std::nullopt);
  EXPECT_EQ(next_page(""), std::nullopt);
  EXPECT_EQ(next_page("<https://a/r?page=2; rel=\"next\""), std::nullopt);  // no '>'
  EXPECT_EQ(next_page("<>; rel=\"next\""), std::nullopt);
  EXPECT_EQ(next_page(std::string(100000, '<')), std::nullopt);
}

TEST(GithubReviews, KeepsWhatCountsAndSkipsDeletedAccounts) {
  std::vector<Approval> reviews = parse_github_reviews(
      R"([{"id": 80, "user": {"login": "octocat"}, "state": "APPROVED", "commit_id": ")" + kSha +
      R"(", "submitted_at": "2019-11-17T17:43:43Z"},
          {"id": 81, "user": null, "state": "APPROVED"},
          {"id": 82, "user": {"login": "hubot"}, "state": "SOMETHING_NEW", "commit_id": null,
           "submitted_at": null}])");
  ASSERT_EQ(reviews.size(), 2u);
  EXPECT_EQ(reviews[0].reviewer, "octocat");
  EXPECT_EQ(reviews[0].state, "approved");
  EXPECT_EQ(reviews[0].commit, kSha);
  EXPECT_EQ(reviews[0].time, 1574012623);
  EXPECT_EQ(reviews[0].id, "80");
  EXPECT_EQ(reviews[1].state, "commented");  // an unknown state changes nothing
  EXPECT_EQ(reviews[1].commit, "");
  EXPECT_EQ(reviews[1].time, 0);
}

TEST(GithubReviews, RefusesWhatGithubNeverSends) {
  EXPECT_EQ(thrown([] { parse_github_reviews("[{\"id\": 1,"); }), "the answer is not JSON");
  EXPECT_EQ(thrown([] { parse_github_reviews(R"({"message": "x"})"); }),
            "the answer is not a list of reviews");
  EXPECT_EQ(thrown([] { parse_github_reviews(R"([{"user": {"login": "a b"}, "state": "X"}])"); }),
            "review[0].user.login is no login");
  EXPECT_EQ(thrown([] { parse_github_reviews(R"([{"user": {"login": "a"}}])"); }),
            "review[0].state is missing");
  EXPECT_EQ(thrown([] {
              parse_github_reviews(R"([{"user": {"login": "a"}, "state": "APPROVED", )"
                                   R"("commit_id": "--output=x"}])");
            }),
            "review[0].commit_id is not a commit id");
  EXPECT_EQ(thrown([] {
              parse_github_reviews(R"([{"user": {"login": "a"}, "state": "APPROVED", )"
                                   R"("submitted_at": "yesterday"}])");
            }),
            "review[0].submitted_at is not an ISO 8601 time");
  EXPECT_EQ(thrown([] { parse_github_reviews(R"([{"user": {"login": ["a"]}, "state": "X"}])"); }),
            "review[0].user.login is not a string");
  EXPECT_EQ(thrown([] { parse_github_reviews("[" + std::string(300, 'x') + "]"); }),
            "the answer is not JSON");
}

TEST(GithubPull, NeedsAuthorAndHead) {
  PullRequest pull = parse_github_pull(R"({"number": 1347, "user": {"login": "octocat"},
      "head": {"sha": ")" + kSha + R"("}})");
  EXPECT_EQ(pull.number, "1347");
  EXPECT_EQ(pull.author, "octocat");
  EXPECT_EQ(pull.head_sha, kSha);
  EXPECT_EQ(thrown([] { parse_github_pull(R"({"number": 1, "user": {"login": "a"}})"); }),
            "pull request.head is missing");
  EXPECT_EQ(thrown([] { parse_github_pull("[]"); }), "the answer is not a pull request object");
}

TEST(GithubMembers, Logins) {
  EXPECT_EQ(parse_github_members(R"([{"login": "octocat"}, {"login": "hubot"}])"),
            (std::vector<std::string>{"octocat", "hubot"}));
  EXPECT_EQ(thrown([] { parse_github_members(R"([{"login": ""}])"); }),
            "member[0].login is no login");
  EXPECT_EQ(thrown([] { parse_github_members(R"(["octocat"])"); }), "member[0] is not an object");
}

TEST(GitlabApprovals, ApprovedByUsers) {
  std::vector<Approval> approvals = parse_gitlab_approvals(
      R"({"approved_by": [{"user": {"username": "root", "id": 1}},
                          {"user": {"username": "ada", "id": 2},
                           "approved_at": "2024-05-01T12:00:00.000+02:00"}]})");
  ASSERT_EQ(approvals.size(), 2u);
  EXPECT_EQ(approvals[0].reviewer, "root");
  EXPECT_EQ(approvals[0].state, "approved");
  EXPECT_EQ(approvals[0].id, "1");
  EXPECT_EQ(approvals[1].time, 1714557600);
  EXPECT_TRUE(parse_gitlab_approvals(R"({"approvals_left": 1})").empty());
  EXPECT_EQ(thrown([] { parse_gitlab_approvals(R"({"approved_by": {"user": 1}})"); }),
            "approved_by is not a list");
  EXPECT_EQ(thrown([] { parse_gitlab_approvals(R"({"approved_by": [{}]})"); }),
            "approved_by[0].user is missing");
}

TEST(GitlabMergeRequest, AuthorAndSha) {
  MergeRequest request =
      parse_gitlab_merge_request(R"({"iid": 133, "author": {"username": "marcel.amirault"},
      "sha": ")" + kSha + R"("})");
  EXPECT_EQ(request.iid, "133");
  EXPECT_EQ(request.author, "marcel.amirault");
  EXPECT_EQ(thrown([] { parse_gitlab_merge_request(R"({"iid": 1})"); }),
            "merge request.author is missing");
}

TEST(ErrorMessage, OneShortLine) {
  EXPECT_EQ(error_message(R"({"message": "Bad credentials"})"), "Bad credentials");
  EXPECT_EQ(error_message(R"({"error": "insufficient_scope"})"), "insufficient_scope");
  EXPECT_EQ(error_message(R"({"message": "a\nb\u0000c"})"), "a b c");
  EXPECT_EQ(error_message(R"({"message": {"base": ["x"]}})"), "");
  EXPECT_EQ(error_message("<html>502</html>"), "");
  std::string cut = error_message(R"({"message": ")" + std::string(1000, 'x') + "\"}");
  EXPECT_EQ(cut.size(), 163u);
  EXPECT_THAT(cut, HasSubstr("..."));
}

TEST(Iso8601, ForgeTimes) {
  EXPECT_EQ(parse_iso8601("2019-11-17T17:43:43Z"), 1574012623);
  EXPECT_EQ(parse_iso8601("2019-11-17T18:43:43.120+01:00"), 1574012623);
  EXPECT_EQ(parse_iso8601("2019-11-17T17:43:43"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2019-13-17T17:43:43Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601(""), std::nullopt);
}

}  // namespace
}  // namespace gate::forge
