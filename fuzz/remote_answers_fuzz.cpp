// The answers of a log service come from whoever answers at the URL: every parser of them must
// reject any bytes cleanly (InputError), never crash, and what it accepts must hold its bounds.
// The first byte picks the parser; the rest is the answer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "attest/merkle.hpp"
#include "attest/remote_answers.hpp"
#include "gate/types/errors.hpp"

namespace {

using namespace gate::attest;

// A parsed proof is fed to the verifiers, which must refuse it cleanly when it is wrong.
void exercise(const InclusionAnswer& answer) {
  if (answer.proof.size() > kMaxRemoteProof) __builtin_trap();
  std::vector<std::string> proof;
  for (const auto& hash : answer.proof) proof.emplace_back(as_bytes(hash));
  (void)merkle::verify_inclusion(answer.leaf_index, answer.tree_size, as_bytes(answer.leaf_hash),
                                 proof, as_bytes(answer.root));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string where = "http://fuzz/answer";
  try {
    switch (data[0] % 8) {
      case 0: {
        AppendAnswer answer = parse_append_answer(body, where);
        exercise({answer.seq, answer.tree_size, answer.leaf_hash, answer.root,
                  answer.inclusion_proof, answer.checkpoint});
        break;
      }
      case 1:
        exercise(parse_inclusion_answer(body, where));
        break;
      case 2: {
        ConsistencyAnswer answer = parse_consistency_answer(body, where);
        if (answer.proof.size() > kMaxRemoteProof) __builtin_trap();
        std::vector<std::string> proof;
        for (const auto& hash : answer.proof) proof.emplace_back(as_bytes(hash));
        (void)merkle::verify_consistency(answer.old_size, answer.new_size, proof,
                                         as_bytes(answer.old_root), as_bytes(answer.new_root));
        break;
      }
      case 3:
        parse_query_page(body, where);
        break;
      case 4:
        if (!parse_entry_answer(body, where).has_envelope) __builtin_trap();
        break;
      case 5: {
        ExportLine line = parse_export_line(body, where);
        if (line.entry.has_value() == line.checkpoint.has_value()) __builtin_trap();
        break;
      }
      case 6:
        parse_health(body, where);
        break;
      default: {
        std::string text = service_refusal_text(body);
        if (text.size() > 500) __builtin_trap();
        for (char c : text) {
          if (static_cast<unsigned char>(c) < 0x20) __builtin_trap();
        }
      }
    }
  } catch (const gate::InputError&) {
  }
  return 0;
}
