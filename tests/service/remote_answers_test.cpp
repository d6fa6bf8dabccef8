// The parsers of the service's answers refuse hostile bytes with a message naming the URL and the
// field, and keep what they accept within bounds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "attest/remote_answers.hpp"
#include "attest/remote_http.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {
namespace {

using ::testing::HasSubstr;

const std::string kWhere = "http://127.0.0.1:9/v1/proof/inclusion?seq=1";
const std::string kHash(64, 'a');

std::string inclusion(const std::string& proof) {
  return R"({"leaf_index":1,"tree_size":2,"leaf_hash":")" + kHash + R"(","root":")" + kHash +
         R"(","proof":)" + proof + "}";
}

std::string refusal_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    return e.message();
  }
  return "accepted";
}

TEST(RemoteAnswers, AWellFormedInclusionAnswerParses) {
  InclusionAnswer answer = parse_inclusion_answer(inclusion("[\"" + kHash + "\"]"), kWhere);
  EXPECT_EQ(answer.leaf_index, 1u);
  EXPECT_EQ(answer.proof.size(), 1u);
  EXPECT_FALSE(answer.checkpoint.has_value());
}

TEST(RemoteAnswers, HostileAnswersAreRefusedNamingTheUrlAndTheField) {
  struct Case {
    std::string body;
    std::string says;
  };
  std::string long_proof = "[";
  for (int i = 0; i < 129; ++i) long_proof += std::string(i ? "," : "") + "\"" + kHash + "\"";
  long_proof += "]";
  for (const Case& hostile : {
           Case{"", "is not a JSON object"},
           Case{"[1,2]", "is not a JSON object"},
           Case{"{\"leaf_index\":1}", "lacks 'tree_size'"},
           Case{inclusion("[\"" + kHash.substr(2) + "\"]"), "'proof' that is not a hex SHA-256"},
           Case{inclusion("[\"" + std::string(64, 'g') + "\"]"), "not a hex SHA-256"},
           Case{inclusion("[7]"), "not a hex SHA-256"},
           Case{inclusion("{}"), "'proof' that is not a list of at most 128 hashes"},
           Case{inclusion(long_proof), "not a list of at most 128 hashes"},
           Case{R"({"leaf_index":-1,"tree_size":2})", "'leaf_index' that is not a count"},
           Case{R"({"leaf_index":1.5,"tree_size":2})", "'leaf_index' that is not a count"},
       }) {
    SCOPED_TRACE(hostile.body.substr(0, 80));
    std::string message = refusal_of([&] { parse_inclusion_answer(hostile.body, kWhere); });
    EXPECT_THAT(message, HasSubstr(kWhere + ": the service's answer "));
    EXPECT_THAT(message, HasSubstr(hostile.says));
  }
}

TEST(RemoteAnswers, QueryPagesAndExportLinesAreCheckedField_by_field) {
  std::string entry = R"({"seq":3,"time":"yesterday","repository":"r","base":"b","head":"h",)"
                      R"("verdict":"pass","policy_sha256":"c","actor":"a","failed_rules":[],)"
                      R"("key_id":"k","leaf_hash":")" +
                      kHash + R"("})";
  EXPECT_THAT(refusal_of([&] { parse_query_page("{\"entries\":[" + entry + "]}", kWhere); }),
              HasSubstr("'time' that is not RFC 3339 UTC: yesterday"));
  EXPECT_THAT(
      refusal_of([&] { parse_query_page(R"({"entries":[],"next_page_token":""})", kWhere); }),
      HasSubstr("empty 'next_page_token'"));
  EXPECT_THAT(
      refusal_of([&] { parse_export_line(R"({"seq":0,"leaf_hash":")" + kHash + R"("})", kWhere); }),
      HasSubstr("an entry line without 'envelope'"));
  ExportLine closing = parse_export_line(R"({"checkpoint":"note"})", kWhere);
  EXPECT_EQ(closing.checkpoint, "note");
  EXPECT_FALSE(closing.entry.has_value());
}

TEST(RemoteAnswers, TheServicesRefusalIsQuotedWithoutControlBytes) {
  EXPECT_EQ(
      service_refusal_text(R"({"status":401,"error":"bad_token","message":"expired\u001b[31m"})"),
      "bad_token: expired?[31m");
  EXPECT_EQ(service_refusal_text("<html>\n<body>"), "<html>");
  EXPECT_EQ(service_refusal_text(std::string(1000, 'x')).size(), 200u);
}

TEST(RemoteUrls, OnlyHttpAndHttpsServiceUrlsAreAccepted) {
  EXPECT_EQ(split_http_url("https://log.example.com:8443/gate/").origin,
            "https://log.example.com:8443");
  EXPECT_EQ(split_http_url("https://log.example.com:8443/gate/").path, "/gate");
  for (const std::string bad :
       {"ftp://x", "http://", "http://user:pw@host", "http://h/a b", "http://h/#frag"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(refusal_of([&] { split_http_url(bad); }), HasSubstr("is not a log service URL"));
  }
  EXPECT_THAT(refusal_of([] { HttpClient client("http://127.0.0.1:9/v1?x=1"); }),
              HasSubstr("a query is not accepted"));
}

}  // namespace
}  // namespace gate::attest
