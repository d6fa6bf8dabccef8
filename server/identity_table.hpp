#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "server/identity.hpp"

// The submitter of each entry appended through the service, in a side table of the log's own
// SQLite file (the log schema itself stays the store's). Append-only like the log: triggers
// refuse UPDATE and DELETE.
namespace gate::server {

void create_identity_table(sqlite3* db);
void insert_identity(sqlite3* db, uint64_t seq, const Identity& identity);
std::optional<Identity> read_identity(sqlite3* db, uint64_t seq);
// Sequence numbers of entries whose submitter's subject, repository or actor is `who`, ascending.
std::vector<uint64_t> sequences_by_identity(sqlite3* db, const std::string& who);

}  // namespace gate::server
