#pragma once

#include <string_view>

namespace gate::server::web {

// /ui/verify.js: the in-browser check of a decision page (plain JavaScript, WebCrypto only).
// It trusts nothing the server says but the bytes it hashes: the leaf hash, the RFC 9162
// inclusion proof to the checkpoint's root, and the checkpoint's Ed25519 note signature under a
// log key the auditor pins.
std::string_view verify_script();

}  // namespace gate::server::web
