#include "rules/model/model_scan.hpp"

#include "gate/types/errors.hpp"
#include "rules/model/npy_header.hpp"
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

void scan_npy_stream(ByteStream& stream, uint64_t size, const std::string& where,
                     const ScanOptions& options, ScanIssues& issues) {
  ByteReader reader(stream);
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
      scan_npy_stream(*whole, member.size, where, options, issues);
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

// Legacy torch.save tars: `pickle` and `sys_info` are pickles; `storages` and `tensors` put raw
// data between pickles. Every other regular member is walked too (a link, a PAX record or a
// repeated name can make the loader read it as `pickle`), and judged when it holds a pickle.
void scan_legacy_tar(ByteStream& stream, const ScanOptions& options, ScanIssues& issues) {
  ByteReader reader(stream);
  bool interleaved = false;
  ScanIssues tar_issues =
      walk_tar(reader, [&](const std::string& name, uint64_t, ByteStream& content) {
        std::string base = base_name(name);
        std::string where = "tar member '" + name + "'";
        if (base == "pickle" || base == "sys_info") {
          scan_pickle_stream(content, where, true, options, issues);
          return;
        }
        bool structured = base == "storages" || base == "tensors";
        std::string head = read_up_to(content, 512);
        if (!structured && !looks_like_pickle(head)) return;  // data no loader unpickles
        auto member = stream_with_prefix(std::move(head), content);
        PickleScan scan = walk_pickle(*member, true, options);
        if (structured) {
          interleaved = true;
          scan.malformed.reset();  // raw data follows the leading pickles
        }
        judge_pickle(scan, where, options, issues);
      });
  issues.insert(issues.end(), tar_issues.begin(), tar_issues.end());
  if (interleaved) {
    issues.push_back({false,
                      "legacy PyTorch tar: the 'storages' and 'tensors' members interleave pickles "
                      "with raw data; only their leading pickles were scanned (re-save as "
                      "safetensors)",
                      "tar:partial"});
  }
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
