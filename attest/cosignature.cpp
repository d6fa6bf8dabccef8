#include "attest/cosignature.hpp"

#include <charconv>

#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {
constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // U+2014 EM DASH, space
constexpr size_t kMaxRequestSize = 1 << 20;

std::string u64_big_endian(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t read_u64_big_endian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

// A decimal without leading zeroes ("0" alone is zero).
std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  return value;
}

[[noreturn]] void bad_request(const std::string& origin, uint32_t line, const std::string& what) {
  throw InputError(origin, line, 0, "not an add-checkpoint request: " + what,
                   "the body is 'old <size>', the consistency proof lines, a blank line and the "
                   "checkpoint (C2SP tlog-witness)");
}
}  // namespace

std::string cosignature_key_hash(std::string_view name, const PublicKey& key) {
  return std::string(
      as_bytes(sha256_concat({name, std::string_view("\n\x04", 2), key.raw_ed25519()}))
          .substr(0, 4));
}

std::string cosigned_message(std::string_view checkpoint_text, uint64_t timestamp) {
  std::string message = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  message += checkpoint_text;
  return message;
}

std::string cosign_checkpoint(const SignedCheckpoint& checkpoint, const PrivateKey& witness_key,
                              const std::string& witness_name, uint64_t timestamp) {
  if (witness_key.type() != KeyType::ed25519) {
    throw InputError("a witness key must be an Ed25519 key (cosignature/v1)",
                     "make one with `gate keygen --type ed25519 --out witness`");
  }
  if (timestamp > static_cast<uint64_t>(INT64_MAX)) throw std::invalid_argument("timestamp");
  std::string blob = cosignature_key_hash(witness_name, witness_key.public_key()) +
                     u64_big_endian(timestamp) +
                     witness_key.sign(cosigned_message(checkpoint.text, timestamp));
  return std::string(kSignaturePrefix) + witness_name + " " + base64_encode(blob) + "\n";
}

std::optional<uint64_t> cosigned_by(const SignedCheckpoint& checkpoint,
                                    const std::vector<NoteSignature>& signatures,
                                    const PublicKey& witness_key) {
  if (witness_key.type() != KeyType::ed25519) return std::nullopt;
  for (const auto& signature : signatures) {
    if (signature.signature.size() != 8 + 64) continue;
    if (signature.key_hash != cosignature_key_hash(signature.name, witness_key)) continue;
    uint64_t timestamp = read_u64_big_endian(signature.signature);
    if (timestamp > static_cast<uint64_t>(INT64_MAX)) continue;
    if (witness_key.verify(cosigned_message(checkpoint.text, timestamp),
                           std::string_view(signature.signature).substr(8))) {
      return timestamp;
    }
  }
  return std::nullopt;
}

AddCheckpointRequest parse_add_checkpoint(std::string_view body, const std::string& origin) {
  if (body.size() > kMaxRequestSize) bad_request(origin, 0, "larger than 1 MiB");
  AddCheckpointRequest request;
  size_t at = 0;
  uint32_t line_number = 0;
  auto next_line = [&]() -> std::string_view {
    size_t end = body.find('\n', at);
    ++line_number;
    if (end == std::string_view::npos) bad_request(origin, line_number, "line without a newline");
    std::string_view line = body.substr(at, end - at);
    at = end + 1;
    return line;
  };
  std::string_view old_line = next_line();
  if (old_line.substr(0, 4) != "old ") bad_request(origin, 1, "the first line is not 'old <size>'");
  auto old_size = parse_decimal(old_line.substr(4));
  if (!old_size) bad_request(origin, 1, "the old size is not a decimal without leading zeroes");
  request.old_size = *old_size;
  for (;;) {
    std::string_view line = next_line();
    if (line.empty()) break;
    if (request.proof.size() == kMaxConsistencyProofLines) {
      bad_request(origin, line_number, "more than 63 consistency proof lines");
    }
    auto hash = base64_decode(line);
    if (!hash || hash->size() != 32) {
      bad_request(origin, line_number, "a proof line is not base64 of a 32-byte hash");
    }
    request.proof.push_back(std::move(*hash));
  }
  if (request.old_size == 0 && !request.proof.empty()) {
    bad_request(origin, 2, "a proof from size 0 must be empty");
  }
  request.checkpoint = std::string(body.substr(at));
  if (request.checkpoint.empty()) bad_request(origin, line_number + 1, "no checkpoint");
  return request;
}

std::string format_add_checkpoint(uint64_t old_size, const std::vector<Hash>& proof,
                                  std::string_view checkpoint) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const auto& hash : proof) body += base64_encode(as_bytes(hash)) + "\n";
  body += "\n";
  body += checkpoint;
  return body;
}

}  // namespace gate::attest
