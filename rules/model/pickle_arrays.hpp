#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/model/pickle_machine.hpp"
#include "rules/model/pickle_scanner.hpp"

// What the pickle walk follows of the values joblib's inline arrays are described by: short
// tuples, dicts with string keys and NumPy dtypes. joblib's unpickler reads an array's bytes
// right after the BUILD of its NumpyArrayWrapper, so the walk must know how many there are.
namespace gate::rules::model::pickle {

// The bytes that follow a NumpyArrayWrapper's BUILD.
struct InlineArray {
  bool object = false;  // an object array: a nested pickle, not raw bytes
  bool padded = false;  // a padding length byte and padding come first (joblib 1.2 and later)
  uint64_t bytes = 0;   // the data, shape x itemsize
};

class ArrayDescriptions {
 public:
  // `strings` and `globals` are the walk's: Values of those kinds index them.
  ArrayDescriptions(const std::vector<std::string>& strings,
                    const std::vector<PickleGlobal>& globals)
      : strings_(strings), globals_(globals) {}

  // A tuple of `count` items is followed when short and while there is room.
  bool follows_tuple(uint64_t count) const;
  Value add_tuple(std::vector<Value> items);
  // An empty dict, or an untracked value when there is no room.
  Value add_dict();
  // SETITEMS with more than this many marked values is not followed.
  static constexpr uint64_t kMaxMarkedItems = 32;
  void set_item(const Value& dict, const Value& key, const Value& value);
  // What REDUCE leaves: a dtype for numpy.dtype("f8", ...), an instance for a class rebuilt by
  // copyreg._reconstructor or called directly, anything else otherwise.
  Value reduced(const Value& callable, const Value& args);
  // BUILD of `state` onto `object`: the array bytes that follow when `object` is a joblib
  // wrapper. Throws LimitReached when they cannot be known from the bytes, Malformed when the
  // array cannot exist.
  std::optional<InlineArray> build(const Value& object, const Value& state);

 private:
  struct DType {
    std::string descr;    // the first argument of numpy.dtype(...), such as "f8" or "O8"
    uint64_t elsize = 0;  // from the BUILD state when it names one
  };
  const Value* dict_item(const Value& dict, const std::string& key) const;
  bool is_global(const Value& value, std::string_view full_name) const;
  InlineArray joblib_array(const Value& state) const;

  const std::vector<std::string>& strings_;
  const std::vector<PickleGlobal>& globals_;
  std::vector<std::vector<Value>> tuples_;
  std::vector<std::map<std::string, Value>> dicts_;
  std::vector<DType> dtypes_;
};

}  // namespace gate::rules::model::pickle
