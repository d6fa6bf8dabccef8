#include "server/web/health_page.hpp"

#include <httplib.h>

#include <chrono>
#include <iostream>

#include "attest/checkpoint.hpp"
#include "attest/statement.hpp"
#include "server/log_service.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/html.hpp"
#include "server/witness_push.hpp"

namespace gate::server::web {

namespace {

std::string row(const std::string& header, const std::string& cell, const std::string& id = {}) {
  return "<tr><th scope=\"row\">" + header + "</th><td" +
         (id.empty() ? std::string() : " id=\"" + id + "\"") + ">" + cell + "</td></tr>";
}

// The member's text, escaped, or a dash when it is missing, null or empty.
std::string text_or_dash(const nlohmann::json& object, const char* member) {
  auto it = object.find(member);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) return "—";
  return escape(it->get<std::string>());
}

// One witness: who it is, and what it last cosigned, when, and how long ago.
std::string witness_row(const nlohmann::json& witness, int64_t now) {
  std::string key = "key id <code>" + escape(witness.value("key_id", "").substr(0, 16)) + "</code>";
  if (witness.contains("key_hash") && witness["key_hash"].is_string()) {
    key += ", key hash <code>" + escape(witness["key_hash"].get<std::string>()) + "</code>";
  }
  std::string cosigned = "never cosigned";
  std::string age = "—";
  auto whole = [&witness](const char* member) -> std::optional<int64_t> {
    auto it = witness.find(member);
    if (it == witness.end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
      return std::nullopt;
    }
    return it->get<int64_t>();
  };
  auto size = whole("cosigned_size");
  auto at = whole("timestamp");
  if (size && at) {
    cosigned = "size " + std::to_string(*size) + " at " + attest::format_time(*at);
    age = duration_text(now - *at);
  }
  return "<tr data-url=\"" + escape(witness.value("url", "")) + "\"><td>" +
         escape(witness.value("url", "")) + "</td><td>" + text_or_dash(witness, "name") +
         "</td><td>" + key + "</td><td>" + escape(witness.value("state", "")) + "</td><td>" +
         cosigned + "</td><td>" + age + "</td><td>" + text_or_dash(witness, "last_error") +
         "</td></tr>";
}

std::string witnesses_section(const nlohmann::json& witnesses, int64_t now) {
  std::string out = "<h2>Witnesses</h2>";
  if (!witnesses.is_array() || witnesses.empty()) {
    return out +
           "<p id=\"no-witnesses\">No witness is configured: nobody outside this service vouches "
           "that it shows everyone the same log (see <code>witnesses</code> in "
           "docs/audit-service.md, 'Witnessing').</p>";
  }
  out +=
      "<p>Each witness cosigns a checkpoint only once a consistency proof shows the log still "
      "extends what it cosigned before; their lines are served at <a "
      "href=\"/v1/checkpoint/cosigned\">/v1/checkpoint/cosigned</a>.</p><table "
      "id=\"witnesses\"><thead><tr><th scope=\"col\">witness</th><th scope=\"col\">name</th><th "
      "scope=\"col\">key</th><th scope=\"col\">state</th><th scope=\"col\">latest "
      "cosignature</th><th scope=\"col\">age</th><th scope=\"col\">last "
      "error</th></tr></thead><tbody>";
  for (const auto& witness : witnesses) {
    if (witness.is_object()) out += witness_row(witness, now);
  }
  return out + "</tbody></table>";
}

HealthFacts gather(LogService& service, const WitnessPusher* witnesses) {
  HealthFacts facts;
  facts.origin = service.origin();
  facts.size = service.size();
  facts.checkpoint = service.latest_checkpoint();
  if (facts.size > 0) facts.last_time = service.entry(facts.size - 1)["time"].get<std::string>();
  if (witnesses) facts.witnesses = witnesses->status()["witnesses"];
  return facts;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void send(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Content-Security-Policy", kPagePolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "text/html; charset=utf-8");
}

}  // namespace

std::string health_body(const HealthFacts& facts, int64_t now) {
  std::string out = "<table id=\"health\"><tbody>" + row("origin", escape(facts.origin), "origin") +
                    row("size", std::to_string(facts.size) + " entries", "size");
  std::optional<attest::SignedCheckpoint> checkpoint;
  if (facts.checkpoint) checkpoint = attest::parse_checkpoint(*facts.checkpoint, "checkpoint");
  if (checkpoint) {
    out += row("checkpoint size", std::to_string(checkpoint->checkpoint.size)) +
           row("root", "<code>" + attest::to_hex(checkpoint->checkpoint.root) + "</code>");
    for (const auto& signature : checkpoint->signatures) {
      out += row("signed by",
                 escape(signature.name) + " (key hash " + attest::to_hex(signature.key_hash) + ")");
    }
  }
  if (facts.size > 0 && facts.last_time) {
    // Every append signs a checkpoint: the latest one is as old as the last entry.
    int64_t age = now - attest::parse_time(*facts.last_time).value_or(now);
    std::string last = std::to_string(facts.size - 1);
    out +=
        row("last entry", "<a href=\"/ui/entries/" + last + "\">" + last + "</a>, decided " +
                              escape(*facts.last_time)) +
        row("checkpoint age",
            duration_text(age) + " (each append signs one; its age is the last decision's)", "age");
  }
  out += "</tbody></table>" + witnesses_section(facts.witnesses, now);
  if (facts.checkpoint) {
    out +=
        "<h2>Latest checkpoint</h2><p>The signed note as served at <a "
        "href=\"/v1/checkpoint\">/v1/checkpoint</a>; check it with <code>gate log verify "
        "--checkpoint</code> or a witness.</p><pre id=\"checkpoint\" tabindex=\"0\">" +
        escape(*facts.checkpoint) + "</pre>";
  } else {
    out += "<p id=\"empty\">The log is empty: no checkpoint yet.</p>";
  }
  return out;
}

void register_health_page(httplib::Server& server, LogService& service,
                          const WitnessPusher* witnesses) {
  server.Get("/ui/health", [&service, witnesses](const httplib::Request& req,
                                                 httplib::Response& res) {
    try {
      send(res, 200,
           page("Log health", "health", health_body(gather(service, witnesses), now_seconds())));
    } catch (const ServiceError& e) {
      send(res, e.status, page("Error", "", error_body(e.status, e.message)));
    } catch (const std::exception& e) {
      std::cerr << "gate: error: " << req.method << " " << req.path << ": " << e.what() << "\n";
      send(res, 500,
           page("Error", "", error_body(500, "the log could not answer; see the service's log")));
    }
  });
}

}  // namespace gate::server::web
