#include "attest/witness_client.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>

#include "attest/checkpoint.hpp"
#include "attest/cosignature.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {
constexpr int kAttempts = 4;  // another submitter may move the witness on between our requests

struct Address {
  std::string origin;  // scheme://host:port
  std::string prefix;  // path before /add-checkpoint, without a trailing slash
};

Address split_url(const std::string& url) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  Address address{url.substr(0, path), path == std::string::npos ? "" : url.substr(path)};
  while (!address.prefix.empty() && address.prefix.back() == '/') address.prefix.pop_back();
  return address;
}

CosignOutcome outcome(CosignOutcome::Kind kind, const WitnessEndpoint& witness,
                      const std::string& what) {
  CosignOutcome out;
  out.kind = kind;
  out.message = "witness " + witness.label() + ": " + what;
  return out;
}

std::optional<uint64_t> size_of(const std::string& body) {
  std::string_view text(body);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}
}  // namespace

WitnessEndpoint parse_witness_flag(const std::string& flag) {
  size_t equals = flag.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == flag.size() ||
      flag.rfind("http", 0) != 0) {
    throw InputError("--witness '" + flag + "' is not URL=PUBKEY",
                     "pass the witness address and its public key file, such as "
                     "--witness http://127.0.0.1:7380=witness.pub");
  }
  PublicKey key = PublicKey::from_file(flag.substr(equals + 1));
  if (key.type() != KeyType::ed25519) {
    throw InputError(flag.substr(equals + 1), 0, 0, "a witness key is an Ed25519 key",
                     "cosignature/v1 cosignatures are Ed25519 signatures");
  }
  return WitnessEndpoint{flag.substr(0, equals), std::move(key), kWitnessTimeoutSeconds};
}

CosignOutcome request_cosignature(const WitnessEndpoint& witness, const std::string& checkpoint,
                                  const ConsistencyProver& prove, uint64_t known_size) {
  using Kind = CosignOutcome::Kind;
  SignedCheckpoint parsed = parse_checkpoint(checkpoint, "checkpoint");
  uint64_t size = parsed.checkpoint.size;
  Address address = split_url(witness.url);
  httplib::Client client(address.origin);
  int timeout = std::max(1, witness.timeout_seconds);
  client.set_connection_timeout(std::min(5, timeout));
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  // Without a known size, ask with 0: the witness answers with its latest size.
  uint64_t old_size = known_size <= size ? known_size : 0;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::vector<Hash> proof;
    if (old_size > 0 && old_size < size) {
      auto made = prove(old_size, size);
      if (!made) {
        return outcome(Kind::unavailable, witness,
                       "it last cosigned size " + std::to_string(old_size) +
                           ", older than this checkpoint; only the log can prove the step "
                           "(verify with --log)");
      }
      proof = std::move(*made);
    }
    auto response = client.Post(address.prefix + "/add-checkpoint",
                                format_add_checkpoint(old_size, proof, checkpoint), "text/plain");
    if (!response) {
      return outcome(Kind::unavailable, witness,
                     "unreachable (" + httplib::to_string(response.error()) +
                         "): the log cannot be confirmed, so verification fails closed");
    }
    const std::string& body = response->body;
    switch (response->status) {
      case 200: {
        std::vector<NoteSignature> lines;
        try {
          lines = parse_signature_lines(body, "witness response");
        } catch (const InputError&) {
          return outcome(Kind::unavailable, witness, "answered with no signature lines");
        }
        auto timestamp = cosigned_by(parsed, lines, witness.key);
        if (!timestamp) {
          return outcome(Kind::unavailable, witness,
                         "answered, but no cosignature in its answer verifies under the trusted "
                         "witness key (is it the key of this witness?)");
        }
        CosignOutcome out =
            outcome(Kind::cosigned, witness, "cosigned size " + std::to_string(size));
        out.signature_line = body;
        out.timestamp = *timestamp;
        return out;
      }
      case 409: {
        auto known = size_of(body);
        if (!known) return outcome(Kind::unavailable, witness, "409 without a size");
        if (*known > size) {
          return outcome(Kind::conflict, witness,
                         "it cosigned size " + std::to_string(*known) +
                             " of this log, which now "
                             "has " +
                             std::to_string(size) +
                             " entries: the log was truncated or rolled back");
        }
        if (*known == old_size) {
          return outcome(Kind::conflict, witness,
                         "it cosigned another root for size " + std::to_string(*known) +
                             ": a split view (two different logs under one name)");
        }
        old_size = *known;
        continue;
      }
      case 422:
        return outcome(Kind::conflict, witness,
                       "this log does not extend the checkpoint it cosigned (size " +
                           std::to_string(old_size) + "): the log was rewritten or forked");
      case 403:
        return outcome(Kind::conflict, witness,
                       "it refuses the checkpoint's signature: the log was re-keyed, or the "
                       "witness is not configured with this log's key");
      case 404:
        return outcome(Kind::unavailable, witness,
                       "it does not witness the origin '" + parsed.checkpoint.origin + "'");
      default:
        return outcome(Kind::unavailable, witness,
                       "answered " + std::to_string(response->status) + ": " + body);
    }
  }
  return outcome(Kind::unavailable, witness, "kept moving on while we asked; try again");
}

}  // namespace gate::attest
