#include "gate/engine/engine.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "rules/registry.hpp"

namespace gate {

std::string fingerprint_of(const Finding& finding) {
  std::string input = finding.rule_id;
  input += '\0';
  input += finding.path;
  input += '\0';
  input += finding.fingerprint_basis.empty() ? finding.message : finding.fingerprint_basis;
  return sha256_hex(input);
}

void recount_outcomes(Evaluation& evaluation) {
  for (auto& outcome : evaluation.outcomes) {
    if (outcome.status == "error") continue;
    outcome.findings = 0;
    outcome.waived = 0;
    for (const auto& finding : evaluation.findings) {
      if (finding.rule_id != outcome.id) continue;
      if (finding.waived_by) {
        ++outcome.waived;
      } else {
        ++outcome.findings;
      }
    }
    if (outcome.findings > 0) {
      outcome.status = "fail";
    } else if (outcome.status == "fail") {
      outcome.status = "pass";  // every finding waived
    }
  }
}

Evaluation evaluate_policy(const Policy& policy, const ChangeSet& change, const BlobSource& blobs,
                           const Evidence& evidence, const EvaluateOptions& options) {
  const size_t count = policy.rules.size();
  std::vector<RuleResult> results(count);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) {
      const PolicyRule& spec = policy.rules[i];
      RuleContext context{change, policy, spec, blobs, evidence, options.workdir, options.now};
      try {
        results[i] = spec.rule->evaluate(context);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(count, 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();

  // Merged in policy order, so the result does not depend on scheduling.
  Evaluation evaluation;
  for (size_t i = 0; i < count; ++i) {
    const PolicyRule& spec = policy.rules[i];
    if (errors[i]) {
      try {
        std::rethrow_exception(errors[i]);
      } catch (const InputError&) {
        throw;
      } catch (const std::exception& e) {
        throw RuleError("rule '" + spec.id + "' (" + spec.type + ", " + policy.path + ":" +
                        std::to_string(spec.line) + "): " + e.what());
      }
    }
    const rules::RuleType* type = rules::registry().find(spec.type);
    RuleOutcome outcome;
    outcome.id = spec.id;
    outcome.type = spec.type;
    outcome.family = type ? type->family : "";
    outcome.description = spec.description;
    outcome.severity = spec.severity;
    outcome.security = type && type->security;
    if (results[i].skipped && results[i].findings.empty()) {
      outcome.status = "skipped";
      outcome.reason = *results[i].skipped;
    } else {
      outcome.status = results[i].findings.empty() ? "pass" : "fail";
    }
    for (auto& finding : results[i].findings) {
      finding.rule_id = spec.id;
      finding.rule_type = spec.type;
      finding.fingerprint = fingerprint_of(finding);
      evaluation.findings.push_back(std::move(finding));
    }
    evaluation.outcomes.push_back(std::move(outcome));
  }
  sort_findings(evaluation.findings);
  recount_outcomes(evaluation);
  return evaluation;
}

}  // namespace gate
