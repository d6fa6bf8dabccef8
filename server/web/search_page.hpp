#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/log_service.hpp"

// The search page /ui/ and its exports: the filters of GET /v1/entries in a form.
namespace gate::server::web {

// The filters as typed, by name (repository, commit, verdict, rule, actor, change, identity, since,
// until, limit, page_token); an empty field counts as not given.
using SearchForm = std::map<std::string, std::string>;

// The names a SearchForm may hold, in the order the form shows them.
const std::vector<std::string>& search_fields();

// Reads the form from a parameter lookup (nullopt: not given).
SearchForm read_search_form(
    const std::function<std::optional<std::string>(const std::string&)>& param);

// The LogService query of a form; throws ServiceError 400 naming the field that is wrong.
QueryRequest to_query(const SearchForm& form);

// The page body: the form filled with `form`, then `answer` (LogService::query's JSON) as a table
// with a link to each decision, the next page and the exports of this search. `problem`, when
// set, replaces the results with the reason the search was refused.
std::string search_body(const SearchForm& form, const nlohmann::json& answer,
                        const std::optional<std::string>& problem = std::nullopt);

// Exports of a search: entries as LogService::query gives them.
std::string search_csv(const std::vector<nlohmann::json>& entries);
std::string search_json(const std::vector<nlohmann::json>& entries);

// The query string of a form (without '?'), leaving out `drop`.
std::string query_string(const SearchForm& form, const std::string& drop = {});

}  // namespace gate::server::web
