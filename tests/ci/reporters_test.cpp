// Each CI report format: exact bytes for a fixed Decision, escaping of hostile repository text,
// the platforms' limits, and SARIF checked against the official 2.1.0 schema.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gate/report/ci_reports.hpp"
#include "gate/report/escape.hpp"
#include "tests/ci/sample_report.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

using test::sample_report;

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Validates a SARIF file with python3-jsonschema (installed by scripts/install-deps.sh) against
// the schema shipped in the shared folder.
test::RunResult validate_sarif(const std::string& sarif) {
  test::TempDir dir;
  test::write_file(dir / "report.sarif", sarif);
  std::string schema = std::string(GATE_SHARED_DIR) + "/schemas/sarif-schema-2.1.0.json";
  return test::run({"python3", "-c",
                    "import json, sys, jsonschema\n"
                    "schema = json.load(open(sys.argv[1]))\n"
                    "doc = json.load(open(sys.argv[2]))\n"
                    "jsonschema.validators.validator_for(schema)(schema).validate(doc)\n"
                    "print('valid')\n",
                    schema, (dir / "report.sarif").string()});
}

TEST(ReportFormats, RegisteredUnderTheirFormatNames) {
  for (const char* name : {"sarif", "junit", "gitlab", "github"}) {
    const Reporter* reporter = find_reporter(name);
    ASSERT_NE(reporter, nullptr) << name;
    EXPECT_TRUE(reporter->render);
  }
  EXPECT_TRUE(find_reporter("github")->publish);
}

TEST(SarifReport, GoldenBytes) {
  test::expect_golden("report.sarif", render_sarif(sample_report(), {}));
}
TEST(JunitReport, GoldenBytes) {
  test::expect_golden("report.junit.xml", render_junit(sample_report(), {}));
}
TEST(GitlabReport, GoldenBytes) {
  test::expect_golden("report.codequality.json", render_gitlab(sample_report(), {}));
}
TEST(GithubReport, GoldenAnnotations) {
  test::expect_golden("report.github.txt", render_github(sample_report(), {}));
}
TEST(GithubReport, GoldenStepSummary) {
  test::expect_golden("report.summary.md", render_github_summary(sample_report(), std::nullopt));
}
TEST(GithubReport, GoldenOutputs) {
  AttestationRef attestation{"gate-attestation.json", std::string(64, 'a')};
  test::expect_golden("report.outputs.txt", render_github_outputs(sample_report(), attestation));
}

TEST(SarifReport, ValidatesAgainstTheSarif210Schema) {
  test::RunResult result = validate_sarif(render_sarif(sample_report(), {}));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "valid\n");
}

TEST(SarifReport, SchemaCheckRejectsABrokenDocument) {
  // The validator really validates: a result without a message is refused.
  auto doc = nlohmann::json::parse(render_sarif(sample_report(), {}));
  doc["runs"][0]["results"][0].erase("message");
  EXPECT_NE(validate_sarif(doc.dump()).exit_code, 0);
}

TEST(SarifReport, WhatCodeScanningNeeds) {
  auto doc = nlohmann::json::parse(render_sarif(sample_report(), {}));
  EXPECT_EQ(doc["version"], "2.1.0");
  ASSERT_EQ(doc["runs"].size(), 4u);  // code, data, model, process
  std::vector<std::string> categories;
  for (const auto& run : doc["runs"]) {
    categories.push_back(run["automationDetails"]["id"]);
    EXPECT_EQ(run["tool"]["driver"]["name"], "Gate");
    EXPECT_FALSE(run["tool"]["driver"]["informationUri"].get<std::string>().empty());
    for (const auto& result : run["results"]) {
      EXPECT_FALSE(result["partialFingerprints"].empty());
      EXPECT_EQ(result["locations"].size(), 1u);
    }
  }
  EXPECT_EQ(categories,
            (std::vector<std::string>{"gate/code/", "gate/data/", "gate/model/", "gate/process/"}));
  const auto& code = doc["runs"][0];
  EXPECT_EQ(code["tool"]["driver"]["rules"][0]["properties"]["security-severity"], "8.0");
  EXPECT_FALSE(code["tool"]["driver"]["rules"][1]["properties"].contains("security-severity"));
  // The hostile path is a percent-encoded URI reference, never raw bytes.
  const auto& uri =
      code["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
  EXPECT_EQ(uri, "secrets/a%3A%3Ab%2Cc%25d%0Ax.pem");
  // A finding about a whole file points at line 1 (code scanning needs a start line); a waived
  // one is a suppression.
  EXPECT_EQ(code["results"][0]["locations"][0]["physicalLocation"]["region"],
            nlohmann::json({{"startLine", 1}}));
  EXPECT_EQ(doc["runs"][1]["results"][0]["suppressions"][0]["kind"], "external");
}

TEST(SarifReport, ResultCapKeepsTheMostSevereAndSaysHowManyAreLeftOut) {
  Decision report = sample_report();
  report.findings.clear();
  for (int i = 0; i < 30; ++i) {
    Severity severity = i % 3 == 0 ? Severity::error : Severity::notice;
    report.findings.push_back(test::make_finding("no-private-keys", "forbidden-paths", severity,
                                                 std::string("k").append(std::to_string(100 + i)).append(".pem"), 1,
                                                 "forbidden", "fp" + std::to_string(i)));
  }
  auto doc = nlohmann::json::parse(render_sarif_capped(report, 12));
  const auto& run = doc["runs"][0];
  ASSERT_EQ(run["results"].size(), 12u);
  size_t errors = 0;
  for (const auto& result : run["results"]) errors += result["level"] == "error";
  EXPECT_EQ(errors, 10u);  // all ten errors kept, then the first notices
  EXPECT_EQ(run["properties"]["omittedResults"], 18);
  EXPECT_NE(run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
                .get<std::string>()
                .find("18 of 30"),
            std::string::npos);
  EXPECT_EQ(validate_sarif(doc.dump()).exit_code, 0);
}

TEST(SarifReport, InvalidUtf8IsReplacedNotFatal) {
  Decision report = sample_report();
  report.findings[0].message = "bad \xff\xfe bytes";
  auto doc = nlohmann::json::parse(render_sarif(report, {}));
  EXPECT_NE(doc.dump().find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"), std::string::npos);
}

TEST(JunitReport, HostileTextIsInertXml) {
  std::string xml = render_junit(sample_report(), {});
  EXPECT_NE(xml.find("data/&lt;rows&gt;&amp;\"q\".csv"), std::string::npos);
  EXPECT_EQ(xml.find("<rows>"), std::string::npos);
  EXPECT_NE(
      xml.find("<skipped message=\"cannot read &lt;blob&gt; &amp; give up\"/>"),
      std::string::npos);
  Decision report = sample_report();
  report.findings[0].message = std::string("nul\0and\x1b esc ]]> end", 20);
  std::string broken = render_junit(report, {});
  EXPECT_EQ(broken.find('\0'), std::string::npos);
  EXPECT_EQ(broken.find('\x1b'), std::string::npos);
  EXPECT_EQ(broken.find("]]>"), std::string::npos);
}

TEST(JunitReport, OneTestCasePerRuleWithFamilyClassname) {
  std::string xml = render_junit(sample_report(), {});
  EXPECT_EQ(count_of(xml, "<testcase "), 7u);
  EXPECT_NE(xml.find("<testcase name=\"no-private-keys\" classname=\"gate.code\">"),
            std::string::npos);
  EXPECT_NE(
      // The warning and notice rules are not failures: only the two with unwaived errors.
      xml.find("<testsuites name=\"gate\" tests=\"7\" failures=\"2\" errors=\"0\" skipped=\"2\">"),
      std::string::npos);
}

TEST(GitlabReport, CodeQualityShapeWithoutBom) {
  std::string text = render_gitlab(sample_report(), {});
  EXPECT_NE(text.substr(0, 3), "\xEF\xBB\xBF");
  auto doc = nlohmann::json::parse(text);
  ASSERT_EQ(doc.size(), 5u);
  for (const auto& issue : doc) {
    for (const char* key : {"description", "check_name", "fingerprint", "severity"}) {
      EXPECT_TRUE(issue[key].is_string()) << key;
    }
    EXPECT_TRUE(issue["location"]["path"].is_string());
    EXPECT_GE(issue["location"]["lines"]["begin"].get<int>(), 1);
  }
}

TEST(GitlabReport, SharedFingerprintsBecomeDistinct) {
  Decision report = sample_report();
  for (auto& finding : report.findings) finding.fingerprint = "same";
  auto doc = nlohmann::json::parse(render_gitlab(report, {}));
  std::set<std::string> fingerprints;
  for (const auto& issue : doc) fingerprints.insert(issue["fingerprint"].get<std::string>());
  EXPECT_EQ(fingerprints.size(), doc.size());
}

TEST(GithubReport, HostilePathCannotInjectWorkflowCommands) {
  std::string out = render_github(sample_report(), {});
  EXPECT_NE(out.find("::error file=secrets/a%3A%3Ab%2Cc%25d%0Ax.pem,line=3,title=Gate "
                     "no-private-keys::'secrets/a::b,c%25d%0Ax.pem' is a forbidden path\n"),
            std::string::npos)
      << out;
  // Every line is a workflow command: nothing from the repository starts a line of its own.
  size_t start = 0;
  while (start < out.size()) {
    EXPECT_EQ(out.compare(start, 2, "::"), 0) << out.substr(start, 80);
    start = out.find('\n', start) + 1;
  }
}

TEST(GithubReport, TenErrorsAndTenWarningsPerStepMostSevereFirst) {
  Decision report = sample_report();
  report.findings.clear();
  for (int i = 0; i < 15; ++i) {
    std::string n = std::to_string(10 + i);
    report.findings.push_back(
        test::make_finding("r", "t", Severity::notice, "n" + n, 1, "n", "a" + n));
    report.findings.push_back(
        test::make_finding("r", "t", Severity::warning, "w" + n, 1, "w", "b" + n));
    report.findings.push_back(
        test::make_finding("r", "t", Severity::error, "e" + n, 1, "e", "c" + n));
  }
  std::string out = render_github(report, {});
  EXPECT_EQ(count_of(out, "::error "), 10u);
  EXPECT_EQ(count_of(out, "::warning "), 10u);
  EXPECT_EQ(count_of(out, "::notice "), 10u);  // nine findings and the summary
  EXPECT_LT(out.rfind("::error "), out.find("::warning "));
  EXPECT_LT(out.rfind("::warning "), out.find("::notice "));
  EXPECT_NE(out.find("::notice title=Gate::Gate verdict: fail (15 errors, 15 warnings, 15 notices "
                     "(0 waived)); 16 more findings not shown"),
            std::string::npos)
      << out;
}

TEST(GithubReport, StepSummaryEscapesMarkdownAndStaysUnderOneMebibyte) {
  std::string summary = render_github_summary(sample_report(), std::nullopt);
  EXPECT_NE(summary.find("model card has no \\`license\\` \\| see \\*docs\\*"), std::string::npos);
  EXPECT_EQ(summary.find("<rows>"), std::string::npos);

  Decision big = sample_report();
  big.findings.clear();
  for (int i = 0; i < 20000; ++i) {
    big.findings.push_back(test::make_finding("r", "t", Severity::error,
                                              "dir/" + std::string(40, 'x') + std::to_string(i), 1,
                                              std::string(60, '|'), std::to_string(i)));
  }
  std::string large = render_github_summary(big, std::nullopt);
  EXPECT_LT(large.size(), kStepSummaryLimit);
  EXPECT_NE(large.find("more findings not listed"), std::string::npos);
}

TEST(GithubReport, PublishAppendsSummaryAndOutputs) {
  test::TempDir dir;
  std::string summary_file = (dir / "summary.md").string();
  std::string output_file = (dir / "output.txt").string();
  test::write_file(summary_file, "earlier step\n");
  std::map<std::string, std::string> vars = {{"GITHUB_STEP_SUMMARY", summary_file},
                                             {"GITHUB_OUTPUT", output_file}};
  Environment env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  Decision report = sample_report();
  RenderOptions options;
  options.attestation = AttestationRef{"gate-attestation.json", std::string(64, 'a')};
  std::vector<FileAppend> appends = find_reporter("github")->publish(report, options, env);
  ASSERT_EQ(appends.size(), 2u);
  EXPECT_EQ(appends[0].path, summary_file);
  EXPECT_EQ(appends[0].bytes, render_github_summary(report, options.attestation));
  EXPECT_NE(appends[0].bytes.find("sha256 " + std::string(64, 'a')), std::string::npos);
  EXPECT_EQ(appends[1].path, output_file);
  EXPECT_EQ(appends[1].bytes, render_github_outputs(report, options.attestation));
  EXPECT_NE(appends[1].bytes.find("verdict<<gate_"), std::string::npos);
  // Publishing is data: the files are appended by the commit stage of `gate check`, not here.
  EXPECT_EQ(test::read_file(summary_file), "earlier step\n");
  EXPECT_FALSE(std::filesystem::exists(output_file));
}

TEST(Escape, Primitives) {
  EXPECT_EQ(escape::github_data("50% a\r\nb::c,d"), "50%25 a%0D%0Ab::c,d");
  EXPECT_EQ(escape::github_property("50% a\r\nb::c,d"), "50%25 a%0D%0Ab%3A%3Ac%2Cd");
  EXPECT_EQ(escape::xml("<a href=\"x\">'&'</a>\n", true),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#10;");
  EXPECT_EQ(escape::markdown("[x](javascript:y) <b>|"), "\\[x\\](javascript\\:y) \\<b\\>\\|");
  EXPECT_EQ(escape::uri_path("a b/ü#?.py"), "a%20b/%C3%BC%23%3F.py");
  EXPECT_EQ(escape::valid_utf8("ok \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 é"),
            "ok \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD é");
}

}  // namespace
}  // namespace gate
