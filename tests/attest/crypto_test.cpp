// Keys, DSSE envelopes, statements and checkpoints: the signed formats and their hostile inputs.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include <string>

#include "attest/bytes.hpp"
#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {
namespace {

std::string private_pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

TEST(Base64, RoundTripsAndRejectsNonCanonicalText) {
  for (std::string value : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64_decode(base64_encode(value)), value);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_decode("Zm8"), std::nullopt);    // missing padding
  EXPECT_EQ(base64_decode("Zm9=="), std::nullopt);  // bad padding
  EXPECT_EQ(base64_decode("Zm 8="), std::nullopt);  // whitespace
  EXPECT_EQ(base64_decode("Zm-_"), std::nullopt);   // URL alphabet
  EXPECT_EQ(base64_decode("Zm9="), std::nullopt);   // unused bits set
  EXPECT_EQ(base64_decode("Zh=="), std::nullopt);   // unused bits set before two '='
  EXPECT_EQ(base64_decode("Zm9vYh=="), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("=Zm8"), std::nullopt);
  EXPECT_EQ(from_hex("0g"), std::nullopt);
  EXPECT_EQ(from_hex("abc"), std::nullopt);
}

class KeyTypes : public ::testing::TestWithParam<KeyType> {};

TEST_P(KeyTypes, PemRoundTripKeepsTheKeyIdAndSignaturesVerify) {
  PrivateKey key = PrivateKey::generate(GetParam());
  PrivateKey again = PrivateKey::from_pem(key.pkcs8_pem(), "test");
  EXPECT_EQ(again.key_id(), key.key_id());
  EXPECT_NE(key.pkcs8_pem().find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  PublicKey pub = PublicKey::from_pem(key.public_key().pem(), "test");
  EXPECT_NE(key.public_key().pem().find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  // Key id: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
  EXPECT_EQ(pub.key_id(), to_hex(sha256(pub.spki_der())));
  EXPECT_EQ(pub.key_id().size(), 64u);
  std::string signature = key.sign("message");
  if (GetParam() == KeyType::ed25519) {
    EXPECT_EQ(signature.size(), 64u);
  } else {
    EXPECT_EQ(static_cast<unsigned char>(signature[0]), 0x30);  // DER SEQUENCE
  }
  EXPECT_TRUE(pub.verify("message", signature));
  EXPECT_FALSE(pub.verify("messagE", signature));
  EXPECT_FALSE(PrivateKey::generate(GetParam()).public_key().verify("message", signature));
}

INSTANTIATE_TEST_SUITE_P(Both, KeyTypes, ::testing::Values(KeyType::ed25519, KeyType::ecdsa_p256));

TEST(Keys, OtherKeyTypesAreRefusedWithoutShowingTheKey) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> rsa(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), EVP_PKEY_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> p384(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), EVP_PKEY_free);
  for (EVP_PKEY* other : {rsa.get(), p384.get()}) {
    std::string pem = private_pem_of(other);
    try {
      PrivateKey::from_pem(pem, "GATE_SIGNING_KEY");
      FAIL() << "accepted a key of another type";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "GATE_SIGNING_KEY");
      EXPECT_NE(e.message().find("unsupported"), std::string::npos);
      // No line of the PEM body appears in the error.
      std::string body = pem.substr(pem.find('\n') + 1, 40);
      EXPECT_EQ(e.describe().find(body), std::string::npos);
    }
  }
}

TEST(Keys, GarbageAndEncryptedKeysAreInputErrors) {
  std::string secret =
      "-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n";
  try {
    PrivateKey::from_pem(secret, "key.pem");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.describe().find("TOPSECRET"), std::string::npos);
  }
  PrivateKey key = PrivateKey::generate(KeyType::ed25519);
  // An encrypted key would need a prompt; Gate refuses it instead.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> raw(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  char password[] = "password";
  PEM_write_bio_PKCS8PrivateKey(bio.get(), raw.get(), EVP_aes_256_cbc(), password, 8, nullptr,
                                nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  EXPECT_THROW(PrivateKey::from_pem(std::string(data, static_cast<size_t>(size)), "x"), InputError);
  EXPECT_THROW(PublicKey::from_pem(key.pkcs8_pem(), "x"), InputError);
  EXPECT_THROW(PrivateKey::from_pem(key.public_key().pem(), "x"), InputError);
  EXPECT_THROW(PrivateKey::from_file("/nonexistent/key.pem"), InputError);
  EXPECT_THROW(PrivateKey::from_pem("", "x"), InputError);
}

TEST(Dsse, PaeMatchesTheSpecification) {
  // The example of the DSSE protocol document.
  EXPECT_EQ(pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(pae("", ""), "DSSEv1 0  0 ");
}

TEST(Dsse, SignedEnvelopeRoundTripsAndVerifiesOnlyUnderTrustedKeys) {
  PrivateKey key = PrivateKey::generate(KeyType::ed25519);
  PrivateKey other = PrivateKey::generate(KeyType::ecdsa_p256);
  Envelope envelope = sign_envelope(kInTotoPayloadType, "{\"a\":1}", key);
  std::string json = serialize_envelope(envelope);
  EXPECT_EQ(json.find("\n"), std::string::npos);
  Envelope parsed = parse_envelope(json, "x");
  EXPECT_EQ(parsed.payload, "{\"a\":1}");
  EXPECT_EQ(parsed.signatures.at(0).keyid, key.key_id());
  EXPECT_TRUE(verify_envelope(parsed, {key.public_key()}).ok);
  EnvelopeCheck untrusted = verify_envelope(parsed, {other.public_key()});
  EXPECT_FALSE(untrusted.ok);
  EXPECT_NE(untrusted.reason.find("untrusted key"), std::string::npos);
  parsed.payload = "{\"a\":2}";
  EnvelopeCheck altered = verify_envelope(parsed, {key.public_key()});
  EXPECT_FALSE(altered.ok);
  EXPECT_NE(altered.reason.find("does not verify"), std::string::npos);
  parsed.payload = "{\"a\":1}";
  parsed.payload_type = "text/plain";  // the type is signed too
  EXPECT_FALSE(verify_envelope(parsed, {key.public_key()}).ok);
}

TEST(Dsse, HostileEnvelopesAreInputErrors) {
  for (std::string text :
       {"", "[]", "{}", "{\"payload\":\"e30=\",\"payloadType\":\"x\"}",
        "{\"payload\":\"e3!\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":\"AA==\"}]}",
        "{\"payload\":\"e30=\",\"payloadType\":1,\"signatures\":[{\"sig\":\"AA==\"}]}",
        "{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[]}",
        "{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[1]}",
        "{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":\"!\"}]}",
        "{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[{\"keyid\":5,\"sig\":\"AA==\"}"
        "]}"}) {
    EXPECT_THROW(parse_envelope(text, "f"), InputError) << text;
  }
}

TEST(Statement, CarriesSubjectAndPredicateAndSummarizes) {
  nlohmann::json predicate = {{"verdict", "fail"},
                              {"head", "abc"},
                              {"base", "def"},
                              {"repository", "acme/app"},
                              {"time", "2026-03-01T10:00:00Z"},
                              {"policy", {{"sha256", "00ff"}}},
                              {"ci", {{"actor", "alice"}}},
                              {"rules",
                               {{{"id", "a"}, {"status", "pass"}},
                                {{"id", "b"}, {"status", "fail"}},
                                {{"id", "c"}, {"status", "error"}}}}};
  std::string commit(40, 'a');
  std::string statement = make_statement(commit, predicate);
  auto json = nlohmann::json::parse(statement);
  EXPECT_EQ(json["_type"], "https://in-toto.io/Statement/v1");
  EXPECT_EQ(json["subject"][0]["digest"]["gitCommit"], commit);
  EXPECT_EQ(json["predicateType"], kDecisionPredicateType);
  PrivateKey key = PrivateKey::generate(KeyType::ed25519);
  DecisionSummary summary =
      summarize_decision(sign_envelope(kInTotoPayloadType, statement, key), "x");
  EXPECT_EQ(summary.subject_commit, commit);
  EXPECT_EQ(summary.verdict, "fail");
  EXPECT_EQ(summary.time, *parse_time("2026-03-01T10:00:00Z"));
  EXPECT_EQ(summary.actor, "alice");
  EXPECT_EQ(summary.policy_sha256, "00ff");
  EXPECT_EQ(summary.failed_rules, (std::vector<std::string>{"b", "c"}));
  EXPECT_THROW(summarize_decision(sign_envelope("text/plain", statement, key), "x"), InputError);
  EXPECT_THROW(summarize_decision(sign_envelope(kInTotoPayloadType, "{}", key), "x"), InputError);
  EXPECT_THROW(summarize_decision(sign_envelope(kInTotoPayloadType, "[", key), "x"), InputError);
}

TEST(Statement, TimesParseAndFormat) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_time("1970-01-02"), 86400);
  EXPECT_EQ(parse_time("2026-03-01T00:00:00Z"), parse_time("2026-03-01"));
  EXPECT_EQ(parse_time("1700000000"), 1700000000);
  EXPECT_EQ(format_time(*parse_time("2026-11-27T13:17:27Z")), "2026-11-27T13:17:27Z");
  for (std::string bad : {"", "2026-13-01", "2026-03-01T25:00:00Z", "yesterday", "2026-03-01T1"}) {
    EXPECT_EQ(parse_time(bad), std::nullopt) << bad;
  }
}

TEST(Checkpoint, SignedNoteHasTheC2spShapeAndVerifies) {
  PrivateKey key = PrivateKey::generate(KeyType::ed25519);
  Checkpoint checkpoint{"example.com/log", 42, sha256("root"), {}};
  std::string note = sign_checkpoint(checkpoint, key);
  std::string text = "example.com/log\n42\n" + base64_encode(as_bytes(sha256("root"))) + "\n";
  ASSERT_EQ(note.substr(0, text.size()), text);
  EXPECT_EQ(note.substr(text.size(), 6), "\n\xe2\x80\x94 e");
  SignedCheckpoint parsed = parse_checkpoint(note, "n");
  EXPECT_EQ(parsed.checkpoint.size, 42u);
  EXPECT_EQ(parsed.checkpoint.root, sha256("root"));
  EXPECT_EQ(parsed.text, text);
  // Key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || raw public key).
  std::string material = "example.com/log\n\x01" + key.public_key().raw_ed25519();
  EXPECT_EQ(parsed.signatures.at(0).key_hash, std::string(as_bytes(sha256(material)).substr(0, 4)));
  EXPECT_TRUE(checkpoint_signed_by(parsed, key.public_key()));
  EXPECT_FALSE(checkpoint_signed_by(parsed, PrivateKey::generate(KeyType::ed25519).public_key()));
  std::string altered = note;
  altered.replace(altered.find("\n42\n"), 4, "\n43\n");
  EXPECT_FALSE(checkpoint_signed_by(parse_checkpoint(altered, "n"), key.public_key()));
  EXPECT_THROW(sign_checkpoint(checkpoint, PrivateKey::generate(KeyType::ecdsa_p256)), InputError);
}

TEST(Checkpoint, HostileNotesAreInputErrors) {
  std::string root = base64_encode(as_bytes(sha256("r")));
  std::string sig = base64_encode(std::string(68, 'x'));
  for (std::string note :
       {std::string(""), std::string("o\n1\n") + root + "\n", "o\n1\n" + root + "\n\n",
        "o\n01\n" + root + "\n\n\xe2\x80\x94 o " + sig + "\n",
        "o\n-1\n" + root + "\n\n\xe2\x80\x94 o " + sig + "\n",
        "o\n1\nAAAA\n\n\xe2\x80\x94 o " + sig + "\n", "o\n1\n" + root + "\n\n- o " + sig + "\n",
        "o\n1\n" + root + "\n\n\xe2\x80\x94 o\n", "o\n1\n" + root + "\n\n\xe2\x80\x94 o AAAA\n",
        "o\n1\n" + root + "\n\n\xe2\x80\x94 o " + sig,
        "\n1\n" + root + "\n\n\xe2\x80\x94 o " + sig + "\n",
        "o\n99999999999999999999999\n" + root + "\n\n\xe2\x80\x94 o " + sig + "\n"}) {
    EXPECT_THROW(parse_checkpoint(note, "n"), InputError) << note;
  }
}

}  // namespace
}  // namespace gate::attest
