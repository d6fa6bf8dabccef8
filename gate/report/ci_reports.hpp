#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/report/reporter.hpp"

namespace gate {

// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers (docs/formats.md#sarif).
inline constexpr size_t kSarifResultCap = 5000;  // GitHub keeps the top 5,000 results of a run
std::string render_sarif(const Decision& report, const RenderOptions& options);
std::string render_sarif_capped(const Decision& report, size_t result_cap);

// JUnit XML for GitLab's test report (artifacts:reports:junit).
std::string render_junit(const Decision& report, const RenderOptions& options);

// GitLab code quality (Code Climate JSON) for artifacts:reports:codequality.
std::string render_gitlab(const Decision& report, const RenderOptions& options);

// GitHub workflow commands (annotations); publish_github appends the step summary to
// $GITHUB_STEP_SUMMARY and writes verdict, findings, attestation to $GITHUB_OUTPUT.
inline constexpr size_t kGithubAnnotationsPerStep = 10;  // per level, as GitHub shows them
inline constexpr size_t kStepSummaryLimit = 1024 * 1024;
std::string render_github(const Decision& report, const RenderOptions& options);
std::string render_github_summary(const Decision& report,
                                  const std::optional<AttestationRef>& attestation);
std::string render_github_outputs(const Decision& report,
                                  const std::optional<AttestationRef>& attestation);
std::vector<FileAppend> publish_github(const Decision& report, const RenderOptions& options,
                                       const Environment& env);

// An exit-2 error under GitHub Actions: an ::error annotation, outputs and a step summary.
struct GithubError {
  std::string message;
  std::string hint;
  std::string file;
  uint32_t line = 0;
};
std::string render_github_error(const GithubError& error);
// What an exit-2 error appends to the step summary and outputs (the commit step writes it).
std::vector<FileAppend> publish_github_error(const GithubError& error, const Environment& env);

}  // namespace gate
