#include "server/config.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "attest/bytes.hpp"
#include "gate/types/errors.hpp"

namespace gate::server {

namespace {

constexpr const char* kConfigHint = "see docs/audit-service.md, section 'Configuration file'";

uint32_t line_of(const YAML::Node& node) { return static_cast<uint32_t>(node.Mark().line + 1); }

[[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& what) {
  throw InputError(path, line_of(node), static_cast<uint32_t>(node.Mark().column + 1), what,
                   kConfigHint);
}

void expect_keys(const std::string& path, const YAML::Node& map, const std::set<std::string>& known,
                 const std::string& where) {
  if (!map.IsMap()) fail(path, map, where + " must be a mapping");
  for (const auto& item : map) {
    std::string key = item.first.as<std::string>();
    if (!known.count(key)) fail(path, item.first, "unknown setting '" + key + "' in " + where);
  }
}

std::string text(const std::string& path, const YAML::Node& node, const std::string& name) {
  if (!node.IsScalar()) fail(path, node, "'" + name + "' must be a string");
  return node.as<std::string>();
}

std::vector<std::string> texts(const std::string& path, const YAML::Node& node,
                               const std::string& name) {
  std::vector<std::string> out;
  if (node.IsScalar()) return {node.as<std::string>()};
  if (!node.IsSequence()) fail(path, node, "'" + name + "' must be a string or a list of them");
  for (const auto& item : node) out.push_back(text(path, item, name));
  return out;
}

int64_t number(const std::string& path, const YAML::Node& node, const std::string& name,
               int64_t low, int64_t high) {
  int64_t value = 0;
  try {
    value = node.as<int64_t>();
  } catch (const YAML::Exception&) {
    fail(path, node, "'" + name + "' must be a whole number");
  }
  if (value < low || value > high) {
    fail(path, node,
         "'" + name + "' must be between " + std::to_string(low) + " and " + std::to_string(high));
  }
  return value;
}

OidcIssuer read_issuer(const std::string& path, const YAML::Node& node) {
  expect_keys(path, node, {"issuer", "audience", "jwks", "leeway", "allow"}, "an oidc issuer");
  for (const char* required : {"issuer", "audience", "jwks"}) {
    if (!node[required]) fail(path, node, std::string("an oidc issuer needs '") + required + "'");
  }
  OidcIssuer issuer;
  issuer.policy.issuer = text(path, node["issuer"], "issuer");
  issuer.policy.audience = text(path, node["audience"], "audience");
  if (node["leeway"]) issuer.policy.leeway = number(path, node["leeway"], "leeway", 0, 600);
  issuer.jwks_path = text(path, node["jwks"], "jwks");
  issuer.jwks = attest::oidc::Jwks::from_file(issuer.jwks_path);
  if (!node["allow"] || !node["allow"].IsSequence() || node["allow"].size() == 0) {
    fail(path, node, "an oidc issuer needs 'allow': a list of {repository, workflow, ref} rules");
  }
  for (const auto& rule_node : node["allow"]) {
    expect_keys(path, rule_node, {"repository", "workflow", "ref"}, "an allow rule");
    if (!rule_node["repository"]) fail(path, rule_node, "an allow rule needs 'repository'");
    AllowRule rule;
    rule.repository = text(path, rule_node["repository"], "repository");
    if (rule_node["workflow"]) rule.workflow = text(path, rule_node["workflow"], "workflow");
    if (rule_node["ref"]) rule.ref = text(path, rule_node["ref"], "ref");
    issuer.allow.push_back(rule);
  }
  return issuer;
}

StaticToken read_token(const std::string& path, const YAML::Node& node) {
  expect_keys(path, node, {"name", "sha256", "repositories"}, "a token");
  for (const char* required : {"name", "sha256", "repositories"}) {
    if (!node[required]) fail(path, node, std::string("a token needs '") + required + "'");
  }
  StaticToken token;
  token.name = text(path, node["name"], "name");
  token.sha256_hex = text(path, node["sha256"], "sha256");
  bool hex = token.sha256_hex.size() == 64 &&
             token.sha256_hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) {
    fail(path, node["sha256"],
         "'sha256' must be 64 lowercase hex digits: the SHA-256 of the token, never the token "
         "(printf %s \"$TOKEN\" | sha256sum)");
  }
  token.repositories = texts(path, node["repositories"], "repositories");
  return token;
}

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The hash a read token gives: `sha256` itself, or the one line of hex its `sha256_file` holds
// (a mounted secret, say); never the token.
std::string read_token_hash(const std::string& path, const YAML::Node& node) {
  if (node["sha256"]) {
    std::string hash = text(path, node["sha256"], "sha256");
    if (!is_sha256_hex(hash)) {
      fail(path, node["sha256"],
           "'sha256' must be 64 lowercase hex digits: the SHA-256 of the read token, never the "
           "token (printf %s \"$TOKEN\" | sha256sum)");
    }
    return hash;
  }
  std::string file = text(path, node["sha256_file"], "sha256_file");
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  if (!in || !(content << in.rdbuf())) {
    fail(path, node["sha256_file"], "cannot read the read token's sha256_file '" + file + "'");
  }
  std::string hash = content.str();
  while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
  // `sha256sum` output ("<hex>  -") is accepted as it is written.
  if (hash.size() > 64 && hash.find_first_of(" \t") == 64) hash.resize(64);
  if (!is_sha256_hex(hash)) {
    fail(path, node["sha256_file"],
         "the sha256_file '" + file +
             "' must hold 64 lowercase hex digits: the SHA-256 of the read token, never the token");
  }
  return hash;
}

ReadToken read_read_token(const std::string& path, const YAML::Node& node) {
  expect_keys(path, node, {"name", "sha256", "sha256_file"}, "a read token");
  if (!node["name"]) fail(path, node, "a read token needs 'name'");
  if (!node["sha256"] == !node["sha256_file"]) {
    fail(path, node, "a read token needs exactly one of 'sha256' and 'sha256_file'");
  }
  ReadToken token{text(path, node["name"], "name"), read_token_hash(path, node)};
  if (token.name.empty()) fail(path, node["name"], "a read token's 'name' must not be empty");
  // A hash anyone can compute would let in anyone who sends an empty password.
  if (token.sha256_hex == attest::to_hex(attest::sha256(""))) {
    fail(path, node,
         "read token '" + token.name +
             "' is the SHA-256 of the empty token: choose a real "
             "token (e.g. openssl rand -hex 32)");
  }
  return token;
}

attest::WitnessEndpoint read_witness(const std::string& path, const YAML::Node& node) {
  expect_keys(path, node, {"url", "key", "timeout"}, "a witness");
  for (const char* required : {"url", "key"}) {
    if (!node[required]) fail(path, node, std::string("a witness needs '") + required + "'");
  }
  std::string url = text(path, node["url"], "url");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    fail(path, node["url"],
         "a witness 'url' starts with http:// or https:// (where it serves /add-checkpoint)");
  }
  std::string key_path = text(path, node["key"], "key");
  std::optional<attest::PublicKey> key;
  try {
    key = attest::PublicKey::from_file(key_path);
  } catch (const InputError& e) {
    fail(path, node["key"], "witness key '" + key_path + "': " + e.message());
  }
  if (key->type() != attest::KeyType::ed25519) {
    fail(path, node["key"],
         "witness key '" + key_path + "' is not an Ed25519 key (cosignature/v1 is Ed25519)");
  }
  attest::WitnessEndpoint witness{url, std::move(*key), attest::kWitnessTimeoutSeconds};
  if (node["timeout"]) {
    witness.timeout_seconds = static_cast<int>(number(path, node["timeout"], "timeout", 1, 120));
  }
  return witness;
}

}  // namespace

void load_config_file(const std::string& path, ServeConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw InputError(path, 0, 0, "cannot read the configuration file", kConfigHint);
  } catch (const YAML::ParserException& e) {
    throw InputError(path, static_cast<uint32_t>(e.mark.line + 1),
                     static_cast<uint32_t>(e.mark.column + 1), "not YAML: " + e.msg, kConfigHint);
  }
  expect_keys(path, root,
              {"store", "origin", "log_key", "trust", "listen", "max_body_bytes", "read_timeout",
               "write_timeout", "threads", "oidc", "tokens", "read_tokens", "witnesses"},
              "the configuration");
  if (root["store"]) config.store = text(path, root["store"], "store");
  if (root["origin"]) config.origin = text(path, root["origin"], "origin");
  if (root["log_key"]) config.log_key = text(path, root["log_key"], "log_key");
  if (root["trust"]) config.trust = texts(path, root["trust"], "trust");
  if (root["listen"]) config.listen = text(path, root["listen"], "listen");
  if (root["max_body_bytes"]) {
    config.max_body_bytes =
        static_cast<size_t>(number(path, root["max_body_bytes"], "max_body_bytes", 1024, 1 << 28));
  }
  if (root["read_timeout"]) {
    config.read_timeout_seconds =
        static_cast<int>(number(path, root["read_timeout"], "read_timeout", 1, 600));
  }
  if (root["write_timeout"]) {
    config.write_timeout_seconds =
        static_cast<int>(number(path, root["write_timeout"], "write_timeout", 1, 600));
  }
  if (root["threads"])
    config.threads = static_cast<int>(number(path, root["threads"], "threads", 1, 1024));
  if (root["oidc"]) {
    if (!root["oidc"].IsSequence()) fail(path, root["oidc"], "'oidc' must be a list of issuers");
    for (const auto& node : root["oidc"]) config.issuers.push_back(read_issuer(path, node));
  }
  if (root["tokens"]) {
    if (!root["tokens"].IsSequence()) fail(path, root["tokens"], "'tokens' must be a list");
    for (const auto& node : root["tokens"]) config.tokens.push_back(read_token(path, node));
  }
  if (root["read_tokens"]) {
    YAML::Node list = root["read_tokens"];
    if (!list.IsSequence() || list.size() == 0) {
      fail(path, list,
           "'read_tokens' must be a list of {name, sha256 or sha256_file}, at least one (leave "
           "it out to keep reads open)");
    }
    for (const auto& node : list) {
      ReadToken token = read_read_token(path, node);
      for (const auto& earlier : config.read_tokens) {
        if (earlier.name == token.name) {
          fail(path, node["name"], "read token '" + token.name + "' is listed twice");
        }
      }
      config.read_tokens.push_back(std::move(token));
    }
  }
  if (root["witnesses"]) {
    if (!root["witnesses"].IsSequence()) {
      fail(path, root["witnesses"], "'witnesses' must be a list of {url, key, timeout}");
    }
    for (const auto& node : root["witnesses"]) {
      attest::WitnessEndpoint witness = read_witness(path, node);
      for (const auto& earlier : config.witnesses) {
        if (earlier.url == witness.url)
          fail(path, node["url"], "witness " + witness.url + " is listed twice");
      }
      config.witnesses.push_back(std::move(witness));
    }
  }
}

ListenAddress parse_listen(const std::string& value) {
  auto bad = [&] {
    return InputError("--listen '" + value + "' is not HOST:PORT",
                      "use 127.0.0.1:8080, [::1]:8080 or :8080 (every interface)");
  };
  size_t colon = value.rfind(':');
  if (colon == std::string::npos) throw bad();
  ListenAddress address;
  address.host = value.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  if (address.host.empty()) address.host = "0.0.0.0";
  std::string port = value.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    throw bad();
  }
  address.port = std::stoi(port);
  if (address.port > 65535) throw bad();
  return address;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace gate::server
