#include "rules/data/table_schema.hpp"

#include <map>
#include <set>

#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include "rules/data/field_check.hpp"
#include "rules/data/jsonl_reader.hpp"

namespace gate::data {

namespace {

using nlohmann::json;

std::string where(const Field& field) { return "field '" + field.name + "'"; }

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

double number_of(const Field& field, const json& value, const char* key) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    ParsedCell cell;
    if (parse_cell(field, value.get<std::string>(), cell) && cell.has_number) return cell.number;
  }
  throw SchemaError(where(field) + ": constraint '" + key + "' is not a number for type " +
                    field.type_name);
}

size_t length_of(const Field& field, const json& value, const char* key) {
  if (!value.is_number_unsigned()) {
    throw SchemaError(where(field) + ": constraint '" + key + "' must be a non-negative integer");
  }
  return value.get<size_t>();
}

bool is_numeric(FieldType type) {
  return type == FieldType::integer || type == FieldType::number || type == FieldType::year;
}

void read_type(const json& item, Field& field) {
  if (!item.contains("type")) return;
  if (!item["type"].is_string()) throw SchemaError(where(field) + ": 'type' must be a string");
  field.type_name = item["type"].get<std::string>();
  static const std::map<std::string, FieldType> types = {
      {"string", FieldType::string},     {"integer", FieldType::integer},
      {"number", FieldType::number},     {"boolean", FieldType::boolean},
      {"date", FieldType::date},         {"datetime", FieldType::datetime},
      {"year", FieldType::year},         {"any", FieldType::any},
      {"time", FieldType::time},         {"yearmonth", FieldType::yearmonth},
      {"duration", FieldType::duration}, {"geopoint", FieldType::geopoint},
      {"geojson", FieldType::geojson},   {"object", FieldType::object},
      {"array", FieldType::array},       {"list", FieldType::list},
  };
  auto it = types.find(field.type_name);
  if (it == types.end())
    throw SchemaError(where(field) + ": unknown type '" + field.type_name + "'");
  field.type = it->second;
}

bool is_temporal(FieldType type) {
  return type == FieldType::date || type == FieldType::datetime || type == FieldType::time;
}

void read_format(const json& item, Field& field) {
  if (!item.contains("format")) return;
  if (!item["format"].is_string()) throw SchemaError(where(field) + ": 'format' must be a string");
  field.format = item["format"].get<std::string>();
  if (field.format == "default") return;
  bool ok = false;
  switch (field.type) {
    case FieldType::string:
      ok = field.format == "email" || field.format == "uri" || field.format == "uuid" ||
           field.format == "binary" || field.format == "wkt";
      break;
    case FieldType::geopoint:
      ok = field.format == "array" || field.format == "object";
      break;
    case FieldType::geojson:
      ok = field.format == "topojson";
      break;
    default:
      // Dates and times take "any" or any strptime pattern: one that matches nothing (no
      // directive, text the values do not hold) makes every value invalid, as in frictionless.
      ok = is_temporal(field.type) || field.type == FieldType::any;
  }
  if (!ok) {
    throw SchemaError(where(field) + ": format '" + field.format + "' of type " + field.type_name +
                      " is not supported by Gate");
  }
}

void read_number_options(const json& item, Field& field) {
  auto text = [&](const char* key, std::string& out) {
    if (!item.contains(key)) return;
    if (!item[key].is_string())
      throw SchemaError(where(field) + ": '" + key + "' must be a string");
    out = item[key].get<std::string>();
    field.number_options = true;
  };
  text("groupChar", field.group_char);
  text("decimalChar", field.decimal_char);
  if (item.contains("bareNumber")) {
    if (!item["bareNumber"].is_boolean()) {
      throw SchemaError(where(field) + ": 'bareNumber' must be a boolean");
    }
    field.bare_number = item["bareNumber"].get<bool>();
    field.number_options = true;
  }
  if (field.decimal_char.empty()) throw SchemaError(where(field) + ": 'decimalChar' is empty");
}

void read_value_list(const json& item, const char* key, std::vector<std::string>& out,
                     const Field& field) {
  if (!item.contains(key)) return;
  const json& list = item[key];
  if (!list.is_array()) throw SchemaError(where(field) + ": '" + key + "' must be an array");
  out.clear();
  bool labelled = std::string_view(key) == "missingValues";  // v2: {"value": .., "label": ..}
  for (const json& v : list) {
    if (labelled && v.is_object() && v.contains("value") && v["value"].is_string()) {
      out.push_back(v["value"].get<std::string>());
      continue;
    }
    if (!v.is_string()) throw SchemaError(where(field) + ": '" + key + "' must hold strings");
    out.push_back(v.get<std::string>());
  }
}

// Constraint keywords written beside the field instead of inside `constraints`: frictionless
// rejects the schema, and Gate would otherwise check nothing the author meant.
void reject_misplaced_constraints(const json& item, const Field& field) {
  for (const char* key :
       {"required", "unique", "minimum", "maximum", "minLength", "maxLength", "pattern", "enum"}) {
    if (item.contains(key)) {
      throw SchemaError(where(field) + ": '" + key +
                        "' belongs inside 'constraints' (\"constraints\": {\"" + key + "\": ...})");
    }
  }
}

// v2 categories: the allowed values (strings, or {"value": .., "label": ..}), checked as an enum.
void read_categories(const json& item, Field& field) {
  if (!item.contains("categories")) return;
  const json& list = item["categories"];
  if (!list.is_array() || list.empty()) {
    throw SchemaError(where(field) + ": 'categories' must be a non-empty array");
  }
  field.has_enum = true;
  for (const json& v : list) {
    const json& value = v.is_object() && v.contains("value") ? v["value"] : v;
    field.enum_text.push_back(text_of(value));
    if (is_numeric(field.type)) field.enum_numbers.push_back(number_of(field, value, "categories"));
  }
}

// v2 list: items separated by `delimiter` (","), each of `itemType` (string).
void read_list_item(const json& item, Field& field) {
  if (field.type != FieldType::list) return;
  Field element;
  element.name = field.name;
  if (item.contains("itemType")) {
    json type = {{"type", item["itemType"]}};
    read_type(type, element);
    if (element.type == FieldType::list) {
      throw SchemaError(where(field) + ": 'itemType' cannot be list");
    }
  }
  if (item.contains("delimiter")) {
    if (!item["delimiter"].is_string() || item["delimiter"].get<std::string>().empty()) {
      throw SchemaError(where(field) + ": 'delimiter' must be a non-empty string");
    }
    field.list_delimiter = item["delimiter"].get<std::string>();
  }
  field.item = std::make_shared<Field>(std::move(element));
}

void read_constraints(const json& item, Field& field) {
  if (!item.contains("constraints")) return;
  const json& c = item["constraints"];
  if (!c.is_object()) throw SchemaError(where(field) + ": 'constraints' must be an object");
  for (auto& [key, value] : c.items()) {
    if (key == "required" || key == "unique") {
      if (!value.is_boolean())
        throw SchemaError(where(field) + ": '" + key + "' must be a boolean");
      (key == "required" ? field.required : field.unique) = value.get<bool>();
    } else if (key == "minimum" || key == "maximum") {
      bool min = key == "minimum";
      if (is_numeric(field.type)) {
        (min ? field.minimum : field.maximum) = number_of(field, value, key.c_str());
      } else if (is_temporal(field.type) || field.type == FieldType::yearmonth) {
        ParsedCell cell;
        if (!value.is_string() || !parse_cell(field, value.get<std::string>(), cell)) {
          throw SchemaError(where(field) + ": '" + key + "' is not a valid " + field.type_name);
        }
        (min ? field.minimum_text : field.maximum_text) = value.get<std::string>();
      } else {
        throw SchemaError(where(field) + ": '" + key + "' does not apply to type " +
                          field.type_name);
      }
    } else if (key == "exclusiveMinimum" || key == "exclusiveMaximum") {
      if (!is_numeric(field.type)) {
        throw SchemaError(where(field) + ": '" + key + "' does not apply to type " +
                          field.type_name);
      }
      (key == "exclusiveMinimum" ? field.exclusive_minimum : field.exclusive_maximum) =
          number_of(field, value, key.c_str());
    } else if (key == "minLength") {
      field.min_length = length_of(field, value, "minLength");
    } else if (key == "maxLength") {
      field.max_length = length_of(field, value, "maxLength");
    } else if (key == "pattern") {
      if (!value.is_string()) throw SchemaError(where(field) + ": 'pattern' must be a string");
      field.pattern_text = value.get<std::string>();
      RE2::Options options;
      options.set_log_errors(false);
      options.set_max_mem(8 << 20);
      auto re = std::make_shared<RE2>(field.pattern_text, options);
      if (!re->ok()) {
        throw SchemaError(where(field) + ": pattern '" + field.pattern_text +
                          "' is not a valid RE2 expression: " + re->error());
      }
      field.pattern = std::move(re);
    } else if (key == "enum") {
      if (!value.is_array() || value.empty()) {
        throw SchemaError(where(field) + ": 'enum' must be a non-empty array");
      }
      field.has_enum = true;
      for (const json& v : value) {
        field.enum_text.push_back(text_of(v));
        if (is_numeric(field.type)) field.enum_numbers.push_back(number_of(field, v, "enum"));
      }
    } else {
      throw SchemaError(where(field) + ": unknown constraint '" + key + "'");
    }
  }
}

TableSchema read_schema(const json& schema);

}  // namespace

std::string_view to_string(FieldType type) {
  switch (type) {
    case FieldType::string:
      return "string";
    case FieldType::integer:
      return "integer";
    case FieldType::number:
      return "number";
    case FieldType::boolean:
      return "boolean";
    case FieldType::date:
      return "date";
    case FieldType::datetime:
      return "datetime";
    case FieldType::year:
      return "year";
    case FieldType::any:
      return "any";
    case FieldType::time:
      return "time";
    case FieldType::yearmonth:
      return "yearmonth";
    case FieldType::duration:
      return "duration";
    case FieldType::geopoint:
      return "geopoint";
    case FieldType::geojson:
      return "geojson";
    case FieldType::object:
      return "object";
    case FieldType::array:
      return "array";
    case FieldType::list:
      return "list";
  }
  return "any";
}

TableSchema parse_table_schema(const json& schema) {
  try {
    return read_schema(schema);
  } catch (const json::exception& e) {  // a value of an unexpected type slipped through
    throw SchemaError(std::string("unusable schema: ") + e.what());
  }
}

namespace {

// A field list as Table Schema writes it: one name, or an array of names.
std::vector<std::string> names_of(const json& value, const std::string& what) {
  std::vector<std::string> names;
  if (value.is_string()) {
    names.push_back(value.get<std::string>());
  } else if (value.is_array() && !value.empty()) {
    for (const json& name : value) {
      if (!name.is_string()) throw SchemaError(what + " must name fields");
      names.push_back(name.get<std::string>());
    }
  } else {
    throw SchemaError(what + " must be a field name or a list of names");
  }
  return names;
}

size_t field_index(const TableSchema& schema, const std::string& name, const std::string& what) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].name == name) return i;
  }
  throw SchemaError(what + " names '" + name + "', which is not a field");
}

void read_foreign_keys(const json& keys, TableSchema& schema) {
  if (!keys.is_array()) throw SchemaError("'foreignKeys' must be an array");
  for (const json& key : keys) {
    std::string what = "foreign key " + std::to_string(schema.foreign_keys.size() + 1);
    if (!key.is_object() || !key.contains("fields")) {
      throw SchemaError(what + " needs 'fields' and 'reference'");
    }
    if (!key.contains("reference") || !key["reference"].is_object()) {
      throw SchemaError(what + ": 'reference' must be an object with 'resource' and 'fields'");
    }
    const json& reference = key["reference"];
    if (!reference.contains("fields")) throw SchemaError(what + ": 'reference' needs 'fields'");
    if (reference.contains("resource") && !reference["resource"].is_string()) {
      throw SchemaError(what + ": reference 'resource' must be a string");
    }
    if (key["fields"].is_string() != reference["fields"].is_string()) {
      throw SchemaError(what +
                        ": 'fields' and reference 'fields' must both be a name or both a list");
    }
    ForeignKey fk;
    for (const auto& name : names_of(key["fields"], what + " 'fields'")) {
      fk.fields.push_back(field_index(schema, name, what));
    }
    fk.reference_fields = names_of(reference["fields"], what + " reference 'fields'");
    if (fk.reference_fields.size() != fk.fields.size()) {
      throw SchemaError(what + " has " + std::to_string(fk.fields.size()) +
                        " fields but its reference " + std::to_string(fk.reference_fields.size()));
    }
    fk.resource = reference.value("resource", "");
    fk.external = reference.contains("datapackage");
    if (!reference.contains("resource") && !fk.external) {
      throw SchemaError(what + ": reference needs 'resource' (\"\" for the table itself)");
    }
    schema.foreign_keys.push_back(std::move(fk));
  }
}

TableSchema read_schema(const json& schema) {
  if (!schema.is_object()) throw SchemaError("a Table Schema must be a JSON object");
  if (!schema.contains("fields") || !schema["fields"].is_array()) {
    throw SchemaError("a Table Schema needs a 'fields' array");
  }
  TableSchema result;
  const json& fields = schema["fields"];
  if (fields.size() > kMaxSchemaFields) {
    throw SchemaError("more than " + std::to_string(kMaxSchemaFields) + " fields");
  }
  std::set<std::string> names;
  for (const json& item : fields) {
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
      throw SchemaError("field " + std::to_string(result.fields.size() + 1) +
                        " needs a string 'name'");
    }
    Field field;
    field.name = item["name"].get<std::string>();
    if (!names.insert(field.name).second) throw SchemaError(where(field) + " is declared twice");
    read_type(item, field);
    read_format(item, field);
    read_number_options(item, field);
    read_value_list(item, "trueValues", field.true_values, field);
    read_value_list(item, "falseValues", field.false_values, field);
    reject_misplaced_constraints(item, field);
    if (item.contains("missingValues")) {
      field.missing_values.emplace();
      read_value_list(item, "missingValues", *field.missing_values, field);
    }
    read_categories(item, field);
    read_list_item(item, field);
    read_constraints(item, field);
    result.fields.push_back(std::move(field));
  }
  if (schema.contains("missingValues")) {
    read_value_list(schema, "missingValues", result.missing_values, Field{"(schema)"});
  }
  if (schema.contains("foreignKeys")) read_foreign_keys(schema["foreignKeys"], result);
  if (schema.contains("uniqueKeys")) {
    if (!schema["uniqueKeys"].is_array()) throw SchemaError("'uniqueKeys' must be an array");
    for (const json& key : schema["uniqueKeys"]) {
      std::vector<size_t> indexes;
      for (const auto& name : names_of(key, "'uniqueKeys' entry")) {
        indexes.push_back(field_index(result, name, "'uniqueKeys'"));
      }
      result.unique_keys.push_back(std::move(indexes));
    }
  }
  if (schema.contains("fieldsMatch")) {
    static const std::map<std::string, FieldsMatch> modes = {{"exact", FieldsMatch::exact},
                                                             {"equal", FieldsMatch::equal},
                                                             {"subset", FieldsMatch::subset},
                                                             {"superset", FieldsMatch::superset},
                                                             {"partial", FieldsMatch::partial}};
    const json& mode = schema["fieldsMatch"];
    auto it = mode.is_string() ? modes.find(mode.get<std::string>()) : modes.end();
    if (it == modes.end()) {
      throw SchemaError("'fieldsMatch' must be exact, equal, subset, superset or partial");
    }
    result.fields_match = it->second;
  }
  if (schema.contains("primaryKey")) {
    const json& key = schema["primaryKey"];
    std::vector<std::string> names_of_key;
    if (key.is_string()) {
      names_of_key.push_back(key.get<std::string>());
    } else if (key.is_array()) {
      for (const json& k : key) {
        if (!k.is_string()) throw SchemaError("'primaryKey' must name fields");
        names_of_key.push_back(k.get<std::string>());
      }
    } else {
      throw SchemaError("'primaryKey' must be a field name or a list of names");
    }
    for (const std::string& name : names_of_key) {
      size_t i = 0;
      while (i < result.fields.size() && result.fields[i].name != name) ++i;
      if (i == result.fields.size()) {
        throw SchemaError("'primaryKey' names '" + name + "', which is not a field");
      }
      result.primary_key.push_back(i);
    }
  }
  return result;
}
}  // namespace

json parse_bounded_json(std::string_view text, size_t max_depth) {
  if (text.size() > kMaxSchemaBytes) {
    throw SchemaError("larger than " + std::to_string(kMaxSchemaBytes) + " bytes");
  }
  if (json_depth(text, max_depth) > max_depth) {
    throw SchemaError("nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw SchemaError(std::string("invalid JSON: ") + e.what());
  }
}

TableSchema parse_table_schema_text(std::string_view text) {
  return parse_table_schema(parse_bounded_json(text));
}

}  // namespace gate::data
