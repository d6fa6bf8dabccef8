#include "server/web/search_page.hpp"

#include "attest/statement.hpp"
#include "gate/types/json_member.hpp"
#include "server/query_params.hpp"
#include "server/web/html.hpp"

namespace gate::server::web {

namespace {

struct Field {
  const char* name;
  const char* label;
  const char* hint;
};

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {"repository", "Repository", "acme/app"},
      {"commit", "Commit (prefix, 4+ hex)", "3f2a9c1e"},
      {"verdict", "Verdict", ""},
      {"rule", "Failed rule", "no-secrets"},
      {"actor", "Actor", "alice"},
      {"change", "Pull/merge request", "42"},
      {"identity", "CI identity (subject, repository or actor)",
       "repo:acme/app:ref:refs/heads/main"},
      {"since", "Since", "2026-03-01"},
      {"until", "Until", "2026-03-31"},
      {"limit", "Per page", "100"}};
  return kFields;
}

std::string text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : (value.is_null() ? "" : value.dump());
}

std::optional<std::string> given(const SearchForm& form, const std::string& name) {
  auto it = form.find(name);
  if (it == form.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string identity_text(const nlohmann::json& identity) {
  if (!identity.is_object()) return "";
  std::string subject = text(identity["subject"]);
  return subject.empty() ? text(identity["repository"]) : subject;
}

}  // namespace

const std::vector<std::string>& search_fields() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& field : fields()) names.emplace_back(field.name);
    names.emplace_back("page_token");
    return names;
  }();
  return kNames;
}

SearchForm read_search_form(
    const std::function<std::optional<std::string>(const std::string&)>& param) {
  SearchForm form;
  for (const auto& name : search_fields()) {
    if (auto value = param(name); value && !value->empty()) form[name] = *value;
  }
  return form;
}

QueryRequest to_query(const SearchForm& form) {
  // A submitted form sends its empty fields too: empty is absent.
  QueryRequest request =
      read_query_request([&form](const char* name) { return given(form, name); });
  if (auto verdict = request.query.verdict; verdict && *verdict != "pass" && *verdict != "fail")
    throw ServiceError{400, "bad_request", "'verdict' must be pass or fail"};
  return request;
}

std::string query_string(const SearchForm& form, const std::string& drop) {
  std::string out;
  for (const auto& name : search_fields()) {
    auto value = given(form, name);
    if (!value || name == drop) continue;
    {
      if (!out.empty()) out += "&";
      out += name + "=" + url_encode(*value);
    }
  }
  return out;
}

std::string search_body(const SearchForm& form, const nlohmann::json& answer,
                        const std::optional<std::string>& problem) {
  std::string out =
      "<form class=\"filters\" method=\"get\" action=\"/ui/\" role=\"search\" "
      "aria-label=\"filter decisions\">";
  for (const auto& field : fields()) {
    std::string value = escape(given(form, field.name).value_or(""));
    out += std::string("<label>") + field.label;
    if (std::string(field.name) == "verdict") {
      out += "<select name=\"verdict\" id=\"f-verdict\">";
      for (const char* option : {"", "pass", "fail"}) {
        out += std::string("<option value=\"") + option + "\"" +
               (value == option ? " selected" : "") + ">" + (*option ? option : "any") +
               "</option>";
      }
      out += "</select>";
    } else {
      out += std::string("<input name=\"") + field.name + "\" id=\"f-" + field.name +
             "\" value=\"" + value + "\" placeholder=\"" + escape(field.hint) + "\">";
    }
    out += "</label>";
  }
  out +=
      "<div><button type=\"submit\" id=\"search\">Search</button> "
      "<a href=\"/ui/\">Clear</a></div></form>\n";
  if (problem) return out + error_body(400, *problem);

  std::string exports = query_string(form, "page_token");
  std::string suffix = exports.empty() ? "" : "?" + exports;
  out += "<p>Export this search (every page): <a id=\"export-csv\" href=\"/ui/search.csv" +
         escape(suffix) + "\">Export CSV</a> · <a id=\"export-json\" href=\"/ui/search.json" +
         escape(suffix) + "\">Export JSON</a></p>\n";
  const auto& entries = answer["entries"];
  if (entries.empty()) return out + "<p id=\"no-results\">No decision matches.</p>\n";
  out += "<table id=\"results\"><caption>" + std::to_string(entries.size()) +
         " decisions on this page</caption><thead><tr><th scope=\"col\">#</th>"
         "<th scope=\"col\">time</th><th scope=\"col\">repository</th><th scope=\"col\">head</th>"
         "<th scope=\"col\">verdict</th><th scope=\"col\">failed rules</th>"
         "<th scope=\"col\">actor</th><th scope=\"col\">change</th>"
         "<th scope=\"col\">CI identity</th></tr></thead><tbody>\n";
  for (const auto& entry : entries) {
    std::string seq = std::to_string(entry["seq"].get<uint64_t>());
    std::string verdict = text(entry["verdict"]);
    std::string rules;
    for (const auto& rule : entry["failed_rules"]) {
      if (!rules.empty()) rules += ", ";
      rules += text(rule);
    }
    out += "<tr data-seq=\"" + seq + "\"><td><a href=\"/ui/entries/" + seq + "\">" + seq +
           "</a></td><td class=\"time\">" + escape(text(entry["time"])) + "</td><td>" +
           escape(text(entry["repository"])) + "</td><td><code>" +
           escape(text(entry["head"]).substr(0, 12)) + "</code></td><td class=\"verdict-" +
           (verdict == "pass" ? "pass" : "fail") + "\">" + escape(verdict) + "</td><td>" +
           escape(rules) + "</td><td>" + escape(text(entry["actor"])) + "</td><td>" +
           escape(text(json_member(entry, "change_id"))) + "</td><td>" +
           escape(identity_text(entry["identity"])) + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  if (answer.contains("next_page_token")) {
    SearchForm next = form;
    next["page_token"] = text(answer["next_page_token"]);
    out += "<p><a id=\"next-page\" rel=\"next\" href=\"/ui/?" + escape(query_string(next)) +
           "\">Next page</a></p>\n";
  }
  return out;
}

std::string search_csv(const std::vector<nlohmann::json>& entries) {
  std::string out =
      "seq,time,repository,base,head,verdict,failed_rules,actor,policy_sha256,key_id,leaf_hash,"
      "identity,change_id\r\n";
  for (const auto& entry : entries) {
    std::string rules;
    for (const auto& rule : entry["failed_rules"]) {
      if (!rules.empty()) rules += ";";
      rules += text(rule);
    }
    out += std::to_string(entry["seq"].get<uint64_t>());
    for (const std::string& value :
         {text(entry["time"]), text(entry["repository"]), text(entry["base"]), text(entry["head"]),
          text(entry["verdict"]), rules, text(entry["actor"]), text(entry["policy_sha256"]),
          text(entry["key_id"]), text(entry["leaf_hash"]), identity_text(entry["identity"]),
          text(json_member(entry, "change_id"))}) {
      out += ',';
      out += csv_field(value);
    }
    out += "\r\n";
  }
  return out;
}

std::string search_json(const std::vector<nlohmann::json>& entries) {
  return nlohmann::json{{"entries", entries}}.dump(2) + "\n";
}

}  // namespace gate::server::web
