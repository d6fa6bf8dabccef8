#pragma once

#include <functional>
#include <optional>
#include <string>

#include "server/log_service.hpp"

namespace gate::server {

// The filters of a decision search, as GET /v1/entries and the auditor's search page both take
// them: `param` gives a parameter's text, or nullopt when it is absent. Throws ServiceError 400
// naming the parameter and what it must be.
QueryRequest read_query_request(
    const std::function<std::optional<std::string>(const char* name)>& param);

}  // namespace gate::server
