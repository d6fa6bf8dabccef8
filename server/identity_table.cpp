#include "server/identity_table.hpp"

#include "attest/sqlite.hpp"

namespace gate::server {

void create_identity_table(sqlite3* db) {
  attest::sql::exec(db, R"(
    CREATE TABLE IF NOT EXISTS service_identities(
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      issuer TEXT NOT NULL,
      subject TEXT NOT NULL,
      repository TEXT NOT NULL,
      workflow_ref TEXT NOT NULL,
      ref TEXT NOT NULL,
      run_id TEXT NOT NULL,
      actor TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS service_identities_subject ON service_identities(subject);
    CREATE INDEX IF NOT EXISTS service_identities_repository ON service_identities(repository);
    CREATE INDEX IF NOT EXISTS service_identities_actor ON service_identities(actor);
    CREATE TRIGGER IF NOT EXISTS service_identities_no_update BEFORE UPDATE ON service_identities
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS service_identities_no_delete BEFORE DELETE ON service_identities
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  )");
}

void insert_identity(sqlite3* db, uint64_t seq, const Identity& identity) {
  attest::sql::Statement insert(
      db,
      "INSERT INTO service_identities(seq, kind, issuer, subject, repository, workflow_ref, ref, "
      "run_id, actor) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, static_cast<int64_t>(seq))
      .bind(2, identity.kind)
      .bind(3, identity.issuer)
      .bind(4, identity.subject)
      .bind(5, identity.repository)
      .bind(6, identity.workflow_ref)
      .bind(7, identity.ref)
      .bind(8, identity.run_id)
      .bind(9, identity.actor)
      .run();
}

std::optional<Identity> read_identity(sqlite3* db, uint64_t seq) {
  attest::sql::Statement select(
      db,
      "SELECT kind, issuer, subject, repository, workflow_ref, ref, run_id, actor "
      "FROM service_identities WHERE seq = ?");
  select.bind(1, static_cast<int64_t>(seq));
  if (!select.step()) return std::nullopt;
  Identity identity;
  identity.kind = select.text(0);
  identity.issuer = select.text(1);
  identity.subject = select.text(2);
  identity.repository = select.text(3);
  identity.workflow_ref = select.text(4);
  identity.ref = select.text(5);
  identity.run_id = select.text(6);
  identity.actor = select.text(7);
  return identity;
}

std::vector<uint64_t> sequences_by_identity(sqlite3* db, const std::string& who) {
  attest::sql::Statement select(db,
                                "SELECT seq FROM service_identities WHERE subject = ?1 "
                                "UNION SELECT seq FROM service_identities WHERE repository = ?1 "
                                "UNION SELECT seq FROM service_identities WHERE actor = ?1 "
                                "ORDER BY seq");
  select.bind(1, who);
  std::vector<uint64_t> out;
  while (select.step()) out.push_back(static_cast<uint64_t>(select.integer(0)));
  return out;
}

}  // namespace gate::server
