#include "rules/data/row.hpp"

namespace gate::data {

std::string_view to_string(RowIssueKind kind) {
  switch (kind) {
    case RowIssueKind::field_too_large:
      return "field-too-large";
    case RowIssueKind::record_too_large:
      return "record-too-large";
    case RowIssueKind::too_many_fields:
      return "too-many-fields";
    case RowIssueKind::unterminated_quote:
      return "unterminated-quote";
    case RowIssueKind::stray_quote:
      return "stray-quote";
    case RowIssueKind::nul_byte:
      return "nul-byte";
    case RowIssueKind::invalid_utf8:
      return "invalid-utf8";
    case RowIssueKind::invalid_json:
      return "invalid-json";
    case RowIssueKind::not_an_object:
      return "not-an-object";
    case RowIssueKind::too_deep:
      return "too-deep";
    case RowIssueKind::nested_value:
      return "nested-value";
    case RowIssueKind::unknown_key:
      return "unknown-key";
  }
  return "issue";
}

}  // namespace gate::data
