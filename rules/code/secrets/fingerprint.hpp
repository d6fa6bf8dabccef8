#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gate::secrets {

// The fingerprint basis of a secret finding, built from nothing derived from the secret:
// the format id, the line(s) of the secret with every secret found on them cut out (each line
// trimmed, so re-indenting keeps it), and the occurrence index of that pair in the file. The
// engine hashes it with rule id and path. No key is needed, so every run on every fresh CI
// runner computes the same fingerprint (baselines, waivers and `.gateignore` keep matching), no
// line number goes in (it survives lines moving), and a report holder cannot check a guessed
// secret against it: the secret's bytes are not an input.
std::string secret_fingerprint_basis(std::string_view format_id, std::string_view redacted_context,
                                     size_t occurrence);

}  // namespace gate::secrets
