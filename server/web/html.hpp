#pragma once

#include <string>
#include <string_view>
#include <vector>

// The HTML the auditor's pages are made of: every outside text goes through escape(), so a
// repository named `<script>` is shown, never run.
namespace gate::server::web {

// The Content-Security-Policy of every page: nothing loaded from elsewhere, no inline script, so
// a statement's text that got past escaping still could not run.
inline constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// Text and attribute values: & < > " ' become entities.
std::string escape(std::string_view text);
// A query-string component: everything but unreserved characters is %XX.
std::string url_encode(std::string_view text);
// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field starting
// with = + - @ gets a leading ' so a spreadsheet shows it instead of evaluating it.
std::string csv_field(std::string_view text);

// A whole page: title, the navigation (current page marked), the body (already HTML) and the
// stylesheet. `scripts` are paths of same-origin scripts to load.
std::string page(std::string_view title, std::string_view current, const std::string& body,
                 const std::vector<std::string>& scripts = {});

// An error page body: what went wrong and what to do.
std::string error_body(int status, std::string_view message);

}  // namespace gate::server::web
