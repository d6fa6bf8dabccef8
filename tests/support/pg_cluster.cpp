#include "tests/support/pg_cluster.hpp"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <utility>

namespace gate::test {

namespace {

const char* const kBin = "/usr/lib/postgresql/15/bin";
const char* const kUser = "gate-test";

std::string bin(const std::string& name) { return std::string(kBin) + "/" + name; }

// PostgreSQL refuses to run as root: under root, tests run the server as this system user.
uid_t test_user() {
  if (passwd* entry = getpwnam(kUser)) return entry->pw_uid;
  run({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", kUser});
  // A parallel test may have created it first; either way it exists now or never will.
  if (passwd* entry = getpwnam(kUser)) return entry->pw_uid;
  throw std::runtime_error(std::string("cannot create the system user ") + kUser);
}

}  // namespace

std::string PgCluster::unavailable_reason() {
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (!std::filesystem::exists(bin(tool))) {
      return "PostgreSQL 15 is not installed (no " + bin(tool) +
             "); scripts/install-deps.sh installs it";
    }
  }
  if (geteuid() == 0 && !std::filesystem::exists("/usr/sbin/runuser") &&
      !std::filesystem::exists("/sbin/runuser")) {
    return "running as root without runuser: cannot start PostgreSQL as another user";
  }
  return {};
}

RunResult PgCluster::as_owner(std::vector<std::string> argv) const {
  if (run_as_) argv.insert(argv.begin(), {"runuser", "-u", *run_as_, "--"});
  return run(argv, {{"LC_ALL", "C"}});
}

PgCluster::PgCluster(PgClusterOptions options) : options_(std::move(options)) {
  if (geteuid() == 0) {
    uid_t uid = test_user();
    if (chown(dir_.path().c_str(), uid, static_cast<gid_t>(-1)) != 0) {
      throw std::runtime_error("cannot hand " + dir_.path().string() + " to " + kUser);
    }
    run_as_ = kUser;
  }
  RunResult init =
      as_owner({bin("initdb"), "-D", (dir_ / "data").string(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"});
  if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.err + init.out);
  start();
}

void PgCluster::start() {
  // Only the Unix socket in the temp folder: no TCP port, nothing reachable from outside.
  std::string options = "-k " + dir_.path().string() +
                        " -c listen_addresses= -c fsync=" + (options_.fsync ? "on" : "off") +
                        " -c max_connections=" + std::to_string(options_.max_connections);
  for (const auto& setting : options_.settings) options += " -c " + setting;
  RunResult started =
      as_owner({bin("pg_ctl"), "-D", (dir_ / "data").string(), "-l", (dir_ / "server.log").string(),
                "-o", options, "-w", "-t", "30", "start"});
  if (started.exit_code != 0) {
    std::string log;
    try {
      log = read_file(dir_ / "server.log");
    } catch (const std::exception&) {
    }
    throw std::runtime_error("pg_ctl start failed: " + started.err + started.out + log);
  }
  running_ = true;
}

void PgCluster::stop() {
  if (!running_) return;
  as_owner({bin("pg_ctl"), "-D", (dir_ / "data").string(), "-m", "fast", "-w", "-t", "30", "stop"});
  running_ = false;
}

PgCluster::~PgCluster() { stop(); }

std::string PgCluster::conninfo(const std::string& user, const std::string& database) const {
  return "host=" + dir_.path().string() + " port=5432 user=" + user + " dbname=" + database +
         " connect_timeout=10";
}

std::string PgCluster::url(const std::string& user, const std::string& database) const {
  return "postgresql:///" + database + "?host=" + dir_.path().string() + "&port=5432&user=" + user +
         "&connect_timeout=10";
}

}  // namespace gate::test
