#include "attest/pg_schema.hpp"

#include <cctype>
#include <stdexcept>

namespace gate::attest::pg {

namespace {

constexpr const char* kTables = R"SQL(
CREATE TABLE IF NOT EXISTS log_meta(key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS log_sequence(
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  next_seq bigint NOT NULL CHECK (next_seq >= 0));
INSERT INTO log_sequence(only_row, next_seq) VALUES (true, 0) ON CONFLICT DO NOTHING;
INSERT INTO log_meta(key, value) VALUES ('schema', '1') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS entries(
  seq bigint PRIMARY KEY CHECK (seq >= 0),
  time bigint NOT NULL,
  repository text NOT NULL,
  base text NOT NULL,
  head text NOT NULL,
  verdict text NOT NULL,
  policy_sha256 text NOT NULL,
  actor text NOT NULL,
  failed_rules text NOT NULL,
  key_id text NOT NULL,
  envelope bytea NOT NULL);
CREATE INDEX IF NOT EXISTS entries_time ON entries(time, seq);
CREATE INDEX IF NOT EXISTS entries_head ON entries(head text_pattern_ops);
CREATE INDEX IF NOT EXISTS entries_repository ON entries(repository, time, seq);
CREATE INDEX IF NOT EXISTS entries_actor ON entries(actor, time, seq);
CREATE TABLE IF NOT EXISTS entry_rules(
  rule text NOT NULL,
  seq bigint NOT NULL REFERENCES entries(seq),
  PRIMARY KEY (rule, seq));
CREATE INDEX IF NOT EXISTS entries_verdict ON entries(verdict, time, seq);
-- Search indexes in (value, time, seq) order: a failed rule's entries, a pull/merge request's.
CREATE TABLE IF NOT EXISTS entry_rule_times(
  rule text NOT NULL,
  time bigint NOT NULL,
  seq bigint NOT NULL REFERENCES entries(seq),
  PRIMARY KEY (rule, time, seq));
CREATE TABLE IF NOT EXISTS entry_changes(
  seq bigint PRIMARY KEY REFERENCES entries(seq),
  change_id text NOT NULL,
  time bigint NOT NULL);
CREATE INDEX IF NOT EXISTS entry_changes_by_id ON entry_changes(change_id, time, seq);
-- A log installed before them: their rows for the entries it holds (rerunning adds none). The
-- pull/merge request is read from the signed statement (DSSE JSON, base64 payload) as `gate log
-- verify` reads it: a string ci.changeId; an envelope that is not one gets no row.
INSERT INTO entry_rule_times(rule, time, seq)
  SELECT r.rule, e.time, r.seq FROM entry_rules r JOIN entries e ON e.seq = r.seq
  ON CONFLICT DO NOTHING;
DO $$
DECLARE
  found record;
  change json;
BEGIN
  FOR found IN SELECT e.seq, e.time, e.envelope FROM entries e
      WHERE NOT EXISTS (SELECT 1 FROM entry_changes c WHERE c.seq = e.seq) LOOP
    BEGIN
      change := convert_from(decode(convert_from(found.envelope, 'UTF8')::json->>'payload',
                                    'base64'), 'UTF8')::json->'predicate'->'ci'->'changeId';
    EXCEPTION WHEN others THEN
      change := NULL;
    END;
    IF json_typeof(change) = 'string' AND change #>> '{}' <> '' THEN
      INSERT INTO entry_changes(seq, change_id, time) VALUES (found.seq, change #>> '{}', found.time);
    END IF;
  END LOOP;
END $$;
CREATE TABLE IF NOT EXISTS nodes(
  level smallint NOT NULL CHECK (level >= 0 AND level < 64),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx));
CREATE TABLE IF NOT EXISTS checkpoints(size bigint PRIMARY KEY CHECK (size > 0), note text NOT NULL);
CREATE TABLE IF NOT EXISTS identities(
  seq bigint PRIMARY KEY REFERENCES entries(seq),
  kind text NOT NULL,
  issuer text NOT NULL,
  subject text NOT NULL,
  repository text NOT NULL,
  workflow_ref text NOT NULL,
  ref text NOT NULL,
  run_id text NOT NULL,
  actor text NOT NULL);
CREATE INDEX IF NOT EXISTS identities_subject ON identities(subject);
CREATE INDEX IF NOT EXISTS identities_repository ON identities(repository);

CREATE OR REPLACE FUNCTION gate_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the Gate audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'GL001';
END $$;

CREATE OR REPLACE FUNCTION gate_log_sequence_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.next_seq <> OLD.next_seq + 1 THEN
    RAISE EXCEPTION 'the Gate log sequence only moves forward by one' USING ERRCODE = 'GL001';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION gate_log_next_seq() RETURNS bigint LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_catalog AS $$
DECLARE
  reserved bigint;
BEGIN
  SELECT next_seq INTO reserved FROM log_sequence WHERE only_row FOR UPDATE;
  UPDATE log_sequence SET next_seq = reserved + 1 WHERE only_row;
  RETURN reserved;
END $$;

-- An entry takes the number its own transaction reserved last: no gaps, no guesses.
CREATE OR REPLACE FUNCTION gate_log_check_seq() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_catalog AS $$
BEGIN
  IF NEW.seq <> (SELECT next_seq - 1 FROM log_sequence WHERE only_row) THEN
    RAISE EXCEPTION 'entry % was not reserved with gate_log_next_seq()', NEW.seq
      USING ERRCODE = 'GL002';
  END IF;
  RETURN NEW;
END $$;
)SQL";

constexpr const char* kLogTables[] = {
    "log_meta",    "entries",    "entry_rules",      "nodes",
    "checkpoints", "identities", "entry_rule_times", "entry_changes"};

void require_identifier(const std::string& name) {
  bool ok =
      !name.empty() && name.size() < 64 && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) {
    throw std::invalid_argument("role name '" + name +
                                "' must be lowercase letters, digits and '_' (not first digit)");
  }
}

enum class Per { row, statement };

// CREATE TRIGGER has no IF NOT EXISTS in PostgreSQL 15: replace by name.
std::string trigger(const std::string& table, const std::string& name, const std::string& when,
                    Per per, const std::string& function) {
  return "DROP TRIGGER IF EXISTS " + name + " ON " + table + ";\nCREATE TRIGGER " + name + " " +
         when + " ON " + table + (per == Per::row ? " FOR EACH ROW" : " FOR EACH STATEMENT") +
         " EXECUTE FUNCTION " + function + "();\n";
}

}  // namespace

void install_log_schema(Connection& owner, const std::string& service_role) {
  require_identifier(service_role);
  Transaction transaction(owner);
  // IF NOT EXISTS and DROP ... IF EXISTS would each print a NOTICE on a second install.
  owner.exec("SET LOCAL client_min_messages = warning");
  owner.exec(kTables);
  std::string sql;
  for (const std::string table : kLogTables) {
    sql += trigger(table, table + "_no_change", "BEFORE UPDATE OR DELETE", Per::row,
                   "gate_log_refuse_change");
    sql += trigger(table, table + "_no_truncate", "BEFORE TRUNCATE", Per::statement,
                   "gate_log_refuse_change");
    sql += "REVOKE ALL ON " + table + " FROM PUBLIC;\n";
    sql += "GRANT SELECT, INSERT ON " + table + " TO " + service_role + ";\n";
  }
  sql += trigger("log_sequence", "log_sequence_no_delete", "BEFORE DELETE", Per::row,
                 "gate_log_refuse_change");
  sql += trigger("log_sequence", "log_sequence_no_truncate", "BEFORE TRUNCATE", Per::statement,
                 "gate_log_refuse_change");
  sql += trigger("log_sequence", "log_sequence_forward", "BEFORE UPDATE", Per::row,
                 "gate_log_sequence_forward");
  sql +=
      trigger("entries", "entries_reserved_seq", "BEFORE INSERT", Per::row, "gate_log_check_seq");
  sql += "REVOKE ALL ON log_sequence FROM PUBLIC;\n";
  sql += "GRANT SELECT ON log_sequence TO " + service_role + ";\n";
  for (const char* function : {"gate_log_next_seq()", "gate_log_check_seq()",
                               "gate_log_refuse_change()", "gate_log_sequence_forward()"}) {
    sql += std::string("REVOKE ALL ON FUNCTION ") + function + " FROM PUBLIC;\n";
  }
  sql += "GRANT EXECUTE ON FUNCTION gate_log_next_seq() TO " + service_role + ";\n";
  owner.exec(sql);
  transaction.commit();
}

uint64_t reserve_sequence(Connection& conn) {
  return static_cast<uint64_t>(conn.exec("SELECT gate_log_next_seq()").integer(0, 0));
}

}  // namespace gate::attest::pg
