#include "server/web/inventory_page.hpp"

#include <set>

#include "attest/statement.hpp"
#include "gate/types/json_member.hpp"
#include "server/log_service.hpp"
#include "server/web/html.hpp"

namespace gate::server::web {

namespace {

std::string clipped(std::string text) {
  if (text.size() > kMaxFactsText) text.resize(kMaxFactsText);
  return text;
}

// A string member, clipped; anything else reads as absent.
std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? clipped(it->get<std::string>()) : std::string();
}

// A list of strings joined with ", " (at most kMaxFactsList of them); other members skipped.
std::string list_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return {};
  std::string out;
  size_t taken = 0;
  for (const auto& value : *it) {
    if (!value.is_string()) continue;
    if (++taken > kMaxFactsList) {
      out += ", \xE2\x80\xA6";
      break;
    }
    if (!out.empty()) out += ", ";
    out += clipped(value.get<std::string>());
  }
  return out;
}

}  // namespace

std::vector<InventoryFacts> inventory_from_predicate(const nlohmann::json& predicate) {
  std::vector<InventoryFacts> out;
  const nlohmann::json& items = json_member(predicate, "inventory");
  if (!items.is_array()) return out;
  size_t seen = 0;
  for (const auto& item : items) {
    if (++seen > kMaxFactsItems) break;
    InventoryFacts facts;
    facts.kind = string_at(item, "kind");
    facts.path = string_at(item, "path");
    if (facts.path.empty() || (facts.kind != "dataset" && facts.kind != "model")) continue;
    facts.change = string_at(item, "change");
    facts.owners = list_at(item, "owners");
    facts.schema = string_at(json_member(item, "schema"), "path");
    facts.schema_sha256 = string_at(json_member(item, "schema"), "sha256");
    facts.manifest = string_at(json_member(item, "manifest"), "path");
    facts.manifest_sha256 = string_at(json_member(item, "manifest"), "sha256");
    facts.model_card = string_at(json_member(item, "modelCard"), "path");
    facts.model_card_sha256 = string_at(json_member(item, "modelCard"), "sha256");
    facts.license = string_at(item, "license");
    const nlohmann::json& lineage = json_member(item, "lineage");
    facts.lineage_source = string_at(lineage, "source");
    facts.lineage_stage = string_at(lineage, "stage");
    facts.lineage_inputs = list_at(lineage, "inputs");
    out.push_back(std::move(facts));
  }
  return out;
}

void InventoryIndex::add(uint64_t seq, int64_t time, const std::string& repository,
                         const std::string& verdict, const std::vector<InventoryFacts>& items) {
  std::set<std::pair<std::string, std::string>> named;  // a statement naming an item twice
  for (const auto& item : items) {
    if (!named.emplace(item.path, item.kind).second) continue;
    auto key = std::make_tuple(repository, item.path, item.kind);
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      if (rows_.size() >= kMaxRows) {
        ++dropped_;
        continue;
      }
      it = rows_.emplace(std::move(key), InventoryRow{}).first;
      it->second.repository = repository;
    }
    InventoryRow& row = it->second;
    ++row.decisions;
    if (row.decisions > 1 && seq < row.latest_seq) continue;  // the log only grows; keep the latest
    row.item = item;
    row.latest_seq = seq;
    row.latest_time = time;
    row.latest_verdict = verdict;
  }
}

std::vector<const InventoryRow*> InventoryIndex::rows(const InventoryFilter& filter) const {
  std::vector<const InventoryRow*> out;
  for (const auto& [key, row] : rows_) {
    if (!filter.repository.empty() && row.repository != filter.repository) continue;
    if (!filter.kind.empty() && row.item.kind != filter.kind) continue;
    out.push_back(&row);
  }
  return out;
}

std::vector<std::string> InventoryIndex::repositories() const {
  std::set<std::string> names;
  for (const auto& [key, row] : rows_) names.insert(row.repository);
  return {names.begin(), names.end()};
}

InventoryFilter read_inventory_filter(
    const std::function<std::optional<std::string>(const std::string&)>& param) {
  InventoryFilter filter;
  filter.repository = param("repository").value_or("");
  filter.kind = param("kind").value_or("");
  if (!filter.kind.empty() && filter.kind != "dataset" && filter.kind != "model") {
    throw ServiceError{400, "bad_request", "'kind' must be dataset or model"};
  }
  return filter;
}

namespace {

std::string option(const std::string& value, const std::string& label, const std::string& chosen) {
  return "<option value=\"" + escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" +
         escape(label) + "</option>";
}

// A describing file: its path, with the start of its digest for the eye and the whole in the
// title.
std::string described(const std::string& path, const std::string& sha256) {
  if (path.empty()) return {};
  std::string out = "<code>" + escape(path) + "</code>";
  if (!sha256.empty()) {
    out += " <small title=\"sha256:" + escape(sha256) +
           "\">sha256:" + escape(sha256.substr(0, 12)) + "\xE2\x80\xA6</small>";
  }
  return out;
}

std::string lineage_cell(const InventoryFacts& item) {
  if (item.lineage_source.empty() && item.lineage_inputs.empty()) return {};
  std::string out = escape(item.lineage_inputs.empty() ? "(no inputs)" : item.lineage_inputs);
  out += " <small>(" + escape(item.lineage_source);
  if (!item.lineage_stage.empty()) out += ", stage " + escape(item.lineage_stage);
  return out + ")</small>";
}

std::string row_html(const InventoryRow& row) {
  const InventoryFacts& item = row.item;
  std::string seq = std::to_string(row.latest_seq);
  std::string verdict = row.latest_verdict == "pass" ? "pass" : "fail";
  std::string schema = described(item.schema, item.schema_sha256);
  std::string manifest = described(item.manifest, item.manifest_sha256);
  if (!schema.empty() && !manifest.empty()) schema += "<br>";
  return "<tr data-kind=\"" + escape(item.kind) + "\" data-path=\"" + escape(item.path) +
         "\" data-seq=\"" + seq + "\"><td>" + escape(item.kind) + "</td><td><code>" +
         escape(item.path) + "</code></td><td>" + escape(item.owners) + "</td><td>" + schema +
         manifest + "</td><td>" + escape(item.license) + "</td><td>" +
         described(item.model_card, item.model_card_sha256) + "</td><td>" + lineage_cell(item) +
         "</td><td><a href=\"/ui/entries/" + seq + "\">" + seq + "</a> <span class=\"verdict-" +
         verdict + "\">" + escape(row.latest_verdict) +
         "</span> <small title=\"what the change did to it\">(" + escape(item.change) +
         ")</small></td><td class=\"time\">" + attest::format_time(row.latest_time) +
         "</td><td class=\"num\">" + std::to_string(row.decisions) + "</td></tr>\n";
}

const char* kHead =
    "<thead><tr><th scope=\"col\">kind</th><th scope=\"col\">path</th>"
    "<th scope=\"col\">owners</th><th scope=\"col\">schema or manifest</th>"
    "<th scope=\"col\">licence</th><th scope=\"col\">model card</th>"
    "<th scope=\"col\">lineage</th><th scope=\"col\">latest decision</th>"
    "<th scope=\"col\">decided</th><th scope=\"col\">decisions</th></tr></thead><tbody>\n";

}  // namespace

std::string inventory_body(const InventoryIndex& index, const InventoryFilter& filter) {
  std::string out =
      "<form class=\"filters\" method=\"get\" action=\"/ui/inventory\" role=\"search\" "
      "aria-label=\"filter the inventory\"><label>repository<select name=\"repository\" "
      "id=\"i-repository\">" +
      option("", "any", filter.repository);
  for (const auto& repository : index.repositories()) {
    out += option(repository, repository, filter.repository);
  }
  out += "</select></label><label>kind<select name=\"kind\" id=\"i-kind\">" +
         option("", "any", filter.kind) + option("dataset", "dataset", filter.kind) +
         option("model", "model", filter.kind) +
         "</select></label><div><button type=\"submit\" id=\"filter\">Show</button> "
         "<a href=\"/ui/inventory\">Clear</a></div></form>\n"
         "<p>Every dataset and model the decisions in this log have seen changed, with the "
         "latest decision about each, read from the signed statements (predicate.inventory). "
         "Owners are those of the base revision's CODEOWNERS.</p>\n";
  std::vector<const InventoryRow*> rows = index.rows(filter);
  if (index.dropped() > 0) {
    out += "<p id=\"dropped\">" + std::to_string(index.dropped()) +
           " items were not kept: the inventory holds at most " +
           std::to_string(InventoryIndex::kMaxRows) + ".</p>\n";
  }
  if (rows.empty()) return out + "<p id=\"no-items\">No dataset or model matches.</p>\n";
  out += "<p id=\"item-count\">" + std::to_string(rows.size()) + " items.</p>\n";
  std::string repository;
  size_t table = 0;
  size_t shown = 0;
  for (const InventoryRow* row : rows) {
    if (shown == kMaxShownRows) break;
    if (table == 0 || row->repository != repository) {
      if (table > 0) out += "</tbody></table>\n";
      repository = row->repository;
      out += "<h2>" + escape(repository) + "</h2><table class=\"inventory\" id=\"inventory-" +
             std::to_string(table++) + "\" data-repository=\"" + escape(repository) + "\">" + kHead;
    }
    out += row_html(*row);
    ++shown;
  }
  out += "</tbody></table>\n";
  if (shown < rows.size()) {
    out += "<p id=\"more\">" + std::to_string(rows.size() - shown) +
           " more items: choose a repository or kind to see them.</p>\n";
  }
  return out;
}

}  // namespace gate::server::web
