#pragma once

// The pull request filter end to end, for a service on either engine: the decisions of
// web_decisions() in acme/app and acme/lib are appended, then GET /v1/entries, the search page
// and its exports must each give exactly one pull request's decisions.
#include <gtest/gtest.h>
#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/service/web_fixture.hpp"

namespace gate::server::test {

// `append` posts one envelope for a repository and answers the HTTP status.
inline void expect_pull_request_search(
    httplib::Client& http, const attest::PrivateKey& signer, int64_t now,
    const std::function<int(const std::string& repository, const std::string& envelope)>& append) {
  // Log order: 0, 1 (acme/app #1), 2 (acme/app #2), 3, 4 (acme/lib #7).
  for (const auto& decision : web_decisions(now)) {
    if (decision.repository != "acme/app" && decision.repository != "acme/lib") continue;
    ASSERT_EQ(append(decision.repository, web_envelope(signer, decision)), 201);
  }
  auto api = [&](const std::string& query) {
    auto res = http.Get("/v1/entries?" + query);
    EXPECT_EQ(res->status, 200) << res->body;
    std::vector<uint64_t> seqs;
    nlohmann::json answer = nlohmann::json::parse(res->body);
    for (const auto& entry : answer["entries"]) {
      EXPECT_EQ(entry["change_id"], query.substr(query.find("change=") + 7, 1));
      seqs.push_back(entry["seq"].get<uint64_t>());
    }
    return seqs;
  };
  EXPECT_EQ(api("change=1"), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(api("change=7"), (std::vector<uint64_t>{3, 4}));
  EXPECT_EQ(api("repository=acme/app&change=2"), (std::vector<uint64_t>{2}));
  EXPECT_EQ(api("repository=acme/app&change=7"), (std::vector<uint64_t>{}));
  EXPECT_EQ(api("change=1&verdict=fail"), (std::vector<uint64_t>{0}));
  EXPECT_EQ(api("change=7&limit=1&page_token=" +
                nlohmann::json::parse(http.Get("/v1/entries?change=7&limit=1")->body)
                    .value("next_page_token", "")),
            (std::vector<uint64_t>{4}));

  auto page = http.Get("/ui/?repository=acme%2Flib&change=7");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("name=\"change\" id=\"f-change\" value=\"7\""), std::string::npos);
  EXPECT_NE(page->body.find("data-seq=\"3\""), std::string::npos);
  EXPECT_NE(page->body.find("data-seq=\"4\""), std::string::npos);
  for (const char* other : {"data-seq=\"0\"", "data-seq=\"1\"", "data-seq=\"2\""})
    EXPECT_EQ(page->body.find(other), std::string::npos) << other;
  EXPECT_NE(page->body.find("/ui/search.csv?repository=acme%2Flib&amp;change=7"),
            std::string::npos);

  auto csv = http.Get("/ui/search.csv?change=1");
  ASSERT_EQ(csv->status, 200);
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = csv->body.find("\r\n", at)) != std::string::npos; at = end + 2)
    lines.push_back(csv->body.substr(at, end - at));
  ASSERT_EQ(lines.size(), 3u) << csv->body;
  EXPECT_EQ(lines[0].substr(lines[0].rfind(',') + 1), "change_id");
  EXPECT_EQ(lines[1].substr(0, 2), "0,");
  EXPECT_EQ(lines[2].substr(0, 2), "1,");
  EXPECT_EQ(lines[2].substr(lines[2].rfind(',') + 1), "1");
  auto json = nlohmann::json::parse(http.Get("/ui/search.json?change=2")->body);
  ASSERT_EQ(json["entries"].size(), 1u);
  EXPECT_EQ(json["entries"][0]["seq"], 2);
  EXPECT_EQ(json["entries"][0]["change_id"], "2");
}

}  // namespace gate::server::test
