#include "gate/types/changeset.hpp"

#include <algorithm>

namespace gate {

std::string_view to_string(ChangeStatus status) {
  switch (status) {
    case ChangeStatus::added:
      return "added";
    case ChangeStatus::modified:
      return "modified";
    case ChangeStatus::deleted:
      return "deleted";
    case ChangeStatus::renamed:
      return "renamed";
    case ChangeStatus::copied:
      return "copied";
    case ChangeStatus::type_changed:
      return "type-changed";
  }
  return "modified";
}

std::string_view to_string(EntryKind kind) {
  switch (kind) {
    case EntryKind::none:
      return "none";
    case EntryKind::file:
      return "file";
    case EntryKind::executable:
      return "executable";
    case EntryKind::symlink:
      return "symlink";
    case EntryKind::submodule:
      return "submodule";
  }
  return "none";
}

bool FileChange::has_asset(std::string_view name) const {
  return std::find(assets.begin(), assets.end(), name) != assets.end();
}

}  // namespace gate
