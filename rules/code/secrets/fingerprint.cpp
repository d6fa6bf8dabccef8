#include "rules/code/secrets/fingerprint.hpp"

namespace gate::secrets {

std::string secret_fingerprint_basis(std::string_view format_id, std::string_view redacted_context,
                                     size_t occurrence) {
  std::string basis = "secret-context:";
  basis.append(format_id.data(), format_id.size());
  basis += '\0';
  basis.append(redacted_context.data(), redacted_context.size());
  basis += '\0';
  basis += std::to_string(occurrence);
  return basis;
}

}  // namespace gate::secrets
