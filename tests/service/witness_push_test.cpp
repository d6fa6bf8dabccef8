// `gate log serve` pushes its checkpoints to real witnesses (C2SP tlog-witness on 127.0.0.1)
// and serves their cosignatures: what an auditor fetches verifies under the witness key, a
// witness that is down costs appends nothing, and a witness that contradicts the log is
// reported and never vouches.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "attest/cosignature.hpp"
#include "attest/log_store.hpp"
#include "attest/witness.hpp"
#include "attest/witness_client.hpp"
#include "gate/cli/witness_command.hpp"
#include "server/http_server.hpp"
#include "server/witness_push.hpp"
#include "tests/service/running_witness.hpp"
#include "tests/service/service_fixture.hpp"

namespace gate::server::test {
namespace {

using Clock = std::chrono::steady_clock;

// A port that accepts connections (the kernel completes the handshake) and never answers: a
// witness hung or behind a dead proxy, the worst case for a caller that would wait on it.
class SilentPort {
 public:
  SilentPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(fd_, 64) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot open a silent port");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentPort() { close_now(); }
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;
  int port() const { return port_; }
  void close_now() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Polls `done` every 100 ms for at most `seconds`.
bool eventually(int seconds, const std::function<bool()>& done) {
  auto until = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

class WitnessPushTest : public ServiceTest {
 protected:
  std::string pub_file(const std::string& name, const attest::PrivateKey& key) {
    attest::test::write_key_files(key, dir_ / name);
    return (dir_ / (name + ".pub")).string();
  }
  std::unique_ptr<RunningWitness> make_witness(const std::string& tag, bool listen = true) {
    return std::make_unique<RunningWitness>("witness.example.com/" + tag, origin(),
                                            log_key_.public_key(),
                                            (dir_ / (tag + "-state.db")).string(), listen);
  }
  // serve.yaml of the fixture with a `witnesses:` list appended.
  void configure_witnesses(const std::string& list) {
    std::string config = gate::test::read_file(dir_ / "serve.yaml");
    gate::test::write_file(dir_ / "serve.yaml", config + "witnesses:\n" + list);
  }
  static std::string witness_entry(const std::string& url, const std::string& key_path) {
    return "  - url: " + url + "\n    key: " + key_path + "\n    timeout: 5\n";
  }

  void append(httplib::Client& http, uint64_t first, uint64_t count) {
    for (uint64_t i = first; i < first + count; ++i) {
      auto res = post(http, envelope("acme/app", i), token_for("acme/app"));
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 201) << res->body;
    }
  }
  static std::optional<attest::SignedCheckpoint> cosigned(httplib::Client& http) {
    auto res = http.Get("/v1/checkpoint/cosigned");
    if (!res || res->status != 200) return std::nullopt;
    return attest::parse_checkpoint(res->body, "/v1/checkpoint/cosigned");
  }
  static bool cosigned_size_is(httplib::Client& http, uint64_t size) {
    auto note = cosigned(http);
    return note && note->checkpoint.size == size;
  }
  static nlohmann::json witness_status(httplib::Client& http, size_t index = 0) {
    auto res = http.Get("/v1/witnesses");
    if (!res || res->status != 200) return nullptr;
    return nlohmann::json::parse(res->body)["witnesses"][index];
  }
};

TEST_F(WitnessPushTest, CosignedCheckpointReachesTheLogSizeAndVerifiesUnderTheWitnessKey) {
  auto witness = make_witness("w1");
  std::string witness_pub = pub_file("w1", witness->key);
  std::string without_witnesses = gate::test::read_file(dir_ / "serve.yaml");
  configure_witnesses(witness_entry(witness->url, witness_pub));
  start();
  auto http = client();
  constexpr uint64_t kEntries = 12;
  append(http, 0, kEntries);
  ASSERT_TRUE(eventually(30, [&] { return cosigned_size_is(http, kEntries); }))
      << http.Get("/v1/witnesses")->body << service_->err();

  std::string note = http.Get("/v1/checkpoint/cosigned")->body;
  std::string plain = http.Get("/v1/checkpoint")->body;
  // The log's own note, unchanged, then the witness's line.
  ASSERT_EQ(note.rfind(plain, 0), 0u) << note;
  attest::SignedCheckpoint parsed = attest::parse_checkpoint(note, "cosigned");
  ASSERT_EQ(parsed.signatures.size(), 2u);
  EXPECT_EQ(parsed.signatures[1].name, witness->name);
  EXPECT_TRUE(attest::checkpoint_signed_by(parsed, log_key_.public_key()));
  auto timestamp = attest::cosigned_by(parsed, parsed.signatures, witness->key.public_key());
  ASSERT_TRUE(timestamp.has_value());
  EXPECT_NEAR(static_cast<double>(*timestamp), static_cast<double>(now()), 120);
  // Another key verifies nothing, and neither does the witness key on an altered checkpoint.
  attest::PrivateKey stranger = attest::PrivateKey::generate(attest::KeyType::ed25519);
  EXPECT_FALSE(attest::cosigned_by(parsed, parsed.signatures, stranger.public_key()));
  attest::SignedCheckpoint altered = parsed;
  altered.text[altered.text.size() - 2] ^= 1;
  EXPECT_FALSE(attest::cosigned_by(altered, altered.signatures, witness->key.public_key()));

  // `gate log verify --checkpoint` takes the cosigned note as it comes (unknown lines skipped).
  gate::test::write_file(dir_ / "cosigned.txt", note);
  auto verify = gate::test::run_gate(
      {"log", "verify", "--log", store(), "--log-pub", (dir_ / "log.pub").string(), "--trust",
       (dir_ / "decision.pub").string(), "--checkpoint", (dir_ / "cosigned.txt").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out.rfind("log OK: 12 entries, root ", 0), 0u) << verify.out;

  nlohmann::json status = witness_status(http);
  EXPECT_EQ(status["url"], witness->url);
  EXPECT_EQ(status["key_id"], witness->key.public_key().key_id());
  EXPECT_EQ(status["name"], witness->name);
  EXPECT_EQ(status["state"], "cosigned");
  EXPECT_EQ(status["cosigned_size"], kEntries);
  EXPECT_EQ(status["timestamp"], *timestamp);
  EXPECT_TRUE(status["last_error"].is_null()) << status;
  std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find("gate_log_witness_cosigned_size{witness=\"" + witness->url + "\"} 12\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("gate_log_witness_pushes_total{witness=\"" + witness->url +
                         "\",outcome=\"cosigned\"} "),
            std::string::npos)
      << metrics;

  // Cosignatures live in memory: after a restart the start-up push gets them again, with no
  // append needed. This time the witness comes as a flag, not from the file.
  service_->send(SIGTERM);
  ASSERT_EQ(service_->wait(30), 0);
  gate::test::write_file(dir_ / "serve.yaml", without_witnesses);
  service_ = std::make_unique<ServiceProcess>(std::vector<std::string>{
      "--config", (dir_ / "serve.yaml").string(), "--witness", witness->url + "=" + witness_pub});
  auto again = client();
  EXPECT_TRUE(eventually(30, [&] { return cosigned_size_is(again, kEntries); })) << service_->err();
}

// In process, to shorten the retry schedule; the HTTP API is the real one on 127.0.0.1.
class InProcessService {
 public:
  InProcessService(const std::string& store, const std::string& origin,
                   const attest::PrivateKey& log_key, const attest::PrivateKey& signer,
                   std::vector<attest::WitnessEndpoint> witnesses)
      : service_(ServiceSetup{store, origin, log_key, {signer.public_key()}, Authenticator(), 4}),
        pusher_(service_, std::move(witnesses),
                PushSchedule{std::chrono::milliseconds(100), std::chrono::milliseconds(400)}),
        http_(service_, HttpLimits{}, &pusher_) {
    port_ = http_.bind("127.0.0.1", 0);
    thread_ = std::thread([this] { http_.run(); });
  }
  ~InProcessService() {
    http_.stop();
    thread_.join();
  }
  httplib::Client client() const {
    httplib::Client http("127.0.0.1", port_);
    http.set_connection_timeout(5);
    http.set_read_timeout(20);
    return http;
  }

 private:
  LogService service_;
  WitnessPusher pusher_;
  HttpServer http_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(WitnessPushTest, AWitnessThatIsDownCostsAppendsNothingAndCosignsOnceItComesUp) {
  SilentPort silent;
  attest::PrivateKey placeholder = attest::PrivateKey::generate(attest::KeyType::ed25519);
  // Its key is configured now; it starts listening on the silent port later.
  auto late = make_witness("late", false);
  attest::WitnessEndpoint endpoint{"http://127.0.0.1:" + std::to_string(silent.port()),
                                   late->key.public_key(), 3};
  InProcessService running(store(), origin(), log_key_, signer_, {endpoint});
  auto http = running.client();

  constexpr uint64_t kEntries = 20;
  double slowest = 0;
  for (uint64_t i = 0; i < kEntries; ++i) {
    auto started = Clock::now();
    auto res = http.Post("/v1/entries", envelope("acme/app", i), "application/json");
    slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - started).count());
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
  }
  // A push waiting on the witness would hold an append for its whole 3 s timeout.
  RecordProperty("slowest_append_ms", static_cast<int>(slowest * 1000));
  EXPECT_LT(slowest, 1.5) << "an append waited on the witness";
  ASSERT_TRUE(eventually(20, [&] {
    nlohmann::json status = witness_status(http);
    return status.is_object() && status["last_error"].is_string();
  }));
  nlohmann::json status = witness_status(http);
  EXPECT_EQ(status["state"], "unavailable");
  EXPECT_TRUE(status["cosigned_size"].is_null());
  EXPECT_NE(status["last_error"].get<std::string>().find(endpoint.url), std::string::npos)
      << status;
  auto none = http.Get("/v1/checkpoint/cosigned");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_EQ(nlohmann::json::parse(none->body)["error"], "not_cosigned");

  // The witness comes up where it was expected; no append is needed for it to catch up.
  silent.close_now();
  late->serve(silent.port());
  ASSERT_TRUE(eventually(30, [&] { return cosigned_size_is(http, kEntries); }))
      << witness_status(http);
  auto note = cosigned(http);
  EXPECT_TRUE(attest::cosigned_by(*note, note->signatures, late->key.public_key()));
  EXPECT_FALSE(attest::cosigned_by(*note, note->signatures, placeholder.public_key()));
  EXPECT_TRUE(witness_status(http)["last_error"].is_null());

  // Later appends reach it with a consistency proof from what it cosigned.
  for (uint64_t i = kEntries; i < kEntries + 3; ++i) {
    ASSERT_EQ(http.Post("/v1/entries", envelope("acme/app", i), "application/json")->status, 201);
  }
  EXPECT_TRUE(eventually(20, [&] { return cosigned_size_is(http, kEntries + 3); }))
      << witness_status(http);
}

// The witness of `gate log witness`, behind an HTTP face that takes a second to answer and
// records the size of every checkpoint it is asked to cosign.
class SlowWitness {
 public:
  SlowWitness(const std::string& origin, const attest::PublicKey& log_pub, const std::string& state)
      : key_(attest::PrivateKey::generate(attest::KeyType::ed25519)),
        witness_("witness.example.com/slow", key_, {{origin, log_pub}}, state) {
    http_.Post("/add-checkpoint", [this](const httplib::Request& req, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      std::lock_guard lock(mutex_);
      auto request = attest::parse_add_checkpoint(req.body, "request");
      asked_.push_back(attest::parse_checkpoint(request.checkpoint, "request").checkpoint.size);
      attest::WitnessReply reply =
          witness_.add_checkpoint(req.body, static_cast<uint64_t>(time(nullptr)));
      res.status = reply.status;
      res.set_content(reply.body, reply.content_type.c_str());
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~SlowWitness() {
    http_.stop();
    thread_.join();
  }
  attest::WitnessEndpoint endpoint() const {
    return {"http://127.0.0.1:" + std::to_string(port_), key_.public_key(), 10};
  }
  std::vector<uint64_t> asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  attest::PrivateKey key_;
  attest::Witness witness_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<uint64_t> asked_;
};

TEST_F(WitnessPushTest, AppendsDuringAPushCoalesceIntoOnePushOfTheNewestCheckpoint) {
  SlowWitness slow(origin(), log_key_.public_key(), (dir_ / "slow-state.db").string());
  InProcessService running(store(), origin(), log_key_, signer_, {slow.endpoint()});
  auto http = running.client();
  constexpr uint64_t kEntries = 50;
  for (uint64_t i = 0; i < kEntries; ++i) {
    ASSERT_EQ(http.Post("/v1/entries", envelope("acme/app", i), "application/json")->status, 201);
  }
  ASSERT_TRUE(eventually(30, [&] { return cosigned_size_is(http, kEntries); }))
      << witness_status(http);
  // One push per append would be 50 requests of a second each; each push instead carried the
  // newest checkpoint of its time, growing, up to the last.
  std::vector<uint64_t> asked = slow.asked();
  RecordProperty("pushes_for_50_appends", static_cast<int>(asked.size()));
  EXPECT_LE(asked.size(), 10u) << ::testing::PrintToString(asked);
  EXPECT_TRUE(std::is_sorted(asked.begin(), asked.end())) << ::testing::PrintToString(asked);
  EXPECT_EQ(asked.back(), kEntries);
  EXPECT_EQ(witness_status(http)["pushes"]["cosigned"], asked.size());
}

TEST_F(WitnessPushTest, AWitnessWithAConflictingViewIsReportedAndItsLineNeverServed) {
  auto good = make_witness("good");
  auto split = make_witness("split");
  // The split witness already cosigned another log under this origin and log key: four other
  // decisions. This service's log contradicts it at every size.
  {
    std::string other = (dir_ / "other.db").string();
    attest::LogStore log = attest::LogStore::open(other, true, attest::Durability::normal);
    log.init({origin(), false}, log_key_);
    attest::test::append_decisions(log, signer_, log_key_, 500, 4);
    attest::ConsistencyProver prove = [&](uint64_t a, uint64_t b) {
      return std::optional<std::vector<attest::Hash>>(log.consistency_proof(a, b));
    };
    attest::WitnessEndpoint endpoint{split->url, split->key.public_key(), 5};
    auto outcome = attest::request_cosignature(endpoint, *log.latest_checkpoint(), prove);
    ASSERT_EQ(outcome.kind, attest::CosignOutcome::Kind::cosigned) << outcome.message;
  }
  configure_witnesses(witness_entry(good->url, pub_file("good", good->key)) +
                      witness_entry(split->url, pub_file("split", split->key)));
  start();
  auto http = client();
  append(http, 0, 6);
  ASSERT_TRUE(eventually(30, [&] { return cosigned_size_is(http, 6); })) << service_->err();
  ASSERT_TRUE(eventually(30, [&] { return witness_status(http, 1)["state"] == "conflict"; }))
      << witness_status(http, 1);

  nlohmann::json status = witness_status(http, 1);
  EXPECT_TRUE(status["cosigned_size"].is_null());
  EXPECT_NE(status["last_error"].get<std::string>().find(split->url), std::string::npos);
  EXPECT_NE(service_->err().find("gate: error: WITNESS CONFLICT: witness " + split->url),
            std::string::npos)
      << service_->err();
  std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find("gate_log_witness_pushes_total{witness=\"" + split->url +
                         "\",outcome=\"conflict\"} "),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("gate_log_witness_cosigned_size{witness=\"" + split->url + "\"} 0\n"),
            std::string::npos)
      << metrics;

  // The served note carries the good witness's line and nothing by the split one.
  auto note = cosigned(http);
  ASSERT_TRUE(note);
  ASSERT_EQ(note->signatures.size(), 2u);
  EXPECT_EQ(note->signatures[1].name, good->name);
  EXPECT_TRUE(attest::cosigned_by(*note, note->signatures, good->key.public_key()));
  EXPECT_FALSE(attest::cosigned_by(*note, note->signatures, split->key.public_key()));
  EXPECT_EQ(http.Get("/v1/checkpoint/cosigned")->body.find(split->name), std::string::npos);
}

TEST_F(WitnessPushTest, BadWitnessesConfigurationIsExitTwoNamingFileAndLine) {
  attest::PrivateKey witness = attest::PrivateKey::generate(attest::KeyType::ed25519);
  std::string good_key = pub_file("w", witness);
  std::string ecdsa_key = (dir_ / "decision.pub").string();
  std::string base = gate::test::read_file(dir_ / "serve.yaml");
  // `witnesses:` comes right after the fixture's settings: line n + 1, its first item n + 2.
  const auto n = static_cast<int>(std::count(base.begin(), base.end(), '\n'));
  auto at = [&](int line, int column) {
    return ":" + std::to_string(n + line) + ":" + std::to_string(column) + ": ";
  };
  struct Case {
    std::string yaml;
    std::string where;  // :line:column:
    std::string says;
  };
  std::string file = (dir_ / "serve.yaml").string();
  std::vector<Case> cases = {
      {"witnesses: http://127.0.0.1:1\n", at(1, 12), "'witnesses' must be a list"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n", at(2, 5), "a witness needs 'key'"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n    key: " + good_key + "\n    tls: on\n",
       at(4, 5), "unknown setting 'tls' in a witness"},
      {"witnesses:\n  - url: 127.0.0.1:7380\n    key: " + good_key + "\n", at(2, 10),
       "starts with http:// or https://"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n    key: " + (dir_ / "missing.pub").string() +
           "\n",
       at(3, 10), "missing.pub"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n    key: " + ecdsa_key + "\n", at(3, 10),
       "is not an Ed25519 key"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n    key: " + good_key + "\n    timeout: 0\n",
       at(4, 14), "'timeout' must be between 1 and 120"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n    key: " + good_key + "\n    timeout: soon\n",
       at(4, 14), "'timeout' must be a whole number"},
      {"witnesses:\n  - url: http://127.0.0.1:1\n    key: " + good_key +
           "\n  - url: http://127.0.0.1:1\n    key: " + good_key + "\n",
       at(4, 10), "is listed twice"},
  };
  for (const auto& bad : cases) {
    gate::test::write_file(dir_ / "serve.yaml", base + bad.yaml);
    auto result = gate::test::run_gate({"log", "serve", "--config", file});
    EXPECT_EQ(result.exit_code, 2) << bad.yaml << result.err;
    EXPECT_NE(result.err.find(file + bad.where), std::string::npos) << bad.yaml << result.err;
    EXPECT_NE(result.err.find(bad.says), std::string::npos) << bad.yaml << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
  gate::test::write_file(dir_ / "serve.yaml", base);
  auto flag = gate::test::run_gate(
      {"log", "serve", "--config", file, "--witness", "127.0.0.1:7380=" + good_key});
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_NE(flag.err.find("is not URL=PUBKEY"), std::string::npos) << flag.err;
  // Refused before the log was touched.
  EXPECT_FALSE(std::filesystem::exists(store()));
}

}  // namespace
}  // namespace gate::server::test
