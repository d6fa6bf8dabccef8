#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "attest/log_backend.hpp"

namespace gate::attest {

// The audit log in one SQLite file (WAL). Writers take BEGIN IMMEDIATE, so appends from any
// number of processes are serialised by the file lock; every table refuses UPDATE and DELETE.
// Throws InputError naming the path when the file cannot be opened or is not a Gate audit log.
std::unique_ptr<LogBackend> open_sqlite_log(const std::string& path, bool create,
                                            Durability durability);

// The SQLite connection of a SQLite backend (nullptr for another engine): for tests and tools
// that reach past the log's interface on purpose.
sqlite3* sqlite_handle(LogBackend& backend);

}  // namespace gate::attest
