#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.hpp"

namespace gate::attest {

// A DSSE envelope (github.com/secure-systems-lab/dsse, protocol v1). Signatures cover
// PAE(payloadType, payload), never the JSON around them.
struct DsseSignature {
  std::string keyid;
  std::string sig;  // raw signature bytes
};

struct Envelope {
  std::string payload_type;
  std::string payload;  // raw payload bytes (base64 only in the JSON form)
  std::vector<DsseSignature> signatures;
};

// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in ASCII decimal.
std::string pae(std::string_view payload_type, std::string_view payload);

Envelope sign_envelope(std::string_view payload_type, std::string payload, const PrivateKey& key);

// Compact JSON with standard base64 payload and signatures; keys sorted, so bytes are stable.
std::string serialize_envelope(const Envelope& envelope);

// Parses the JSON form; throws InputError naming `origin` when the bytes are not an envelope.
Envelope parse_envelope(std::string_view json, const std::string& origin);

struct EnvelopeCheck {
  bool ok = false;
  std::string key_id;  // the trusted key that verified it
  std::string reason;  // why it did not verify
};

// Succeeds when one signature verifies under one of the trusted keys.
EnvelopeCheck verify_envelope(const Envelope& envelope, const std::vector<PublicKey>& trusted);

}  // namespace gate::attest
