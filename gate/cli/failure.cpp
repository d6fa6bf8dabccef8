#include <ostream>

#include "gate/cli/commands.hpp"
#include "gate/types/errors.hpp"
#include "gate/version.hpp"

namespace gate::cli {

int report_failure(std::exception_ptr failure, std::ostream& err) {
  try {
    std::rethrow_exception(failure);
  } catch (const InputError& e) {
    err << "gate: error: " << e.describe() << "\n";
  } catch (const RuleError& e) {
    err << "gate: error: a rule could not evaluate: " << e.what() << "\n";
  } catch (const std::exception& e) {
    err << "gate: internal error: " << e.what()
        << "\n  this is a defect in Gate, not a problem with the input: please report it with "
           "the command line and `gate "
        << kVersion << "`\n";
  } catch (...) {
    err << "gate: internal error: an unknown exception\n  this is a defect in Gate, not a "
           "problem with the input: please report it with the command line and `gate "
        << kVersion << "`\n";
  }
  return 2;
}

}  // namespace gate::cli
