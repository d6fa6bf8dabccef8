// /ui/health as plain C++: the log's size, its latest checkpoint and age, and one row a witness
// with its latest cosignature (or "never cosigned"), every outside text escaped.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest/checkpoint.hpp"
#include "attest/keys.hpp"
#include "server/web/health_page.hpp"

namespace gate::server::test {
namespace {

// The rows of the table `id` (from <tbody> to </tbody>), each "<tr...>...</tr>".
std::vector<std::string> rows_of(const std::string& html, const std::string& id) {
  size_t table = html.find("<table id=\"" + id + "\"");
  if (table == std::string::npos) return {};
  size_t body = html.find("<tbody>", table);
  size_t end = html.find("</tbody>", body);
  std::vector<std::string> rows;
  for (size_t at = html.find("<tr", body); at != std::string::npos && at < end;
       at = html.find("<tr", at + 1)) {
    rows.push_back(html.substr(at, html.find("</tr>", at) + 5 - at));
  }
  return rows;
}

constexpr int64_t kNow = 1772370000;  // 2026-03-01T13:00:00Z

web::HealthFacts facts_with_witnesses() {
  web::HealthFacts facts;
  facts.origin = "gate.local/audit";
  facts.size = 7;
  facts.last_time = "2026-03-01T12:00:00Z";
  facts.witnesses = nlohmann::json::array({{{"url", "https://witness1.example.com"},
                                            {"key_id", "0123456789abcdef0123456789abcdef"},
                                            {"name", "witness1.example.com/w"},
                                            {"key_hash", "1a2b3c4d"},
                                            {"state", "cosigned"},
                                            {"cosigned_size", 7},
                                            {"timestamp", kNow - 90},
                                            {"last_error", nullptr}},
                                           {{"url", "http://127.0.0.1:7380/<b>"},
                                            {"key_id", "fedcba9876543210fedcba9876543210"},
                                            {"name", nullptr},
                                            {"key_hash", nullptr},
                                            {"state", "unavailable"},
                                            {"cosigned_size", nullptr},
                                            {"timestamp", nullptr},
                                            {"last_error", "connection refused <script>"}}});
  return facts;
}

TEST(HealthPage, EachWitnessHasARowWithItsLatestCosignatureOrNever) {
  std::string html = web::health_body(facts_with_witnesses(), kNow);
  EXPECT_EQ(rows_of(html, "witnesses"),
            (std::vector<std::string>{
                "<tr data-url=\"https://witness1.example.com\"><td>https://witness1.example.com"
                "</td><td>witness1.example.com/w</td><td>key id <code>0123456789abcdef</code>, "
                "key hash <code>1a2b3c4d</code></td><td>cosigned</td><td>size 7 at "
                "2026-03-01T12:58:30Z</td><td>1m 30s</td><td>—</td></tr>",
                "<tr data-url=\"http://127.0.0.1:7380/&lt;b&gt;\"><td>http://127.0.0.1:7380/"
                "&lt;b&gt;</td><td>—</td><td>key id <code>fedcba9876543210</code></td><td>"
                "unavailable</td><td>never cosigned</td><td>—</td><td>connection refused "
                "&lt;script&gt;</td></tr>"}));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/v1/checkpoint/cosigned\""), std::string::npos);
}

TEST(HealthPage, SizeCheckpointAndItsAgeAreRows) {
  attest::PrivateKey log_key = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::Checkpoint checkpoint{"gate.local/audit", 7, {}, {}};
  checkpoint.root.fill(0xab);
  web::HealthFacts facts = facts_with_witnesses();
  facts.checkpoint = attest::sign_checkpoint(checkpoint, log_key);
  std::string html = web::health_body(facts, kNow);
  std::string key_hash =
      attest::to_hex(attest::note_key_hash("gate.local/audit", log_key.public_key()));
  std::string root;
  for (int i = 0; i < 32; ++i) root += "ab";
  EXPECT_EQ(rows_of(html, "health"),
            (std::vector<std::string>{
                "<tr><th scope=\"row\">origin</th><td id=\"origin\">gate.local/audit</td></tr>",
                "<tr><th scope=\"row\">size</th><td id=\"size\">7 entries</td></tr>",
                "<tr><th scope=\"row\">checkpoint size</th><td>7</td></tr>",
                "<tr><th scope=\"row\">root</th><td><code>" + root + "</code></td></tr>",
                "<tr><th scope=\"row\">signed by</th><td>gate.local/audit (key hash " + key_hash +
                    ")</td></tr>",
                "<tr><th scope=\"row\">last entry</th><td><a href=\"/ui/entries/6\">6</a>, "
                "decided 2026-03-01T12:00:00Z</td></tr>",
                "<tr><th scope=\"row\">checkpoint age</th><td id=\"age\">1h 0m (each append "
                "signs one; its age is the last decision's)</td></tr>"}));
  EXPECT_NE(html.find("<pre id=\"checkpoint\" tabindex=\"0\">gate.local/audit\n7\n"),
            std::string::npos);
}

TEST(HealthPage, WithoutWitnessesThePageSaysNobodyVouches) {
  web::HealthFacts facts;
  facts.origin = "gate.local/empty";
  std::string html = web::health_body(facts, kNow);
  EXPECT_NE(html.find("<p id=\"no-witnesses\">No witness is configured"), std::string::npos);
  EXPECT_NE(html.find("<p id=\"empty\">The log is empty"), std::string::npos);
  EXPECT_TRUE(rows_of(html, "witnesses").empty());
}

}  // namespace
}  // namespace gate::server::test
