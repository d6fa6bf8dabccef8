#include "gate/cli/check_attest.hpp"

#include <CLI/CLI.hpp>

namespace gate {

struct AttestStage::State {};

AttestStage::AttestStage() : state_(std::make_unique<State>()) {}
AttestStage::~AttestStage() = default;

void AttestStage::add_options(CLI::App& check) { (void)check; }
void AttestStage::prepare() {}
void AttestStage::record(Report& report, git_repository* repo, int64_t now) {
  (void)report;
  (void)repo;
  (void)now;
}

}  // namespace gate
