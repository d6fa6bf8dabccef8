#include "rules/model/pickle_arrays.hpp"

#include <cstdint>

namespace gate::rules::model::pickle {

namespace {

constexpr size_t kMaxTracked = 1u << 16;  // tuples, dicts and dtypes followed at most
constexpr size_t kMaxTupleItems = 8;
constexpr size_t kMaxDictItems = 16;

// Bytes per element of a fixed-size NumPy type code ("f8", "<i4", "|b1"); 0 when unknown.
uint64_t descr_itemsize(std::string_view descr) {
  if (!descr.empty() &&
      (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=')) {
    descr.remove_prefix(1);
  }
  if (descr.size() < 2 || std::string_view("biufcmM?").find(descr[0]) == std::string_view::npos) {
    return 0;
  }
  uint64_t size = 0;
  for (char c : descr.substr(1)) {
    if (c < '0' || c > '9' || size > 64) return 0;
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  return size;
}

}  // namespace

bool ArrayDescriptions::follows_tuple(uint64_t count) const {
  return count <= kMaxTupleItems && tuples_.size() < kMaxTracked;
}

Value ArrayDescriptions::add_tuple(std::vector<Value> items) {
  tuples_.push_back(std::move(items));
  return {Kind::tuple, static_cast<uint32_t>(tuples_.size() - 1)};
}

Value ArrayDescriptions::add_dict() {
  if (dicts_.size() >= kMaxTracked) return {Kind::other, 0};
  dicts_.emplace_back();
  return {Kind::dict, static_cast<uint32_t>(dicts_.size() - 1)};
}

void ArrayDescriptions::set_item(const Value& dict, const Value& key, const Value& value) {
  if (dict.kind != Kind::dict || key.kind != Kind::string) return;
  auto& items = dicts_[dict.ref];
  if (items.size() < kMaxDictItems || items.count(strings_[key.ref])) {
    items[strings_[key.ref]] = value;
  }
}

const Value* ArrayDescriptions::dict_item(const Value& dict, const std::string& key) const {
  if (dict.kind != Kind::dict) return nullptr;
  auto found = dicts_[dict.ref].find(key);
  return found == dicts_[dict.ref].end() ? nullptr : &found->second;
}

bool ArrayDescriptions::is_global(const Value& value, std::string_view full_name) const {
  return value.kind == Kind::global && globals_[value.ref].full_name() == full_name;
}

Value ArrayDescriptions::reduced(const Value& callable, const Value& args) {
  const std::vector<Value>* items = args.kind == Kind::tuple ? &tuples_[args.ref] : nullptr;
  if (is_global(callable, "numpy.dtype") && items && !items->empty() &&
      (*items)[0].kind == Kind::string && dtypes_.size() < kMaxTracked) {
    dtypes_.push_back({strings_[(*items)[0].ref], 0});
    return {Kind::dtype, static_cast<uint32_t>(dtypes_.size() - 1)};
  }
  if (is_global(callable, "copyreg._reconstructor") && items && !items->empty() &&
      (*items)[0].kind == Kind::global) {
    return {Kind::instance, (*items)[0].ref};
  }
  if (callable.kind == Kind::global) return {Kind::instance, callable.ref};
  return {Kind::other, 0};
}

std::optional<InlineArray> ArrayDescriptions::build(const Value& object, const Value& state) {
  if (object.kind == Kind::dtype && state.kind == Kind::tuple) {
    const auto& items = tuples_[state.ref];
    if (items.size() > 5 && items[5].kind == Kind::integer)
      dtypes_[object.ref].elsize = items[5].ref;
    return std::nullopt;
  }
  if (object.kind == Kind::instance &&
      globals_[object.ref].full_name() == "joblib.numpy_pickle.NumpyArrayWrapper") {
    return joblib_array(state);
  }
  return std::nullopt;
}

InlineArray ArrayDescriptions::joblib_array(const Value& state) const {
  const Value* shape = dict_item(state, "shape");
  const Value* dtype = dict_item(state, "dtype");
  if (!shape || shape->kind != Kind::tuple || !dtype || dtype->kind != Kind::dtype) {
    throw LimitReached("joblib array whose shape or dtype cannot be read from the bytes");
  }
  const DType& type = dtypes_[dtype->ref];
  InlineArray array;
  if (!type.descr.empty() && type.descr[0] == 'O') {
    array.object = true;
    return array;
  }
  uint64_t count = 1;
  for (const Value& dim : tuples_[shape->ref]) {
    if (dim.kind != Kind::integer) throw LimitReached("joblib array with a shape of non-integers");
    if (dim.ref != 0 && count > UINT64_MAX / dim.ref) throw Malformed("joblib array too large");
    count *= dim.ref;
  }
  uint64_t itemsize = type.elsize ? type.elsize : descr_itemsize(type.descr);
  if (itemsize == 0) throw LimitReached("joblib array of dtype '" + type.descr + "'");
  if (count > UINT64_MAX / itemsize) throw Malformed("joblib array too large");
  const Value* alignment = dict_item(state, "numpy_array_alignment_bytes");
  array.padded = alignment && alignment->kind == Kind::integer;
  array.bytes = count * itemsize;
  return array;
}

}  // namespace gate::rules::model::pickle
