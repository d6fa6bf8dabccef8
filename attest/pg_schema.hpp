#pragma once

#include <cstdint>
#include <string>

#include "attest/pg.hpp"

// The audit log's schema in PostgreSQL: the same tables as the SQLite log (entries, failed rules,
// Merkle nodes, checkpoints, metadata) plus the submitters' identities, append-only twice over:
//   - privileges: the service role may SELECT and INSERT, nothing else (no UPDATE, DELETE,
//     TRUNCATE), and cannot create objects;
//   - triggers: UPDATE, DELETE and TRUNCATE are refused even for the owner, short of disabling
//     the triggers (which takes the owner or a superuser, never the service).
// Sequencing: one row in log_sequence, locked FOR UPDATE by gate_log_next_seq() until the
// appending transaction ends, so concurrent writers get distinct numbers in commit order and a
// rolled-back append returns its number; an insert into entries must use the number reserved.
namespace gate::attest::pg {

// Creates (or completes) the schema as the connected owner and grants `service_role` what it
// needs. The role must exist. Throws Error; std::invalid_argument for a bad role name.
void install_log_schema(Connection& owner, const std::string& service_role);

// Reserves the next sequence number inside the caller's open transaction.
uint64_t reserve_sequence(Connection& conn);

}  // namespace gate::attest::pg
