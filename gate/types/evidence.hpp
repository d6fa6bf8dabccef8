#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gate {

// A review approval collected by a CI step before Gate runs (`--approvals FILE`).
struct Approval {
  std::string reviewer;  // login, without '@'
  std::string state;     // "approved" counts; anything else is recorded but does not count
  std::string commit;    // the head commit id that was approved
  int64_t time = 0;      // seconds since the epoch; 0 when unknown
};

// Evidence from outside the repository that rules may judge.
struct Evidence {
  bool approvals_provided = false;
  std::string approvals_file;
  std::vector<Approval> approvals;
  std::string author;  // login of the change's author (the pull request author)
  std::map<std::string, std::vector<std::string>> teams;  // from the approvals file, if any
};

}  // namespace gate
