#pragma once

#include <memory>
#include <string>

#include "attest/log_backend.hpp"

namespace gate::attest {

// Whether `location` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_url(const std::string& location);
// The URL with any password replaced by "***", for messages.
std::string redacted_url(const std::string& url);

// The audit log in a PostgreSQL database whose schema `gate log init --service-role` (or
// pg::install_log_schema) installed. Writers are serialised by the sequence row each append
// locks (pg_schema.hpp). Throws InputError naming the redacted URL when the database cannot be
// reached or holds no Gate audit log.
// Installs (or completes) the log's tables in the database at `owner_url`, connected as its
// owner, and grants `service_role` SELECT and INSERT only. Throws InputError.
void install_postgres_log(const std::string& owner_url, const std::string& service_role);

std::unique_ptr<LogBackend> open_postgres_log(const std::string& url, Durability durability);

}  // namespace gate::attest
