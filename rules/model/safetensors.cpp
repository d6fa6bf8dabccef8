#include "rules/model/safetensors.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "rules/model/byte_reader.hpp"
#include "rules/model/json_depth.hpp"

namespace gate::rules::model {

namespace {

struct Span {
  uint64_t begin = 0;
  uint64_t end = 0;
  std::string name;
};

bool checked_multiply(uint64_t a, uint64_t b, uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

ScanIssue bad(std::string message, std::string basis) {
  return ScanIssue{true, "safetensors: " + std::move(message), "safetensors:" + std::move(basis)};
}

}  // namespace

uint64_t safetensors_dtype_size(const std::string& dtype) {
  static const std::map<std::string, uint64_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"F8_E8M0", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},     {"U32", 4},
      {"F32", 4},  {"F64", 8}, {"I64", 8}, {"U64", 8},     {"C64", 8}};
  auto found = sizes.find(dtype);
  return found == sizes.end() ? 0 : found->second;
}

ScanIssues validate_safetensors(ByteStream& stream, uint64_t file_size,
                                const SafetensorsLimits& limits) {
  ScanIssues issues;
  ByteReader in(stream);
  unsigned char raw[8];
  if (file_size < 8 || !in.read_exact(reinterpret_cast<char*>(raw), 8)) {
    issues.push_back(bad("file is shorter than the 8-byte header length", "truncated"));
    return issues;
  }
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | raw[i];
  if (header_size > limits.max_header) {
    issues.push_back(bad("header length " + std::to_string(header_size) + " exceeds the limit of " +
                             std::to_string(limits.max_header) + " bytes",
                         "header-too-large"));
    return issues;
  }
  if (header_size > file_size - 8) {
    issues.push_back(bad("header length " + std::to_string(header_size) +
                             " runs past the end of the " + std::to_string(file_size) +
                             "-byte file",
                         "header-past-end"));
    return issues;
  }
  std::string header(header_size, '\0');
  if (!in.read_exact(header.data(), header.size())) {
    issues.push_back(bad("file ends inside the header", "truncated"));
    return issues;
  }
  if (header.empty() || header.front() != '{') {
    issues.push_back(bad("header is not a JSON object", "not-object"));
    return issues;
  }
  if (json_nesting_depth(header) > limits.max_depth) {
    issues.push_back(
        bad("header JSON nests deeper than " + std::to_string(limits.max_depth), "too-deep"));
    return issues;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(header);  // rejects invalid UTF-8
  } catch (const nlohmann::json::exception& error) {
    issues.push_back(bad(std::string("header is not valid UTF-8 JSON: ") + error.what(), "json"));
    return issues;
  }
  if (!doc.is_object()) {
    issues.push_back(bad("header is not a JSON object", "not-object"));
    return issues;
  }
  std::vector<Span> spans;
  for (auto item = doc.begin(); item != doc.end(); ++item) {
    const std::string& name = item.key();
    const nlohmann::json& entry = item.value();
    if (name == "__metadata__") {
      bool strings = entry.is_object() && std::all_of(entry.begin(), entry.end(),
                                                      [](const auto& v) { return v.is_string(); });
      if (!strings) issues.push_back(bad("__metadata__ must map strings to strings", "metadata"));
      continue;
    }
    auto fail = [&](const std::string& what) {
      issues.push_back(bad("tensor '" + name + "': " + what, "tensor:" + name + ":" + what));
    };
    if (!entry.is_object()) {
      fail("entry is not an object");
      continue;
    }
    auto dtype = entry.find("dtype");
    auto shape = entry.find("shape");
    auto offsets = entry.find("data_offsets");
    if (dtype == entry.end() || !dtype->is_string() || shape == entry.end() || !shape->is_array() ||
        offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned() ||
        entry.size() != 3) {
      fail("needs exactly dtype (string), shape (list) and data_offsets ([begin, end])");
      continue;
    }
    uint64_t element = safetensors_dtype_size(dtype->get<std::string>());
    if (element == 0) {
      fail("unknown dtype '" + dtype->get<std::string>() + "'");
      continue;
    }
    uint64_t bytes = element;
    bool ok = true;
    for (const auto& dim : *shape) {
      if (!dim.is_number_unsigned() || !checked_multiply(bytes, dim.get<uint64_t>(), bytes)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      fail("shape must be non-negative integers whose product fits in 64 bits");
      continue;
    }
    Span span{(*offsets)[0].get<uint64_t>(), (*offsets)[1].get<uint64_t>(), name};
    if (span.end < span.begin) {
      fail("data_offsets end before they begin");
      continue;
    }
    if (span.end - span.begin != bytes) {
      fail("shape x dtype is " + std::to_string(bytes) + " bytes but data_offsets span " +
           std::to_string(span.end - span.begin));
      continue;
    }
    spans.push_back(std::move(span));
  }
  if (!issues.empty()) return issues;
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected = 0;
  for (const auto& span : spans) {
    if (span.begin != expected) {
      issues.push_back(
          bad("tensor '" + span.name + "' starts at " + std::to_string(span.begin) +
                  (span.begin < expected ? ", overlapping the previous tensor"
                                         : ", leaving a gap after the previous tensor") +
                  " (expected " + std::to_string(expected) + ")",
              "layout:" + span.name));
      return issues;
    }
    expected = span.end;
  }
  uint64_t data_size = file_size - 8 - header_size;
  if (expected != data_size) {
    issues.push_back(bad("tensors end at byte " + std::to_string(expected) +
                             " of the data but the " + "data section is " +
                             std::to_string(data_size) + " bytes",
                         "data-size"));
  }
  return issues;
}

}  // namespace gate::rules::model
