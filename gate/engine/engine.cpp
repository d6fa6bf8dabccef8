#include "gate/engine/engine.hpp"

#include <exception>

#include "gate/types/errors.hpp"
#include "gate/types/parallel.hpp"
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

namespace {

void recount(std::vector<RuleOutcome>& outcomes, const std::vector<Finding>& findings) {
  for (auto& outcome : outcomes) {
    outcome.findings = 0;
    outcome.waived = 0;
    for (const auto& finding : findings) {
      if (finding.rule_id != outcome.id) continue;
      if (finding.waived_by) {
        ++outcome.waived;
      } else {
        ++outcome.findings;
      }
    }
    if (outcome.findings > 0) {
      outcome.status = RuleStatus::fail;
    } else if (outcome.status == RuleStatus::fail) {
      outcome.status = RuleStatus::pass;  // every finding waived
    }
  }
}

}  // namespace

void recount_outcomes(Evaluation& evaluation) { recount(evaluation.outcomes, evaluation.findings); }

void finalize(Decision& decision) {
  for (auto& finding : decision.findings) {
    if (finding.fingerprint.empty()) finding.fingerprint = fingerprint_of(finding);
  }
  sort_findings(decision.findings);
  recount(decision.rules, decision.findings);
  bool blocked = decision.count(Severity::error) > 0;
  decision.verdict = blocked ? Verdict::fail : Verdict::pass;
  decision.exit_code = blocked && decision.mode == Mode::enforce ? 1 : 0;
}

Evaluation evaluate_policy(const Policy& policy, const ChangeSet& change, const BlobSource& blobs,
                           const Evidence& evidence, const EvaluateOptions& options) {
  const size_t count = policy.rules.size();
  std::vector<RuleResult> results(count);
  std::vector<std::exception_ptr> errors(count);
  parallel_for(count, options.threads, [&](size_t i) {
    const PolicyRule& spec = policy.rules[i];
    RuleContext context{change, policy, spec, blobs, evidence, options.workdir, options.now};
    try {
      results[i] = spec.rule->evaluate(context);
    } catch (...) {
      errors[i] = std::current_exception();  // rethrown below in policy order, with the rule
    }
  });

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
    outcome.summary = type ? type->summary : "";
    outcome.description = spec.description;
    outcome.severity = spec.severity;
    outcome.security = type && type->security;
    outcome.record = results[i].record;
    if (results[i].skipped && results[i].findings.empty()) {
      outcome.status = RuleStatus::skipped;
      outcome.reason = *results[i].skipped;
    } else {
      outcome.status = results[i].findings.empty() ? RuleStatus::pass : RuleStatus::fail;
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
