#pragma once

#include <string_view>

namespace gate::secrets {

// Whether a matched secret is a documentation placeholder rather than a credential: a long run
// of one repeated character (`ghp_xxxxxxxx...`, `hvs.XXXX...`, `sk_test_0000...`), a masked
// value (`****`), or a vendor's documented example (AWS's `AKIAIOSFODNN7EXAMPLE` and
// `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, which end in or contain `EXAMPLE`). A random
// token of base62 has a run of 8 equal characters with probability about 1e-12 a position.
bool looks_like_placeholder(std::string_view secret);

}  // namespace gate::secrets
