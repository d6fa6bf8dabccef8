// Who may append: GitLab's claim names map like GitHub's, allow rules match as documented, and
// project tokens are known only by their hash.
#include <gtest/gtest.h>

#include "attest/bytes.hpp"
#include "server/identity.hpp"
#include "tests/service/oidc_fixtures.hpp"

namespace gate::server {
namespace {

constexpr int64_t kNow = 1772359200;

const test::TestIssuer& gitlab() {
  static const test::TestIssuer issuer("ES256", "gl-1", "https://gitlab.example.com");
  return issuer;
}

Authenticator gitlab_only(std::vector<AllowRule> allow) {
  OidcIssuer issuer;
  issuer.policy = {gitlab().issuer(), "https://gate.example", 60};
  issuer.jwks = attest::oidc::Jwks::parse(gitlab().jwks(), "gitlab-jwks.json");
  issuer.allow = std::move(allow);
  StaticToken token{"nightly", attest::to_hex(attest::sha256("s3cret")), {"acme/nightly-*"}};
  return Authenticator({issuer}, {token});
}

nlohmann::json gitlab_claims(const std::string& project) {
  return {
      {"iss", gitlab().issuer()},
      {"aud", "https://gate.example"},
      {"sub", "project_path:" + project + ":ref_type:branch:ref:main"},
      {"project_path", project},
      {"ci_config_ref_uri", "gitlab.example.com/" + project + "//.gitlab-ci.yml@refs/heads/main"},
      {"ref", "main"},
      {"pipeline_id", "777"},
      {"user_login", "alice"},
      {"exp", kNow + 300}};
}

TEST(Patterns, StarCrossesSlashesSoSubgroupsMatch) {
  EXPECT_TRUE(pattern_matches("acme/*", "acme/app"));
  EXPECT_TRUE(pattern_matches("acme/*", "acme/platform/app"));
  EXPECT_FALSE(pattern_matches("acme/*", "acmex/app"));
  EXPECT_TRUE(pattern_matches("*@refs/heads/main", "a/b/.github/workflows/x.yml@refs/heads/main"));
  EXPECT_FALSE(pattern_matches("*@refs/heads/main", "a/b/x.yml@refs/heads/feature"));
}

TEST(Identity, GitlabClaimsFillTheSameFields) {
  Authenticator auth = gitlab_only({{"acme/*", "*//.gitlab-ci.yml@refs/heads/main", "main"}});
  Identity who = auth.authenticate("Bearer " + gitlab().sign(gitlab_claims("acme/web")), kNow);
  EXPECT_EQ(who.kind, "oidc");
  EXPECT_EQ(who.repository, "acme/web");
  EXPECT_EQ(who.run_id, "777");
  EXPECT_EQ(who.actor, "alice");
  EXPECT_EQ(who.workflow_ref, "gitlab.example.com/acme/web//.gitlab-ci.yml@refs/heads/main");
  EXPECT_NO_THROW(Authenticator::authorize(who, "acme/web"));
  EXPECT_THROW(Authenticator::authorize(who, "acme/other"), AuthFailure);
}

TEST(Identity, ARuleOnTheRefKeepsFeatureBranchesOut) {
  Authenticator auth = gitlab_only({{"acme/*", "*", "main"}});
  auto claims = gitlab_claims("acme/web");
  claims["ref"] = "feature";
  try {
    auth.authenticate("Bearer " + gitlab().sign(claims), kNow);
    FAIL() << "accepted";
  } catch (const AuthFailure& failure) {
    EXPECT_EQ(failure.status, 403);
    EXPECT_NE(failure.message.find("on ref 'feature'"), std::string::npos) << failure.message;
  }
}

TEST(Identity, ProjectTokensAreMatchedByHashAndScopedToTheirRepositories) {
  Authenticator auth = gitlab_only({{"acme/*", "*", "*"}});
  Identity who = auth.authenticate("Bearer s3cret", kNow);
  EXPECT_EQ(who.kind, "token");
  EXPECT_EQ(who.subject, "nightly");
  EXPECT_NO_THROW(Authenticator::authorize(who, "acme/nightly-builds"));
  EXPECT_THROW(Authenticator::authorize(who, "acme/web"), AuthFailure);
  EXPECT_THROW(auth.authenticate("Bearer s3cre", kNow), AuthFailure);
  EXPECT_THROW(auth.authenticate("Basic s3cret", kNow), AuthFailure);
  EXPECT_THROW(auth.authenticate("Bearer ", kNow), AuthFailure);
}

TEST(Identity, NoRulesAndNoTokensMeansAnOpenLogForTrials) {
  Authenticator open;
  EXPECT_TRUE(open.open());
  Identity who = open.authenticate("", kNow);
  EXPECT_EQ(who.kind, "anonymous");
  EXPECT_NO_THROW(Authenticator::authorize(who, "anything/at-all"));
}

}  // namespace
}  // namespace gate::server
