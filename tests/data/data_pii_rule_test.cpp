#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "tests/data/harness.hpp"

namespace gate::test {
namespace {

using Strings = std::vector<std::string>;

TEST(DataPiiRule, CleanRowsPass) {
  DataHarness h;
  h.change("data/orders.csv", "id,amount,when\n1,9.99,2024-01-02\n2,10,2024-01-03\n");
  RuleResult result = h.run("data-pii", "{}");
  EXPECT_EQ(result.findings.size(), 0u);
  EXPECT_FALSE(result.skipped);
}

TEST(DataPiiRule, FindingsAreRedactedWithRowColumnAndHashedBasis) {
  DataHarness h;
  h.change("data/users.csv",
           "id,email,card,note\n"
           "1,jane.doe@example.com,4111111111111111,ok\n"
           "2,x,y,\"ssn 078-05-1120\"\n");
  RuleResult result = h.run("data-pii");
  ASSERT_EQ(result.findings.size(), 3u);
  const Finding& email = result.findings[0];
  EXPECT_EQ(email.message,
            "line 2, column 2 ('email'): e-mail address jane\xE2\x80\xA6 (20 chars)");
  EXPECT_EQ(email.start_line, 2u);
  EXPECT_EQ(email.column, 3u);
  EXPECT_EQ(email.fingerprint_basis, sha256_hex("jane.doe@example.com"));
  EXPECT_TRUE(email.security);
  EXPECT_EQ(email.severity, Severity::error);
  EXPECT_EQ(result.findings[1].message,
            "line 2, column 3 ('card'): payment card number 4111\xE2\x80\xA6 (16 chars)");
  EXPECT_EQ(result.findings[2].message,
            "line 3, column 4 ('note'): US social security number 07\xE2\x80\xA6 (11 chars)");
  for (const auto& f : result.findings) {
    EXPECT_EQ(f.message.find("example.com"), std::string::npos);
    EXPECT_EQ(f.message.find("1111111111"), std::string::npos);
  }
}

TEST(DataPiiRule, DeclaredBasisTurnsFindingsIntoNotices) {
  DataHarness h;
  h.head_only("data/datapackage.json", R"({"resources": [
    {"path": "crm.jsonl", "pii": {"basis": "customer consent, DPA-2024-7"}}]})");
  h.change("data/crm.jsonl", "{\"mail\": \"a.b@corp.example.org\"}\n");
  h.change("data/ips.txt", "seen 203.0.113.7\n");
  h.head_only("data/ips.txt.dvc",
              "outs:\n- path: ips.txt\n  md5: x\nmeta:\n  pii:\n    basis: abuse logs\n");
  EXPECT_EQ(h.findings("data-pii"),
            (Strings{"notice data/crm.jsonl:1: line 1: e-mail address a.b@\xE2\x80\xA6 (20 chars) "
                     "(PII expected: customer consent, DPA-2024-7)",
                     "notice data/ips.txt:1: line 1: IPv4 address 20\xE2\x80\xA6 (11 chars) (PII "
                     "expected: abuse logs)"}));
}

TEST(DataPiiRule, OnlyAddedLinesAreScannedAndKindsFilter) {
  DataHarness h;
  FileChange& file = h.change("data/log.tsv", "ip\tiban\n10.0.0.1\tGB82WEST12345698765432\n");
  file.status = ChangeStatus::modified;
  file.added_lines.erase(file.added_lines.begin());  // the header existed before
  EXPECT_EQ(h.findings("data-pii", "{kinds: [iban]}"),
            (Strings{"error data/log.tsv:2: line 2, column 2 ('iban'): IBAN GB82\xE2\x80\xA6 (22 "
                     "chars)"}));
  file.added_lines.clear();
  EXPECT_EQ(h.findings("data-pii"), Strings{});
  EXPECT_THROW(h.run("data-pii", "{kinds: [passport]}"), InputError);
}

TEST(DataPiiRule, LargeFilesAreStreamedAndFindingsCapped) {
  DataHarness h;
  std::string text;
  for (int i = 0; i < 20; ++i) text += "user" + std::to_string(i) + "@example.com\n";
  FileChange& file = h.change("data/big.txt", text);
  file.added_lines.clear();
  file.too_large_for_lines = true;
  auto findings = h.findings("data-pii", "{max-findings: 2}");
  EXPECT_EQ(findings,
            (Strings{"error data/big.txt:0: 18 more PII matches in this file not listed "
                     "(max-findings: 2)",
                     "error data/big.txt:1: line 1: e-mail address user\xE2\x80\xA6 (17 chars)",
                     "error data/big.txt:2: line 2: e-mail address user\xE2\x80\xA6 (17 chars)"}));
}

TEST(DataPiiRule, NationalPhoneFormsNeedTheirRegionDeclared) {
  DataHarness h;
  h.change("data/contacts.csv", "name,tel\nA,020 7946 0958\nB,+44 20 7946 0958\n");
  EXPECT_EQ(h.findings("data-pii"),
            (Strings{"error data/contacts.csv:3: line 3, column 2 ('tel'): phone number "
                     "+44 \xE2\x80\xA6 (16 chars)"}));
  EXPECT_EQ(h.findings("data-pii", "{phone-regions: [gb, DE]}"),
            (Strings{"error data/contacts.csv:2: line 2, column 2 ('tel'): phone number "
                     "02\xE2\x80\xA6 (13 chars)",
                     "error data/contacts.csv:3: line 3, column 2 ('tel'): phone number "
                     "+44 \xE2\x80\xA6 (16 chars)"}));
  try {
    h.run("data-pii", "{phone-regions: [UK]}");
    FAIL() << "an unknown region must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown region 'UK'"), std::string::npos) << e.what();
  }
}

TEST(DataPiiRule, DottedQuadsInVersionColumnsAreVersions) {
  DataHarness h;
  h.change("data/devices.csv", "host,app_version,Firmware Rev\n10.1.2.3,1.2.3.4,2.0.0.1\n");
  EXPECT_EQ(h.findings("data-pii"),
            (Strings{"error data/devices.csv:2: line 2, column 1 ('host'): IPv4 address "
                     "10\xE2\x80\xA6 (8 chars)"}));
}

}  // namespace
}  // namespace gate::test
