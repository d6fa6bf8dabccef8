#include "attest/dsse.hpp"

#include <nlohmann/json.hpp>

#include "attest/bytes.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

std::string pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

Envelope sign_envelope(std::string_view payload_type, std::string payload, const PrivateKey& key) {
  Envelope envelope;
  envelope.payload_type = std::string(payload_type);
  envelope.payload = std::move(payload);
  envelope.signatures.push_back({key.key_id(), key.sign(pae(payload_type, envelope.payload))});
  return envelope;
}

std::string serialize_envelope(const Envelope& envelope) {
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& signature : envelope.signatures) {
    signatures.push_back({{"keyid", signature.keyid}, {"sig", base64_encode(signature.sig)}});
  }
  nlohmann::json json = {{"payload", base64_encode(envelope.payload)},
                         {"payloadType", envelope.payload_type},
                         {"signatures", signatures}};
  return json.dump();
}

namespace {
[[noreturn]] void bad_envelope(const std::string& origin, const std::string& what) {
  throw InputError(origin, 0, 0, "not a DSSE envelope: " + what,
                   "an envelope is JSON with payload, payloadType and signatures[{keyid, sig}]");
}

const std::string& string_field(const nlohmann::json& object, const char* name,
                                const std::string& origin) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) bad_envelope(origin, std::string(name) + " missing");
  return it->get_ref<const std::string&>();
}
}  // namespace

Envelope parse_envelope(std::string_view json_text, const std::string& origin) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) bad_envelope(origin, "not a JSON object");
  Envelope envelope;
  envelope.payload_type = string_field(json, "payloadType", origin);
  auto payload = base64_decode_lenient(string_field(json, "payload", origin));
  if (!payload) bad_envelope(origin, "payload is not base64 (standard or URL-safe)");
  envelope.payload = std::move(*payload);
  auto signatures = json.find("signatures");
  if (signatures == json.end() || !signatures->is_array() || signatures->empty()) {
    bad_envelope(origin, "signatures missing");
  }
  for (const auto& entry : *signatures) {
    if (!entry.is_object()) bad_envelope(origin, "a signature is not an object");
    DsseSignature signature;
    auto keyid = entry.find("keyid");
    if (keyid != entry.end()) {
      if (!keyid->is_string()) bad_envelope(origin, "keyid is not a string");
      signature.keyid = keyid->get<std::string>();
    }
    auto sig = base64_decode_lenient(string_field(entry, "sig", origin));
    if (!sig) bad_envelope(origin, "sig is not base64 (standard or URL-safe)");
    signature.sig = std::move(*sig);
    envelope.signatures.push_back(std::move(signature));
  }
  return envelope;
}

EnvelopeCheck verify_envelope(const Envelope& envelope, const std::vector<PublicKey>& trusted) {
  EnvelopeCheck check;
  std::string message = pae(envelope.payload_type, envelope.payload);
  bool known_key = false;
  for (const auto& signature : envelope.signatures) {
    for (const auto& key : trusted) {
      // An empty keyid is allowed by DSSE: then every trusted key is tried.
      if (!signature.keyid.empty() && signature.keyid != key.key_id()) continue;
      known_key = true;
      if (key.verify(message, signature.sig)) {
        check.ok = true;
        check.key_id = key.key_id();
        return check;
      }
    }
  }
  if (!known_key) {
    std::string ids;
    for (const auto& signature : envelope.signatures) {
      ids += (ids.empty() ? "" : ", ") + (signature.keyid.empty() ? "(none)" : signature.keyid);
    }
    check.reason = "signed by an untrusted key (keyid " + ids + ")";
  } else {
    check.reason = "signature does not verify (the envelope was altered or signed elsewhere)";
  }
  return check;
}

}  // namespace gate::attest
