#include "attest/logged_note.hpp"

#include <nlohmann/json.hpp>

#include "attest/bytes.hpp"
#include "attest/checkpoint.hpp"
#include "attest/log_store.hpp"
#include "attest/merkle.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {
constexpr size_t kMaxProof = 64;

[[noreturn]] void bad_note(const std::string& origin, const std::string& what) {
  throw InputError(origin, 0, 0, "not a Gate attestation note: " + what,
                   "a note is a DSSE envelope, or {envelope, logIndex, inclusionProof, "
                   "checkpoint} as `gate check` writes it");
}
}  // namespace

LogInclusion inclusion_in(LogStore& log, uint64_t index, uint64_t size) {
  auto checkpoint = log.checkpoint(size);
  if (!checkpoint) {
    throw std::runtime_error("the log stored no checkpoint for size " + std::to_string(size));
  }
  LogInclusion inclusion{index, {}, *checkpoint};
  for (const auto& hash : log.inclusion_proof(index, size)) {
    inclusion.proof.emplace_back(as_bytes(hash));
  }
  return inclusion;
}

std::string make_logged_note(const std::string& envelope, const LogInclusion& inclusion) {
  nlohmann::json proof = nlohmann::json::array();
  for (const auto& hash : inclusion.proof) proof.push_back(base64_encode(hash));
  nlohmann::json note = {{"envelope", envelope},
                         {"logIndex", inclusion.index},
                         {"inclusionProof", proof},
                         {"checkpoint", inclusion.checkpoint}};
  return note.dump();
}

LoggedNote parse_logged_note(std::string_view text, const std::string& origin) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) bad_note(origin, "not a JSON object");
  LoggedNote note;
  auto envelope = json.find("envelope");
  if (envelope == json.end()) {
    note.envelope = std::string(text);  // a bare DSSE envelope
    return note;
  }
  if (!envelope->is_string()) bad_note(origin, "envelope is not a string of the envelope's bytes");
  note.envelope = envelope->get<std::string>();
  auto index = json.find("logIndex");
  auto proof = json.find("inclusionProof");
  auto checkpoint = json.find("checkpoint");
  if (index == json.end() || !index->is_number_unsigned()) bad_note(origin, "logIndex missing");
  if (proof == json.end() || !proof->is_array() || proof->size() > kMaxProof) {
    bad_note(origin, "inclusionProof missing or longer than 64 hashes");
  }
  if (checkpoint == json.end() || !checkpoint->is_string()) bad_note(origin, "checkpoint missing");
  LogInclusion inclusion;
  inclusion.index = index->get<uint64_t>();
  for (const auto& item : *proof) {
    std::optional<std::string> hash;
    if (item.is_string()) hash = base64_decode(item.get<std::string>());
    if (!hash || hash->size() != 32)
      bad_note(origin, "an inclusionProof hash is not base64 of 32 bytes");
    inclusion.proof.push_back(std::move(*hash));
  }
  inclusion.checkpoint = checkpoint->get<std::string>();
  note.inclusion = std::move(inclusion);
  return note;
}

std::optional<std::string> check_inclusion(const LoggedNote& note, const PublicKey& log_key) {
  if (!note.inclusion) return "the note carries no log inclusion proof";
  SignedCheckpoint checkpoint;
  try {
    checkpoint = parse_checkpoint(note.inclusion->checkpoint, "note checkpoint");
  } catch (const InputError& e) {
    return e.message();
  }
  if (!checkpoint_signed_by(checkpoint, log_key)) {
    return "the note's checkpoint is not signed by the log key " + log_key.key_id();
  }
  Hash leaf = merkle::leaf_hash(note.envelope);
  if (auto problem = merkle::verify_inclusion(note.inclusion->index, checkpoint.checkpoint.size,
                                              as_bytes(leaf), note.inclusion->proof,
                                              as_bytes(checkpoint.checkpoint.root))) {
    return "the note's inclusion proof does not verify: " + *problem;
  }
  return std::nullopt;
}

}  // namespace gate::attest
