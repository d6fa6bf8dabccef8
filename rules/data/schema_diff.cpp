#include "rules/data/schema_diff.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "gate/types/json_member.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {

using json = nlohmann::json;

std::string_view to_string(Compatibility mode) {
  switch (mode) {
    case Compatibility::none:
      return "none";
    case Compatibility::backward:
      return "backward";
    case Compatibility::forward:
      return "forward";
    case Compatibility::full:
      return "full";
  }
  return "full";
}

bool parse_compatibility(std::string_view text, Compatibility& mode) {
  for (Compatibility m : {Compatibility::none, Compatibility::backward, Compatibility::forward,
                          Compatibility::full}) {
    if (text == to_string(m)) {
      mode = m;
      return true;
    }
  }
  return false;
}

bool SchemaChange::breaks(Compatibility mode) const {
  switch (mode) {
    case Compatibility::none:
      return false;
    case Compatibility::backward:
      return breaks_backward;
    case Compatibility::forward:
      return breaks_forward;
    case Compatibility::full:
      return breaks_backward || breaks_forward;
  }
  return true;
}

std::string SchemaChange::describe() const { return subject + ": " + what; }

SchemaKind schema_kind(const json& document) {
  if (!document.is_object()) return SchemaKind::unknown;
  if (document.contains("fields")) return SchemaKind::table_schema;
  if (document.contains("properties") || document.contains("$schema") ||
      document.contains("type") || document.contains("items")) {
    return SchemaKind::json_schema;
  }
  return SchemaKind::unknown;
}

namespace {

// Collects changes; the three verbs say whom a change breaks. Tightened: the new schema refuses
// some value the old one accepted (old data breaks). Loosened: the new schema accepts values the
// old one refused (old consumers break). Changed: neither contains the other.
class Changes {
 public:
  void tightened(const std::string& subject, const std::string& what) {
    out_.push_back({subject, what + " (tightened)", true, false});
  }
  void loosened(const std::string& subject, const std::string& what) {
    out_.push_back({subject, what + " (loosened)", false, true});
  }
  void changed(const std::string& subject, const std::string& what) {
    out_.push_back({subject, what, true, true});
  }
  void add(const std::string& subject, const std::string& what, bool backward, bool forward) {
    out_.push_back({subject, what, backward, forward});
  }
  std::vector<SchemaChange> take() { return std::move(out_); }

 private:
  std::vector<SchemaChange> out_;
};

std::string shown(const json& value) {
  if (!value.is_string()) return value.dump();
  // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on the chained operator+.
  std::string out = "'";
  out += value.get_ref<const std::string&>();
  out += '\'';
  return out;
}

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// A lower bound (minimum, minLength, ...) or an upper bound; numbers compare as numbers, dates and
// times (Table Schema writes them as ISO text) as text.
void compare_bound(Changes& changes, const std::string& subject, const std::string& name,
                   const json& before, const json& after, bool lower) {
  if (before == after) return;
  if (before.is_null()) {
    changes.tightened(subject, name + " " + shown(after) + " added");
    return;
  }
  if (after.is_null()) {
    changes.loosened(subject, name + " " + shown(before) + " removed");
    return;
  }
  int order = 0;
  if (before.is_number() && after.is_number()) {
    double a = before.get<double>();
    double b = after.get<double>();
    order = a < b ? -1 : (a > b ? 1 : 0);
  } else if (before.is_string() && after.is_string()) {
    order = before.get<std::string>().compare(after.get<std::string>());
    order = order < 0 ? -1 : (order > 0 ? 1 : 0);
  } else {
    changes.changed(subject, name + " " + shown(before) + " -> " + shown(after));
    return;
  }
  if (order == 0) return;
  std::string what = name + " " + shown(before) + " -> " + shown(after);
  bool raised = order < 0;
  if (raised == lower) {
    changes.tightened(subject, what);
  } else {
    changes.loosened(subject, what);
  }
}

std::set<std::string> value_set(const json& list) {
  std::set<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) out.insert(shown(item));
  return out;
}

// An allow-list of values (enum, trueValues, missingValues read the other way round).
void compare_allowed(Changes& changes, const std::string& subject, const std::string& name,
                     const json& before, const json& after) {
  if (before == after) return;
  if (before.is_null()) {
    changes.tightened(subject, name + " added");
    return;
  }
  if (after.is_null()) {
    changes.loosened(subject, name + " removed");
    return;
  }
  std::set<std::string> old_values = value_set(before);
  std::set<std::string> new_values = value_set(after);
  std::vector<std::string> removed;
  std::vector<std::string> added;
  std::set_difference(old_values.begin(), old_values.end(), new_values.begin(), new_values.end(),
                      std::back_inserter(removed));
  std::set_difference(new_values.begin(), new_values.end(), old_values.begin(), old_values.end(),
                      std::back_inserter(added));
  if (!removed.empty()) changes.tightened(subject, name + " values removed: " + listed(removed));
  if (!added.empty()) changes.loosened(subject, name + " values added: " + listed(added));
}

void compare_flag(Changes& changes, const std::string& subject, const std::string& name,
                  const json& before, const json& after) {
  bool was = before.is_boolean() && before.get<bool>();
  bool is = after.is_boolean() && after.get<bool>();
  if (was == is) return;
  if (is) {
    changes.tightened(subject, "now " + name);
  } else {
    changes.loosened(subject, "no longer " + name);
  }
}

// Something that can only be equal or different (a pattern, a format, a dialect character).
void compare_opaque(Changes& changes, const std::string& subject, const std::string& name,
                    const json& before, const json& after, const json& fallback = json()) {
  const json& a = before.is_null() ? fallback : before;
  const json& b = after.is_null() ? fallback : after;
  if (a == b) return;
  if (a.is_null()) {
    changes.tightened(subject, name + " " + shown(b) + " added");
  } else if (b.is_null()) {
    changes.loosened(subject, name + " " + shown(a) + " removed");
  } else {
    changes.changed(subject, name + " " + shown(a) + " -> " + shown(b));
  }
}

// ---- Table Schema ----

std::string type_of(const json& field) {
  const json& type = json_member(field, "type");
  return type.is_string() ? type.get<std::string>() : "string";
}

std::string format_of(const json& field) {
  const json& format = json_member(field, "format");
  return format.is_string() ? format.get<std::string>() : "default";
}

// Whether every cell valid as `from` is valid as `to`: `any` and default-format strings take
// everything, a year is an integer, an integer a number.
bool widens(const std::string& from, const std::string& to, const std::string& to_format) {
  if (from == to) return true;
  if (to == "any") return true;
  if (to == "string") return to_format == "default";
  if (to == "number") return from == "integer" || from == "year";
  if (to == "integer") return from == "year";
  return false;
}

void compare_field(Changes& changes, const std::string& subject, const json& before,
                   const json& after) {
  std::string old_type = type_of(before);
  std::string new_type = type_of(after);
  std::string old_format = format_of(before);
  std::string new_format = format_of(after);
  if (old_type != new_type) {
    std::string what = "type " + old_type + " -> " + new_type;
    bool wider = widens(old_type, new_type, new_format);
    bool narrower = widens(new_type, old_type, old_format);
    if (wider) {
      changes.add(subject, what + " (widened)", false, true);
    } else if (narrower) {
      changes.add(subject, what + " (narrowed)", true, false);
    } else {
      changes.changed(subject, what);
    }
  } else if (old_format != new_format) {
    std::string what = "format '" + old_format + "' -> '" + new_format + "'";
    if (new_format == "any") {
      changes.loosened(subject, what);
    } else if (old_format == "any") {
      changes.tightened(subject, what);
    } else {
      changes.changed(subject, what);
    }
  }
  for (const char* key : {"groupChar", "decimalChar", "bareNumber"}) {
    compare_opaque(changes, subject, key, json_member(before, key), json_member(after, key));
  }
  // Values read as true or false: fewer accepted spellings refuse old cells.
  for (const char* key : {"trueValues", "falseValues"}) {
    const json& a = json_member(before, key);
    const json& b = json_member(after, key);
    if (a.is_null() && b.is_null()) continue;
    json defaults = std::string(key) == "trueValues" ? json{"true", "True", "TRUE", "1"}
                                                     : json{"false", "False", "FALSE", "0"};
    compare_allowed(changes, subject, key, a.is_null() ? defaults : a, b.is_null() ? defaults : b);
  }
  const json& old_c = json_member(before, "constraints");
  const json& new_c = json_member(after, "constraints");
  compare_flag(changes, subject, "required", json_member(old_c, "required"),
               json_member(new_c, "required"));
  compare_flag(changes, subject, "unique", json_member(old_c, "unique"),
               json_member(new_c, "unique"));
  for (const char* key : {"minimum", "exclusiveMinimum", "minLength"}) {
    compare_bound(changes, subject, key, json_member(old_c, key), json_member(new_c, key), true);
  }
  for (const char* key : {"maximum", "exclusiveMaximum", "maxLength"}) {
    compare_bound(changes, subject, key, json_member(old_c, key), json_member(new_c, key), false);
  }
  compare_opaque(changes, subject, "pattern", json_member(old_c, "pattern"),
                 json_member(new_c, "pattern"));
  compare_opaque(changes, subject, "jsonSchema", json_member(old_c, "jsonSchema"),
                 json_member(new_c, "jsonSchema"));
  compare_allowed(changes, subject, "enum", json_member(old_c, "enum"), json_member(new_c, "enum"));
}

std::vector<json> fields_of(const json& schema, const char* which) {
  const json& fields = json_member(schema, "fields");
  if (!fields.is_array()) {
    throw SchemaError(std::string("the ") + which + " schema's 'fields' is not a list");
  }
  std::vector<json> out;
  std::set<std::string> names;
  for (const auto& field : fields) {
    if (!field.is_object() || !json_member(field, "name").is_string()) {
      throw SchemaError(std::string("the ") + which + " schema has a field without a name");
    }
    if (!names.insert(field["name"].get<std::string>()).second) {
      throw SchemaError(std::string("the ") + which + " schema names field '" +
                        field["name"].get<std::string>() + "' twice");
    }
    out.push_back(field);
  }
  return out;
}

json without_name(json field) {
  field.erase("name");
  return field;
}

json key_fields(const json& value) {
  if (value.is_string()) return json::array({value});
  return value;
}

void compare_keys(Changes& changes, const json& before, const json& after) {
  json old_pk = key_fields(json_member(before, "primaryKey"));
  json new_pk = key_fields(json_member(after, "primaryKey"));
  if (old_pk != new_pk) {
    if (old_pk.is_null()) {
      changes.tightened("primary key", new_pk.dump() + " added");
    } else if (new_pk.is_null()) {
      changes.loosened("primary key", old_pk.dump() + " removed");
    } else {
      changes.changed("primary key", old_pk.dump() + " -> " + new_pk.dump());
    }
  }
  // Foreign keys by their local fields: a key whose reference moved is changed, not replaced.
  auto by_fields = [](const json& schema) {
    std::map<std::string, json> keys;
    const json& list = json_member(schema, "foreignKeys");
    if (!list.is_array()) return keys;
    for (const auto& key : list) keys[key_fields(json_member(key, "fields")).dump()] = key;
    return keys;
  };
  std::map<std::string, json> old_fk = by_fields(before);
  std::map<std::string, json> new_fk = by_fields(after);
  for (const auto& [fields, key] : old_fk) {
    auto it = new_fk.find(fields);
    if (it == new_fk.end()) {
      changes.loosened("foreign key " + fields, "removed");
    } else if (it->second != key) {
      changes.changed("foreign key " + fields, "reference " + json_member(key, "reference").dump() +
                                                   " -> " +
                                                   json_member(it->second, "reference").dump());
    }
  }
  for (const auto& [fields, key] : new_fk) {
    if (!old_fk.count(fields)) {
      changes.tightened("foreign key " + fields,
                        "added, to " + json_member(key, "reference").dump());
    }
  }
}

}  // namespace

std::vector<SchemaChange> diff_table_schemas(const json& before, const json& after) {
  Changes changes;
  std::vector<json> old_fields = fields_of(before, "old");
  std::vector<json> new_fields = fields_of(after, "new");
  std::map<std::string, size_t> old_index;
  std::map<std::string, size_t> new_index;
  for (size_t i = 0; i < old_fields.size(); ++i) {
    old_index.emplace(old_fields[i]["name"].get<std::string>(), i);
  }
  for (size_t i = 0; i < new_fields.size(); ++i) {
    new_index.emplace(new_fields[i]["name"].get<std::string>(), i);
  }
  std::set<std::string> renamed_to;
  for (size_t i = 0; i < old_fields.size(); ++i) {
    const std::string name = old_fields[i]["name"].get<std::string>();
    std::string subject = "field '" + name + "'";
    auto it = new_index.find(name);
    if (it != new_index.end()) {
      compare_field(changes, subject, old_fields[i], new_fields[it->second]);
      continue;
    }
    // The same definition under another name at the same place: a rename, which every reader
    // that names the column notices.
    if (i < new_fields.size()) {
      const std::string other = new_fields[i]["name"].get<std::string>();
      if (!old_index.count(other) && without_name(old_fields[i]) == without_name(new_fields[i])) {
        renamed_to.insert(other);
        changes.changed(subject, "renamed to '" + other + "'");
        continue;
      }
    }
    bool was_required =
        json_member(json_member(old_fields[i], "constraints"), "required") == json(true);
    changes.add(subject, std::string("removed") + (was_required ? " (it was required)" : ""), false,
                true);
  }
  for (const auto& field : new_fields) {
    const std::string name = field["name"].get<std::string>();
    if (old_index.count(name) || renamed_to.count(name)) continue;
    bool required = json_member(json_member(field, "constraints"), "required") == json(true);
    changes.add("field '" + name + "'", required ? "added as required" : "added", required, false);
  }
  // Markers read as missing: dropping one turns old missing cells into values.
  const json& old_missing = json_member(before, "missingValues");
  const json& new_missing = json_member(after, "missingValues");
  if (old_missing != new_missing) {
    json defaults = json::array({""});
    const json& a = old_missing.is_null() ? defaults : old_missing;
    const json& b = new_missing.is_null() ? defaults : new_missing;
    compare_allowed(changes, "missingValues", "markers", a, b);
  }
  compare_keys(changes, before, after);
  return changes.take();
}

namespace {

// ---- JSON Schema ----

std::set<std::string> json_types(const json& schema) {
  const json& type = json_member(schema, "type");
  std::set<std::string> out;
  if (type.is_string()) out.insert(type.get<std::string>());
  if (type.is_array()) {
    for (const auto& t : type) {
      if (t.is_string()) out.insert(t.get<std::string>());
    }
  }
  return out;  // empty: any type
}

bool types_include(const std::set<std::string>& outer, const std::set<std::string>& inner) {
  if (outer.empty()) return true;
  if (inner.empty()) return false;
  for (const auto& t : inner) {
    if (outer.count(t)) continue;
    if (t == "integer" && outer.count("number")) continue;
    return false;
  }
  return true;
}

std::string type_text(const std::set<std::string>& types) {
  if (types.empty()) return "any";
  std::string out;
  for (const auto& t : types) out += (out.empty() ? "" : "|") + t;
  return out;
}

std::set<std::string> required_of(const json& schema) {
  std::set<std::string> out;
  const json& list = json_member(schema, "required");
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (item.is_string()) out.insert(item.get<std::string>());
  }
  return out;
}

bool closed(const json& schema) {
  return json_member(schema, "additionalProperties") == json(false);
}

std::string property_subject(const std::string& path) {
  return path.empty() ? std::string("records") : "property '" + path + "'";
}

void diff_json_node(Changes& changes, const std::string& path, const json& before,
                    const json& after, size_t depth) {
  // parse_bounded_json already limits nesting; this keeps the walk bounded for any caller.
  if (depth > kMaxSchemaDepth) throw SchemaError("the schema nests deeper than Gate reads");
  std::string subject = property_subject(path);
  std::set<std::string> old_types = json_types(before);
  std::set<std::string> new_types = json_types(after);
  if (old_types != new_types) {
    std::string what = "type " + type_text(old_types) + " -> " + type_text(new_types);
    bool wider = types_include(new_types, old_types);
    bool narrower = types_include(old_types, new_types);
    if (wider) {
      changes.add(subject, what + " (widened)", false, true);
    } else if (narrower) {
      changes.add(subject, what + " (narrowed)", true, false);
    } else {
      changes.changed(subject, what);
    }
  }
  json old_enum = json_member(before, "enum");
  json new_enum = json_member(after, "enum");
  if (old_enum.is_null() && !json_member(before, "const").is_null()) {
    old_enum = json::array({json_member(before, "const")});
  }
  if (new_enum.is_null() && !json_member(after, "const").is_null()) {
    new_enum = json::array({json_member(after, "const")});
  }
  compare_allowed(changes, subject, "enum", old_enum, new_enum);
  for (const char* key :
       {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}) {
    compare_bound(changes, subject, key, json_member(before, key), json_member(after, key), true);
  }
  for (const char* key :
       {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}) {
    compare_bound(changes, subject, key, json_member(before, key), json_member(after, key), false);
  }
  for (const char* key : {"pattern", "format", "multipleOf"}) {
    compare_opaque(changes, subject, key, json_member(before, key), json_member(after, key));
  }

  const json& old_props = json_member(before, "properties");
  const json& new_props = json_member(after, "properties");
  std::set<std::string> old_required = required_of(before);
  std::set<std::string> new_required = required_of(after);
  auto child = [&](const std::string& name) { return path.empty() ? name : path + "." + name; };
  if (old_props.is_object()) {
    for (const auto& [name, schema] : old_props.items()) {
      if (new_props.is_object() && new_props.contains(name)) {
        diff_json_node(changes, child(name), schema, new_props[name], depth + 1);
        bool was = old_required.count(name) > 0;
        bool is = new_required.count(name) > 0;
        if (was != is) {
          if (is) {
            changes.tightened(property_subject(child(name)), "now required");
          } else {
            changes.loosened(property_subject(child(name)), "no longer required");
          }
        }
        continue;
      }
      // Old records may carry it: a closed new schema refuses them.
      changes.add(property_subject(child(name)), "removed", closed(after), true);
    }
  }
  if (new_props.is_object()) {
    for (const auto& [name, schema] : new_props.items()) {
      if (old_props.is_object() && old_props.contains(name)) continue;
      bool required = new_required.count(name) > 0;
      changes.add(property_subject(child(name)), required ? "added as required" : "added", required,
                  closed(before));
    }
  }
  if (closed(before) != closed(after)) {
    if (closed(after)) {
      changes.tightened(subject, "additional properties no longer allowed");
    } else {
      changes.loosened(subject, "additional properties now allowed");
    }
  }
  const json& old_items = json_member(before, "items");
  const json& new_items = json_member(after, "items");
  if (old_items.is_object() || new_items.is_object()) {
    diff_json_node(changes, path + "[]", old_items.is_object() ? old_items : json::object(),
                   new_items.is_object() ? new_items : json::object(), depth + 1);
  }
}

}  // namespace

std::vector<SchemaChange> diff_json_schemas(const json& before, const json& after) {
  if (!before.is_object() || !after.is_object()) {
    throw SchemaError("a JSON Schema must be an object");
  }
  Changes changes;
  diff_json_node(changes, "", before, after, 0);
  return changes.take();
}

std::vector<SchemaChange> diff_schemas(const json& before, const json& after) {
  SchemaKind old_kind = schema_kind(before);
  SchemaKind new_kind = schema_kind(after);
  if (old_kind == SchemaKind::unknown || new_kind == SchemaKind::unknown) {
    throw SchemaError("not a Table Schema (no 'fields') nor a JSON Schema (no 'properties')");
  }
  if (old_kind != new_kind) {
    return {{"schema", "kind changed between Table Schema and JSON Schema", true, true}};
  }
  return old_kind == SchemaKind::table_schema ? diff_table_schemas(before, after)
                                              : diff_json_schemas(before, after);
}

}  // namespace gate::data
