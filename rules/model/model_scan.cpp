#include "rules/model/model_scan.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/types/errors.hpp"
#include "rules/model/npy_header.hpp"
#include "rules/model/one_pass_access.hpp"
#include "rules/model/tar_walker.hpp"
#include "rules/model/zip_archive.hpp"

namespace gate::rules::model {

namespace {

constexpr size_t kSniffBytes = 4096;

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

PickleScan walk_pickle(ByteStream& stream, bool sequence, const ScanOptions& options) {
  ByteReader reader(stream);
  PickleLimits limits = options.pickle;
  limits.sequence = sequence;
  return scan_pickle(reader, limits);
}

void scan_pickle_stream(ByteStream& stream, const std::string& where, bool sequence,
                        const ScanOptions& options, ScanIssues& issues) {
  judge_pickle(walk_pickle(stream, sequence, options), where, options, issues);
}

// `read_size`: how much is asked of `stream` at once; an npz member's start is kept in memory by
// the one forward pass, so its header is read in small steps.
void scan_npy_stream(ByteStream& stream, uint64_t size, const std::string& where,
                     const ScanOptions& options, ScanIssues& issues, size_t read_size = 64 * 1024) {
  ByteReader reader(stream, read_size);
  NpyScan npy = scan_npy(reader, size, options.pickle);
  for (auto& issue : npy.issues) {
    issue.message = where + ": " + issue.message;
    issues.push_back(std::move(issue));
  }
  if (npy.pickle) judge_pickle(*npy.pickle, where + " object array", options, issues);
}

// What a zip holds decides how it is judged: torch reads its *.pkl records, NumPy every member
// that opens with the .npy magic whatever its name. Returns the format the members show.
ModelFormat scan_zip(ModelFormat format, const std::string& path, RandomAccess& access,
                     const ScanOptions& options, ScanIssues& issues) {
  std::string error;
  auto archive = ZipArchive::open(access, error);
  if (!archive) {
    issues.push_back({true, "not a readable zip archive: " + error, "zip:unreadable"});
    return format;
  }
  if (archive->members().size() > options.max_members) {
    issues.push_back({true,
                      "zip archive has " + std::to_string(archive->members().size()) +
                          " members, over the limit of " + std::to_string(options.max_members),
                      "zip:members"});
    return format;
  }
  size_t pickles = 0;
  size_t arrays = 0;
  for (const auto& member : archive->members()) {
    if (zip_name_escapes(member.name)) {
      issues.push_back({true, "zip member name '" + member.name + "' escapes the archive folder",
                        "zip:traversal:" + member.name});
    }
    if (ends_with(member.name, "/")) continue;
    bool pickle = ends_with(member.name, ".pkl");
    if (pickle) ++pickles;
    std::string where = "member '" + member.name + "'";
    if (member.encrypted) {
      issues.push_back(
          {true, where + " is encrypted and cannot be judged", "zip:encrypted:" + member.name});
      continue;
    }
    if (member.size > options.max_member_size) {
      issues.push_back({true,
                        where + " declares " + std::to_string(member.size) +
                            " bytes uncompressed, over the limit of " +
                            std::to_string(options.max_member_size) + " (zip bomb guard)",
                        "zip:oversized:" + member.name});
      continue;
    }
    if (!pickle && format != ModelFormat::numpy_archive && !ends_with(member.name, ".npy")) {
      continue;  // torch's tensor records: raw bytes no loader interprets
    }
    try {
      auto stream = archive->open_member(member, options.max_member_size);
      if (pickle) {
        scan_pickle_stream(*stream, where, false, options, issues);
        continue;
      }
      std::string magic = read_up_to(*stream, 6);
      if (magic != "\x93NUMPY") continue;  // np.load hands such members out as raw bytes
      ++arrays;
      auto whole = stream_with_prefix(std::move(magic), std::move(stream));
      scan_npy_stream(*whole, member.size, where, options, issues, 4096);
    } catch (const ZipDataError& bad) {
      issues.push_back({true, bad.what(), "zip:corrupt:" + member.name});
    }
  }
  if (format == ModelFormat::numpy_archive || (pickles == 0 && arrays > 0)) {
    return ModelFormat::numpy_archive;
  }
  if (pickles == 0) {
    std::string ext = base_name(path);
    bool torch_name = ends_with(ext, ".pt") || ends_with(ext, ".pth") || ends_with(ext, ".ckpt") ||
                      ends_with(ext, ".bin") || ends_with(ext, ".mar");
    if (!torch_name) return ModelFormat::other;  // a zip of something else
    issues.push_back({false,
                      "zip archive holds no *.pkl member: not a PyTorch checkpoint Gate can judge",
                      "zip:no-pickle"});
  }
  return format;
}

// Bytes per element of a legacy storage class (torch.FloatStorage ...); 0 when unknown.
uint64_t storage_element_size(const PickleScan& args) {
  static const std::vector<std::pair<std::string_view, uint64_t>> sizes = {
      {"DoubleStorage", 8},   {"FloatStorage", 4},        {"HalfStorage", 2},
      {"BFloat16Storage", 2}, {"LongStorage", 8},         {"IntStorage", 4},
      {"ShortStorage", 2},    {"CharStorage", 1},         {"ByteStorage", 1},
      {"BoolStorage", 1},     {"ComplexFloatStorage", 8}, {"ComplexDoubleStorage", 16},
      {"QInt8Storage", 1},    {"QUInt8Storage", 1},       {"QInt32Storage", 4}};
  for (const auto& global : args.globals) {
    if (global.module != "torch") continue;
    for (const auto& [name, size] : sizes) {
      if (global.name == name) return size;
    }
  }
  return 0;
}

uint64_t read_u64le(ByteReader& reader) {
  unsigned char raw[8];
  if (!reader.read_exact(reinterpret_cast<char*>(raw), 8)) throw std::runtime_error("truncated");
  uint64_t value = 0;
  for (int i = 8; i-- > 0;) value = (value << 8) | raw[i];
  return value;
}

// The `storages` and `tensors` members as torch's legacy loader reads them: a count, then per
// record a pickle followed by raw data whose length the record gives (a storage's element count
// times its element size; a tensor's ndim, sizes, strides and offset), then (storages) the
// storage views pickle. Every pickle is judged; a layout that cannot be followed blocks.
void scan_interleaved_member(ByteStream& content, const std::string& base, const std::string& where,
                             const ScanOptions& options, ScanIssues& issues) {
  ByteReader reader(content);
  PickleLimits limits = options.pickle;
  limits.sequence = false;
  auto pickle = [&] {
    PickleScan scan = scan_pickle(reader, limits);
    judge_pickle(scan, where, options, issues);
    return scan;
  };
  auto fail = [&](const std::string& why) {
    issues.push_back(
        {true,
         where + " cannot be followed at offset " + std::to_string(reader.offset()) + ": " + why,
         "tar:layout:" + base});
  };
  PickleScan count = pickle();
  if (count.malformed || count.incomplete) return;
  if (!count.integer_result) return fail("the record count is not an integer");
  try {
    for (uint64_t i = 0; i < *count.integer_result; ++i) {
      PickleScan args = pickle();
      if (args.malformed || args.incomplete) return;
      if (base == "storages") {
        uint64_t element = storage_element_size(args);
        if (element == 0) return fail("a storage of a type Gate does not know");
        uint64_t numel = read_u64le(reader);
        if (numel > (1ull << 56) / element) return fail("a storage larger than the archive");
        uint64_t bytes = numel * element;
        if (reader.skip(bytes) != bytes) return fail("storage data is truncated");
      } else {
        uint64_t ndim = read_u64le(reader) & 0xffffffffu;  // int32, then 4 bytes of padding
        if (ndim > 64) return fail("a tensor of more than 64 dimensions");
        uint64_t bytes = 16 * ndim + 8;
        if (reader.skip(bytes) != bytes) return fail("tensor metadata is truncated");
      }
    }
  } catch (const std::runtime_error&) {
    return fail("record data is truncated");
  }
  if (base == "storages" && reader.peek() >= 0) pickle();  // the storage views
}

// Legacy torch.save tars: `pickle` and `sys_info` are pickles; `storages` and `tensors` put raw
// data between pickles, followed record by record. Every other regular member is walked too (a
// link, a PAX record or a repeated name can make the loader read it as `pickle`), and judged
// when it opens like a pickle.
void scan_legacy_tar(ByteStream& stream, const ScanOptions& options, ScanIssues& issues) {
  ByteReader reader(stream);
  ScanIssues tar_issues =
      walk_tar(reader, [&](const std::string& name, uint64_t, ByteStream& content) {
        std::string base = base_name(name);
        std::string where = "tar member '" + name + "'";
        if (base == "pickle" || base == "sys_info") {
          scan_pickle_stream(content, where, true, options, issues);
          return;
        }
        if (base == "storages" || base == "tensors") {
          scan_interleaved_member(content, base, where, options, issues);
          return;
        }
        std::string head = read_up_to(content, 512);
        if (!looks_like_pickle(head)) return;  // data no loader unpickles
        auto member = stream_with_prefix(std::move(head), content);
        scan_pickle_stream(*member, where, true, options, issues);
      });
  issues.insert(issues.end(), tar_issues.begin(), tar_issues.end());
}

std::string offset_note(const PickleGlobal& global) {
  return " (offset " + std::to_string(global.offset) + ")";
}

}  // namespace

void judge_pickle(const PickleScan& scan, const std::string& where, const ScanOptions& options,
                  ScanIssues& issues) {
  for (const auto& global : scan.globals) {
    switch (options.callables.judge(global)) {
      case CallableVerdict::allowed:
        break;
      case CallableVerdict::denied:
        issues.push_back(
            {true,
             where + " imports " + global.full_name() + ", which is denied: " +
                 (global.called ? "loading the file calls it" : "loading the file imports it") +
                 offset_note(global),
             "denied:" + global.full_name()});
        break;
      case CallableVerdict::unknown:
        issues.push_back({options.strict,
                          where + " imports " + global.full_name() +
                              ", which is not on the allow-list" + offset_note(global),
                          "unknown:" + global.full_name()});
        break;
    }
  }
  for (const auto& text : scan.unresolved) {
    issues.push_back(
        {true, where + ": import cannot be resolved from the bytes (" + text + ")", "unresolved"});
  }
  if (scan.malformed) {
    issues.push_back({true, where + " is malformed and cannot be judged (" + *scan.malformed + ")",
                      "malformed"});
  }
  if (scan.incomplete) {
    issues.push_back({true,
                      where + " could not be judged to its end (" + *scan.incomplete +
                          "), though Python's unpickler reads on",
                      "incomplete"});
  }
}

FileScan scan_model_file(const std::string& path, uint64_t size, const StreamOpener& open,
                         const ScanOptions& options) {
  FileScan result;
  auto stream = open();
  if (!stream) throw RuleError("blob disappeared while it was being read");
  std::string head = read_up_to(*stream, kSniffBytes);
  result.format = detect_format(path, head);
  auto whole = stream_with_prefix(std::move(head), std::move(stream));
  switch (result.format) {
    case ModelFormat::pickle:
      scan_pickle_stream(*whole, "pickle", true, options, result.issues);
      break;
    case ModelFormat::pytorch:
    case ModelFormat::numpy_archive: {
      auto access = random_access_in_one_pass(std::move(whole), size, open, options.zip_head_window,
                                              options.zip_tail_window);
      result.format = scan_zip(result.format, path, *access, options, result.issues);
      break;
    }
    case ModelFormat::pytorch_legacy:
      scan_legacy_tar(*whole, options, result.issues);
      break;
    case ModelFormat::numpy:
      scan_npy_stream(*whole, size, "npy", options, result.issues);
      break;
    case ModelFormat::safetensors:
      result.issues = validate_safetensors(*whole, size, options.safetensors);
      break;
    default:
      break;
  }
  return result;
}

}  // namespace gate::rules::model
