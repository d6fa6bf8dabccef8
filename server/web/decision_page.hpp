#pragma once

#include <nlohmann/json.hpp>
#include <string>

// The page of one decision, /ui/entries/N.
namespace gate::server::web {

// The body: the decoded statement (policy, base and head, each rule's outcome and findings,
// waivers, approvals, CI run), the submitter, the raw envelope and the in-browser verifier.
// `entry` is LogService::entry's JSON (index columns, identity, envelope).
std::string decision_body(const nlohmann::json& entry);

// A link to `url` when it is http(s), else the escaped text: a statement's URL must never
// become a javascript: link.
std::string safe_link(const std::string& url, const std::string& id = {});

}  // namespace gate::server::web
