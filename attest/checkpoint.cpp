#include "attest/checkpoint.hpp"

#include <charconv>

#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {
constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // U+2014 EM DASH, space
constexpr size_t kMaxNoteSize = 1 << 20;

[[noreturn]] void bad_checkpoint(const std::string& origin, uint32_t line,
                                 const std::string& what) {
  throw InputError(origin, line, 0, "not a signed checkpoint: " + what,
                   "a checkpoint is what `gate log checkpoint` prints (C2SP tlog-checkpoint)");
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c == '+' || c == 0x7f) return false;
  }
  return true;
}
}  // namespace

std::string note_key_hash(std::string_view name, const PublicKey& key) {
  std::string material(name);
  material += '\n';
  material += '\x01';  // signature type: Ed25519
  material += key.raw_ed25519();
  return std::string(as_bytes(sha256(material)).substr(0, 4));
}

std::optional<std::string> origin_problem(std::string_view origin) {
  if (origin.empty()) return "it is empty";
  if (origin.size() > 255) return "it is longer than 255 bytes";
  if (origin.find("://") != std::string_view::npos) return "it has a scheme (drop https://)";
  if (!valid_key_name(origin)) return "it has a space, a plus sign or a control character";
  return std::nullopt;
}

std::string checkpoint_text(const Checkpoint& checkpoint) {
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     base64_encode(as_bytes(checkpoint.root)) + "\n";
  for (const auto& extension : checkpoint.extensions) text += extension + "\n";
  return text;
}

std::string sign_checkpoint(const Checkpoint& checkpoint, const PrivateKey& key) {
  if (key.type() != KeyType::ed25519) {
    throw InputError("checkpoints are signed with Ed25519 keys only",
                     "make a log key with `gate keygen --type ed25519`");
  }
  std::string text = checkpoint_text(checkpoint);
  std::string blob = note_key_hash(checkpoint.origin, key.public_key()) + key.sign(text);
  return text + "\n" + std::string(kSignaturePrefix) + checkpoint.origin + " " +
         base64_encode(blob) + "\n";
}

std::vector<NoteSignature> parse_signature_lines(std::string_view text,
                                                 const std::string& origin_name,
                                                 uint32_t first_line) {
  if (text.size() > kMaxNoteSize) bad_checkpoint(origin_name, 0, "larger than 1 MiB");
  if (text.empty()) bad_checkpoint(origin_name, first_line, "no signature lines");
  if (text.back() != '\n') {
    bad_checkpoint(origin_name, first_line, "signature lines must end in a newline");
  }
  std::vector<NoteSignature> signatures;
  uint32_t line_number = first_line;
  for (auto line : split_lines(text)) {
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      bad_checkpoint(origin_name, line_number, "signature line does not start with an em dash");
    }
    line.remove_prefix(kSignaturePrefix.size());
    size_t space = line.rfind(' ');
    if (space == std::string_view::npos) bad_checkpoint(origin_name, line_number, "no key name");
    NoteSignature signature;
    signature.name = std::string(line.substr(0, space));
    if (!valid_key_name(signature.name)) bad_checkpoint(origin_name, line_number, "bad key name");
    auto blob = base64_decode(line.substr(space + 1));
    if (!blob || blob->size() < 5) bad_checkpoint(origin_name, line_number, "bad signature");
    signature.key_hash = blob->substr(0, 4);
    signature.signature = blob->substr(4);
    signatures.push_back(std::move(signature));
    ++line_number;
  }
  return signatures;
}

SignedCheckpoint parse_checkpoint(std::string_view note, const std::string& origin_name) {
  if (note.size() > kMaxNoteSize) bad_checkpoint(origin_name, 0, "larger than 1 MiB");
  if (note.empty() || note.back() != '\n')
    bad_checkpoint(origin_name, 0, "does not end in a newline");
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos)
    bad_checkpoint(origin_name, 0, "no blank line before signatures");
  SignedCheckpoint parsed;
  parsed.text = std::string(note.substr(0, split + 1));
  auto lines = split_lines(parsed.text);
  if (lines.size() < 3) bad_checkpoint(origin_name, 0, "needs origin, size and root lines");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) bad_checkpoint(origin_name, static_cast<uint32_t>(i + 1), "empty line");
  }
  Checkpoint& checkpoint = parsed.checkpoint;
  checkpoint.origin = std::string(lines[0]);
  std::string_view size = lines[1];
  auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), checkpoint.size);
  if (error != std::errc() || end != size.data() + size.size() ||
      (size.size() > 1 && size[0] == '0')) {
    bad_checkpoint(origin_name, 2, "size is not a decimal number");
  }
  auto root = base64_decode(lines[2]);
  if (!root || root->size() != 32) bad_checkpoint(origin_name, 3, "root is not base64 of 32 bytes");
  checkpoint.root = hash_from_bytes(*root);
  for (size_t i = 3; i < lines.size(); ++i) checkpoint.extensions.emplace_back(lines[i]);

  parsed.signatures = parse_signature_lines(note.substr(split + 2), origin_name,
                                            static_cast<uint32_t>(lines.size() + 2));
  return parsed;
}

bool checkpoint_signed_by(const SignedCheckpoint& checkpoint, const PublicKey& key) {
  if (key.type() != KeyType::ed25519) return false;
  const std::string& name = checkpoint.checkpoint.origin;
  std::string key_hash = note_key_hash(name, key);
  for (const auto& signature : checkpoint.signatures) {
    if (signature.name == name && signature.key_hash == key_hash &&
        key.verify(checkpoint.text, signature.signature)) {
      return true;
    }
  }
  return false;
}

}  // namespace gate::attest
