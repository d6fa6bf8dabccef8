#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "attest/bytes.hpp"
#include "attest/checkpoint.hpp"
#include "attest/keys.hpp"
#include "attest/merkle.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/service/oidc_fixtures.hpp"
#include "tests/service/service_process.hpp"
#include "tests/support/support.hpp"

namespace gate::server::test {

constexpr const char* kProjectToken = "gate-project-token-0123456789";

// A service over a fresh SQLite log with one trusted decision key, one OIDC issuer (admitting
// acme/* from the gate.yml workflow) and one project token (for acme/legacy).
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    attest::test::write_key_files(signer_, dir_ / "decision");
    attest::test::write_key_files(log_key_, dir_ / "log");
    gate::test::write_file(dir_ / "jwks.json", issuer().jwks());
    gate::test::write_file(
        dir_ / "serve.yaml",
        "store: " + store() + "\n" + "origin: " + origin() + "\n" + "log_key: " +
            (dir_ / "log.key").string() + "\n" + "trust: [" + (dir_ / "decision.pub").string() +
            "]\n" + "read_timeout: 2\n" + "max_body_bytes: 65536\n" + "threads: 40\n" + "oidc:\n" +
            "  - issuer: " + issuer().issuer() + "\n" + "    audience: gate\n" + "    jwks: " +
            (dir_ / "jwks.json").string() + "\n" + "    allow:\n" + "      - repository: acme/*\n" +
            "        workflow: \"*/.github/workflows/gate.yml@refs/heads/*\"\n" + "tokens:\n" +
            "  - name: legacy\n" + "    sha256: " + attest::to_hex(attest::sha256(kProjectToken)) +
            "\n" + "    repositories: [acme/legacy]\n");
  }

  void start() {
    service_ = std::make_unique<ServiceProcess>(
        std::vector<std::string>{"--config", (dir_ / "serve.yaml").string()});
  }

  static const TestIssuer& issuer() {
    static const TestIssuer issuer("RS256", "gh-1", "https://token.actions.githubusercontent.com");
    return issuer;
  }
  static int64_t now() { return static_cast<int64_t>(time(nullptr)); }

  // Where the log is: a SQLite file here; PgServiceTest puts it in PostgreSQL.
  virtual std::string store() const { return (dir_ / "audit.db").string(); }
  std::string origin() const { return "gate.local/audit-log/" + log_key_.key_id().substr(0, 16); }
  std::string token_for(const std::string& repository) const {
    return issuer().sign(issuer().github_claims(repository, now()));
  }
  std::string envelope(const std::string& repository, uint64_t n) const {
    attest::test::Decision decision;
    decision.repository = repository;
    decision.head = attest::test::commit_id(n);
    decision.verdict = n % 3 == 0 ? "fail" : "pass";
    if (n % 3 == 0) decision.failed_rule = "no-secrets";
    decision.time += static_cast<int64_t>(n);
    return attest::test::make_envelope(signer_, decision);
  }

  httplib::Client client() const {
    httplib::Client http("127.0.0.1", service_->port());
    http.set_connection_timeout(5);
    http.set_read_timeout(20);
    return http;
  }
  httplib::Result post(httplib::Client& http, const std::string& body,
                       const std::string& bearer) const {
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    return http.Post("/v1/entries", headers, body, "application/json");
  }

  // What a client must check before it trusts an append: the leaf is its envelope's, the proof
  // leads to the root, and the log key signed a checkpoint of that size and root.
  void expect_proven(const nlohmann::json& answer, const std::string& body) const {
    std::string leaf(attest::as_bytes(attest::merkle::leaf_hash(body)));
    EXPECT_EQ(answer["leaf_hash"], attest::to_hex(leaf));
    std::vector<std::string> proof;
    for (const auto& hex : answer["inclusion_proof"])
      proof.push_back(*attest::from_hex(hex.get<std::string>()));
    auto root = attest::from_hex(answer["root"].get<std::string>());
    ASSERT_TRUE(root.has_value());
    auto problem =
        attest::merkle::verify_inclusion(answer["seq"], answer["tree_size"], leaf, proof, *root);
    EXPECT_FALSE(problem.has_value()) << *problem;
    auto checkpoint = attest::parse_checkpoint(answer["checkpoint"].get<std::string>(), "answer");
    EXPECT_TRUE(attest::checkpoint_signed_by(checkpoint, log_key_.public_key()));
    EXPECT_EQ(checkpoint.checkpoint.size, answer["tree_size"].get<uint64_t>());
    EXPECT_EQ(std::string(attest::as_bytes(checkpoint.checkpoint.root)), *root);
  }

  gate::test::TempDir dir_;
  attest::PrivateKey signer_ = attest::PrivateKey::generate(attest::KeyType::ecdsa_p256);
  attest::PrivateKey log_key_ = attest::PrivateKey::generate(attest::KeyType::ed25519);
  std::unique_ptr<ServiceProcess> service_;
};

}  // namespace gate::server::test
