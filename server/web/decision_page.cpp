#include "server/web/decision_page.hpp"

#include "attest/dsse.hpp"
#include "gate/types/errors.hpp"
#include "server/web/html.hpp"

namespace gate::server::web {

namespace {

std::string text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ", ";
      out += text(item);
    }
    return out;
  }
  return value.dump();
}

const nlohmann::json& at(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string row(const std::string& name, const std::string& html_value) {
  return "<tr><th scope=\"row\">" + escape(name) + "</th><td>" + html_value + "</td></tr>";
}

std::string code(const nlohmann::json& value) { return "<code>" + escape(text(value)) + "</code>"; }

// A table of objects with the given columns; missing values are blank.
std::string object_table(const std::string& id, const std::string& caption,
                         const nlohmann::json& items, const std::vector<std::string>& columns) {
  if (!items.is_array() || items.empty()) return "<p id=\"" + id + "\">No " + caption + ".</p>";
  std::string out =
      "<table id=\"" + id + "\"><caption>" + escape(caption) + "</caption><thead><tr>";
  for (const auto& column : columns) out += "<th scope=\"col\">" + escape(column) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& item : items) {
    out += "<tr>";
    for (const auto& column : columns) {
      const auto& value = at(item, column.c_str());
      std::string cell = escape(text(value));
      if (column == "status")
        cell = "<span class=\"verdict-" + std::string(text(value) == "fail" ? "fail" : "pass") +
               "\">" + cell + "</span>";
      out += "<td>" + cell + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::vector<std::string> keys_of(const nlohmann::json& items) {
  std::vector<std::string> keys;
  if (!items.is_array()) return keys;
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    for (const auto& [key, value] : item.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  return keys;
}

constexpr const char* kVerifier = R"(
<section id="verify" aria-labelledby="verify-title">
<h2 id="verify-title">Verify in this browser</h2>
<p>Your browser fetches this entry's exact envelope bytes, its inclusion proof and the log's
checkpoint, recomputes the leaf hash and the Merkle root with WebCrypto and checks the checkpoint's
Ed25519 signature against the log key <em>you</em> pin below. The verdict shown after a pass is
read from the verified bytes, not from this page.</p>
<label for="log-key">Log public key (PEM, from the log's operator, not from this site)</label><br>
<textarea id="log-key" rows="4" cols="70" spellcheck="false"
 placeholder="-----BEGIN PUBLIC KEY-----"></textarea><br>
<label for="witness-keys">Witness public keys (optional, PEM, one or more): each must have
cosigned the checkpoint</label><br>
<textarea id="witness-keys" rows="3" cols="70" spellcheck="false"
 placeholder="-----BEGIN PUBLIC KEY-----"></textarea><br>
<label for="decision-key">Decision signing key (optional, PEM): the key CI signs decisions
with; the envelope must carry its signature</label><br>
<textarea id="decision-key" rows="3" cols="70" spellcheck="false"
 placeholder="-----BEGIN PUBLIC KEY-----"></textarea><br>
<label><input type="checkbox" id="remember-key"> Remember this key in this browser</label><br>
<button type="button" id="verify-button">Verify in this browser</button>
<div id="verify-result" class="result" role="status" aria-live="polite">Not verified yet.</div>
</section>
)";

}  // namespace

std::string safe_link(const std::string& url, const std::string& id) {
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) {
    return "<a" + (id.empty() ? std::string() : " id=\"" + id + "\"") + " href=\"" + escape(url) +
           "\" rel=\"noreferrer\">" + escape(url) + "</a>";
  }
  return escape(url);
}

std::string decision_body(const nlohmann::json& entry) {
  uint64_t seq = entry["seq"].get<uint64_t>();
  std::string envelope_bytes = text(entry["envelope"]);
  nlohmann::json statement;
  try {
    auto envelope = attest::parse_envelope(envelope_bytes, "entry " + std::to_string(seq));
    statement = nlohmann::json::parse(envelope.payload, nullptr, false);
  } catch (const InputError&) {
    statement = nullptr;
  }
  const auto& predicate = at(statement, "predicate");
  const auto& policy = at(predicate, "policy");
  const auto& ci = at(predicate, "ci");
  std::string verdict = text(entry["verdict"]);

  std::string out = "<p>Entry <strong id=\"seq\">" + std::to_string(seq) +
                    "</strong> of the log: <span id=\"verdict\" class=\"verdict-" +
                    (verdict == "pass" ? "pass" : "fail") + "\">" + escape(verdict) +
                    "</span> for <strong>" + escape(text(entry["repository"])) + "</strong>.</p>";
  if (!predicate.is_object()) {
    out +=
        "<p class=\"error\" role=\"alert\">The envelope does not decode as a Gate decision "
        "statement; only its index columns are shown.</p>";
  }
  out += "<h2>Decision</h2><table id=\"summary\"><tbody>";
  out += row("sequence number", std::to_string(seq));
  out += row("time", escape(text(entry["time"])));
  out += row("repository", escape(text(entry["repository"])));
  out += row("base", code(entry["base"]));
  out += row("head", code(entry["head"]));
  if (!at(predicate, "mergeBase").is_null()) out += row("merge base", code(predicate["mergeBase"]));
  out += row("policy path", escape(text(at(policy, "path"))));
  out += row("policy sha256",
             code(policy.is_object() ? at(policy, "sha256") : entry["policy_sha256"]));
  if (!at(policy, "source").is_null()) out += row("policy source", escape(text(policy["source"])));
  if (!at(policy, "revision").is_null()) out += row("policy revision", code(policy["revision"]));
  if (!at(predicate, "mode").is_null()) out += row("mode", escape(text(predicate["mode"])));
  out += row("actor", escape(text(entry["actor"])));
  out += row("decision key id", code(entry["key_id"]));
  out += row("leaf hash", code(entry["leaf_hash"]));
  out += "</tbody></table>";

  out += "<h2>CI run</h2>";
  if (ci.is_object()) {
    out += "<table id=\"ci\"><tbody>";
    for (const char* key : {"provider", "event", "repository", "changeId", "targetBranch"}) {
      if (!text(at(ci, key)).empty()) out += row(key, escape(text(ci[key])));
    }
    if (!text(at(ci, "runUrl")).empty())
      out += row("run", safe_link(text(ci["runUrl"]), "run-link"));
    out += "</tbody></table>";
  } else {
    out += "<p>No CI run recorded.</p>";
  }
  const auto& identity = entry.contains("identity") ? entry["identity"] : nlohmann::json();
  out += "<h2>Submitted by</h2>";
  if (identity.is_object()) {
    out += "<table id=\"identity\"><tbody>";
    for (const auto& [key, value] : identity.items()) {
      if (!text(value).empty()) out += row(key, escape(text(value)));
    }
    out += "</tbody></table>";
  } else {
    out += "<p>Appended directly to the log (no service identity).</p>";
  }

  out +=
      "<h2>Rules</h2>" + object_table("rules", "rules", at(predicate, "rules"),
                                      {"id", "type", "severity", "status", "findings", "waived"});
  out += "<h2>Waivers</h2>" +
         object_table("waivers", "waivers", at(predicate, "waivers"),
                      {"rule", "paths", "reason", "approvedBy", "expires", "matched", "expired"});
  const auto& approvals = at(predicate, "approvals");
  if (!approvals.is_null()) {
    out += "<h2>Approvals</h2>" +
           object_table("approvals", "approvals", approvals, keys_of(approvals));
  }
  out +=
      "<h2>Raw envelope</h2><p>The exact bytes the log hashed (DSSE JSON).</p>"
      "<pre id=\"envelope\" tabindex=\"0\">" +
      escape(envelope_bytes) + "</pre>";
  out += std::string(kVerifier);
  // The script finds the entry by this attribute; it never reads the rendered tables.
  out.insert(out.find("<section id=\"verify\"") + 8, " data-seq=\"" + std::to_string(seq) + "\"");
  return out;
}

}  // namespace gate::server::web
