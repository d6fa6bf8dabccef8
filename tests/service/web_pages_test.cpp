// The auditor's pages as plain C++: escaping, the search form's query, exports, a decision's
// page, and the dashboard's numbers.
#include <gtest/gtest.h>

#include "attest/keys.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/decision_page.hpp"
#include "server/web/html.hpp"
#include "server/web/search_page.hpp"
#include "tests/service/web_fixture.hpp"

namespace gate::server::test {
namespace {

using web::escape;

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

nlohmann::json entry_json(uint64_t seq, const std::string& repository, const std::string& verdict) {
  return {{"seq", seq},
          {"time", "2026-03-01T10:00:00Z"},
          {"repository", repository},
          {"base", std::string(40, 'b')},
          {"head", std::string(40, 'a')},
          {"verdict", verdict},
          {"policy_sha256", std::string(64, 'c')},
          {"actor", "=cmd|' /C calc'!A0"},
          {"failed_rules", {"no-secrets", "license"}},
          {"key_id", "k1"},
          {"leaf_hash", std::string(64, 'd')},
          {"identity", {{"subject", "repo:acme/app:ref:refs/heads/main"}}}};
}

TEST(WebHtml, EscapesEveryCharacterThatCouldOpenMarkup) {
  EXPECT_EQ(escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(web::url_encode("acme/a b&c=<>"), "acme%2Fa%20b%26c%3D%3C%3E");
}

TEST(WebHtml, CsvFieldsAreQuotedAndNeverFormulas) {
  EXPECT_EQ(web::csv_field("plain"), "plain");
  EXPECT_EQ(web::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(web::csv_field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
  EXPECT_EQ(web::csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(web::csv_field("@SUM(A1),x"), "\"'@SUM(A1),x\"");
}

TEST(WebSearch, AHostileRepositoryNameIsShownEscapedInResults) {
  nlohmann::json answer = {{"entries", {entry_json(4, kHostileRepository, "fail")}}};
  web::SearchForm form = {{"repository", kHostileRepository}};
  std::string body = web::search_body(form, answer);
  EXPECT_FALSE(has(body, "<script>"));
  EXPECT_TRUE(has(body, "acme/&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(has(body, "<a href=\"/ui/entries/4\">4</a>"));
  // The exports carry the same filters, URL-encoded.
  EXPECT_TRUE(
      has(body, "/ui/search.csv?repository=acme%2F%3Cscript%3Ealert%281%29%3C%2Fscript%3E"));
}

TEST(WebSearch, TheNextPageKeepsTheFiltersAndCarriesTheToken) {
  nlohmann::json answer = {{"entries", {entry_json(0, "acme/app", "pass")}},
                           {"next_page_token", "1772359200.0"}};
  std::string body = web::search_body({{"verdict", "pass"}, {"limit", "1"}}, answer);
  EXPECT_TRUE(has(body, "href=\"/ui/?verdict=pass&amp;limit=1&amp;page_token=1772359200.0\""));
}

TEST(WebSearch, TheFormBecomesTheServiceQueryAndBadFieldsAreNamed) {
  auto request = web::to_query({{"repository", "acme/app"},
                                {"commit", "3f2a"},
                                {"until", "2026-03-01"},
                                {"identity", "legacy"},
                                {"limit", "20"}});
  EXPECT_EQ(request.query.repository, "acme/app");
  EXPECT_EQ(request.query.commit, "3f2a");
  EXPECT_EQ(request.query.until, 1772323200 + 86399);  // the whole day
  EXPECT_EQ(request.identity, "legacy");
  EXPECT_EQ(request.page_size, 20u);
  auto refused = [](const web::SearchForm& form) {
    try {
      web::to_query(form);
    } catch (const ServiceError& e) {
      EXPECT_EQ(e.status, 400);
      return e.message;
    }
    return std::string("accepted");
  };
  EXPECT_TRUE(has(refused({{"commit", "xyz"}}), "'commit'"));
  EXPECT_TRUE(has(refused({{"since", "last week"}}), "'since' is not a time"));
  EXPECT_TRUE(has(refused({{"limit", "0"}}), "'limit'"));
  EXPECT_TRUE(has(refused({{"verdict", "maybe"}}), "'verdict'"));
  // An empty field is no filter.
  auto empty = web::read_search_form([](const std::string& name) -> std::optional<std::string> {
    return name == "repository" ? std::optional<std::string>("") : std::nullopt;
  });
  EXPECT_TRUE(empty.empty());
}

TEST(WebSearch, ExportsHoldEveryColumn) {
  std::string csv = web::search_csv({entry_json(2, "acme/app", "fail")});
  EXPECT_EQ(csv,
            "seq,time,repository,base,head,verdict,failed_rules,actor,policy_sha256,key_id,"
            "leaf_hash,identity,change_id\r\n2,2026-03-01T10:00:00Z,acme/app," +
                std::string(40, 'b') + "," + std::string(40, 'a') +
                ",fail,no-secrets;license,'=cmd|' /C calc'!A0," + std::string(64, 'c') + ",k1," +
                std::string(64, 'd') + ",repo:acme/app:ref:refs/heads/main,\r\n");
  auto json = nlohmann::json::parse(web::search_json({entry_json(2, "acme/app", "fail")}));
  EXPECT_EQ(json["entries"][0]["seq"], 2);
}

TEST(WebDecision, ShowsRulesWaiversAndTheRunButNoScriptLinks) {
  auto key = attest::PrivateKey::generate(attest::KeyType::ecdsa_p256);
  auto decisions = web_decisions(1772359200);
  WebDecision decision = decisions[1];
  decision.repository = kHostileRepository;
  std::string envelope = web_envelope(key, decision);
  nlohmann::json entry = entry_json(1, kHostileRepository, "pass");
  entry["envelope"] = envelope;
  std::string body = web::decision_body(entry);
  EXPECT_FALSE(has(body, "<script>"));
  EXPECT_TRUE(has(body, "test fixture key, not a secret"));
  EXPECT_TRUE(has(body, "<td>carol</td>"));
  EXPECT_TRUE(has(body, "data-seq=\"1\""));
  EXPECT_TRUE(has(body, "<pre id=\"envelope\" tabindex=\"0\">" + escape(envelope) + "</pre>"));
  EXPECT_EQ(web::safe_link("javascript:alert(1)"), "javascript:alert(1)");
  EXPECT_EQ(web::safe_link("https://ci.example/run?a=1&b=2"),
            "<a href=\"https://ci.example/run?a=1&amp;b=2\" rel=\"noreferrer\">"
            "https://ci.example/run?a=1&amp;b=2</a>");
}

TEST(WebDecision, AnEnvelopeThatIsNotADecisionStillShowsItsColumns) {
  nlohmann::json entry = entry_json(3, "acme/app", "fail");
  entry["envelope"] = "{\"not\": \"dsse\"}";
  std::string body = web::decision_body(entry);
  EXPECT_TRUE(has(body, "does not decode as a Gate decision statement"));
  EXPECT_TRUE(has(body, "{&quot;not&quot;: &quot;dsse&quot;}"));
}

TEST(WebDecision, AStatementOfTheWrongShapesNeitherThrowsNorRuns) {
  auto key = attest::PrivateKey::generate(attest::KeyType::ecdsa_p256);
  nlohmann::json predicate = {
      {"repository", 7},
      {"policy", "not an object"},
      {"rules", {{"id", {1, 2}}, "x", {{"status", nullptr}}}},
      {"waivers", {{{"rule", "r"}, {"expired", "yes"}, {"expires", "soon"}}, 3}},
      {"ci", {{"runUrl", "javascript:alert(1)"}, {"changeId", 12}}},
      {"approvals", {{{"by", "<b>mallory</b>"}, {"at", "2026-03-01"}}}},
      {"time", {"2026"}}};
  std::string envelope = attest::serialize_envelope(attest::sign_envelope(
      attest::kInTotoPayloadType, attest::make_statement(std::string(40, 'a'), predicate), key));
  nlohmann::json entry = entry_json(0, "acme/app", "pass");
  entry["envelope"] = envelope;
  std::string body = web::decision_body(entry);
  EXPECT_FALSE(has(body, "href=\"javascript:"));
  EXPECT_TRUE(has(body, "&lt;b&gt;mallory&lt;/b&gt;"));  // approvals shown, escaped
  auto facts = web::facts_from_export_line({{"seq", "zero"}, {"envelope", envelope}});
  ASSERT_TRUE(facts.has_value());
  EXPECT_EQ(facts->seq, 0u);
  EXPECT_EQ(facts->change, "#12");
  ASSERT_EQ(facts->waivers.size(), 1u);  // "expired": "yes" is not true; 3 is no waiver
  EXPECT_FALSE(facts->waivers[0].expires_at);
}

std::vector<web::DecisionFacts> fixture_facts(int64_t now) {
  auto key = attest::PrivateKey::generate(attest::KeyType::ecdsa_p256);
  std::vector<web::DecisionFacts> facts;
  auto decisions = web_decisions(now);
  for (size_t i = 0; i < decisions.size(); ++i) {
    nlohmann::json line = {{"seq", i}, {"envelope", web_envelope(key, decisions[i])}};
    if (i != 6) line["identity"] = {{"subject", "repo:" + decisions[i].repository}};
    auto parsed = web::facts_from_export_line(line);
    EXPECT_TRUE(parsed.has_value()) << i;
    if (parsed) facts.push_back(*parsed);
  }
  return facts;
}

TEST(WebDashboard, CountsWhatComplianceOwnersAskFor) {
  const int64_t now = 1780000000;
  auto d = web::compute_dashboard(fixture_facts(now), now);
  EXPECT_EQ(d.decisions, 7u);
  EXPECT_EQ(d.passes, 3u);
  EXPECT_EQ(d.failures, 4u);
  EXPECT_EQ(d.failing_rules,
            (std::vector<web::Count>{{"no-secrets", 3}, {"license", 1}, {"small-files", 1}}));
  ASSERT_EQ(d.per_repository_day.size(), 6u);
  EXPECT_EQ(d.per_repository_day[0].repository, kHostileRepository);  // '<' sorts before 'a'
  EXPECT_EQ(d.per_repository_day[1].day, "2026-03-01");
  EXPECT_EQ(d.per_repository_day[1].pass, 1u);
  EXPECT_EQ(d.per_repository_day[1].fail, 1u);

  ASSERT_EQ(d.blocked.size(), 2u);
  EXPECT_EQ(d.blocked[0].change, "#2");
  EXPECT_EQ(d.blocked[0].waiting_seconds, now - 1772442000);  // since 2026-03-02T09:00:00Z
  EXPECT_EQ(d.blocked[0].latest_seq, 2u);
  EXPECT_EQ(d.blocked[1].repository, kHostileRepository);

  ASSERT_EQ(d.time_to_pass.size(), 2u);
  EXPECT_EQ(d.time_to_pass[0].seconds, 7200);
  EXPECT_EQ(d.time_to_pass[1].seconds, 86400);
  EXPECT_EQ(d.median_time_to_pass, 46800);

  // The expired waiver is not in force; the one within 30 days is flagged.
  ASSERT_EQ(d.waivers.size(), 2u);
  EXPECT_EQ(d.waivers[0].waiver.approved_by, "carol");
  EXPECT_TRUE(d.waivers[0].expiring_soon);
  EXPECT_EQ(d.waivers[0].days_left, 9);  // the expiry is a date: midnight before now + 10 days
  EXPECT_FALSE(d.waivers[1].expiring_soon);

  EXPECT_EQ(d.per_identity.front(), (web::Count{"repo:acme/app", 3}));
  EXPECT_EQ(d.per_identity.back(), (web::Count{"repo:acme/<script>alert(1)</script>", 1}));
  bool direct = false;
  for (const auto& [who, n] : d.per_identity)
    direct = direct || (who == "(appended directly)" && n == 1);
  EXPECT_TRUE(direct);
}

TEST(WebDashboard, ThePageWritesEveryNumberAndEscapesNames) {
  const int64_t now = 1780000000;
  auto d = web::compute_dashboard(fixture_facts(now), now);
  std::string body = web::dashboard_body(d, now);
  EXPECT_FALSE(has(body, "<script>"));
  EXPECT_TRUE(has(body, "data-label=\"no-secrets\" data-value=\"3\""));
  EXPECT_TRUE(has(body, "<td>no-secrets</td><td class=\"num\">3</td>"));
  EXPECT_TRUE(has(body, "data-day=\"2026-03-01\" data-pass=\"1\" data-fail=\"1\""));
  EXPECT_TRUE(has(body, "1 pass, 1 fail"));
  EXPECT_TRUE(has(body, "2 active, 1 expiring in the next 30 days."));
  EXPECT_TRUE(has(body, "Median 13h 0m over 2 changes."));
  EXPECT_TRUE(has(body, "fill=\"url(#failing-rules-hatch)\""));  // a pattern, not a colour only
}

TEST(WebDashboard, AnEmptyLogHasNothingToMeasure) {
  auto d = web::compute_dashboard({}, 1780000000);
  EXPECT_EQ(d.decisions, 0u);
  EXPECT_FALSE(d.median_time_to_pass);
  std::string body = web::dashboard_body(d, 1780000000);
  EXPECT_TRUE(has(body, "No change is blocked"));
  EXPECT_TRUE(has(body, "No change has gone from failing to passing yet."));
  EXPECT_EQ(web::duration_text(90061), "1d 1h");
  EXPECT_EQ(web::duration_text(59), "59s");
  EXPECT_FALSE(web::facts_from_export_line(nlohmann::json{{"checkpoint", "x"}}));
}

}  // namespace
}  // namespace gate::server::test
