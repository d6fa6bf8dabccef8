#include "rules/model/model_scan.hpp"

#include "gate/types/errors.hpp"
#include "rules/model/npy_header.hpp"
#include "rules/model/tar_walker.hpp"
#include "rules/model/zip_archive.hpp"

namespace gate::rules::model {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string first_bytes(const StreamOpener& open, size_t count) {
  auto stream = open();
  if (!stream) throw RuleError("blob disappeared while it was being read");
  std::string head(count, '\0');
  size_t got = 0;
  while (got < count) {
    size_t n = stream->read(head.data() + got, count - got);
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  return head;
}

void scan_pickle_stream(ByteStream& stream, const std::string& where, bool sequence,
                        const ScanOptions& options, ScanIssues& issues) {
  ByteReader reader(stream);
  PickleLimits limits = options.pickle;
  limits.sequence = sequence;
  judge_pickle(scan_pickle(reader, limits), where, options.callables, issues);
}

void scan_npy_stream(ByteStream& stream, uint64_t size, const std::string& where,
                     const ScanOptions& options, ScanIssues& issues) {
  ByteReader reader(stream);
  NpyScan npy = scan_npy(reader, size, options.pickle);
  for (auto& issue : npy.issues) {
    issue.message = where + ": " + issue.message;
    issues.push_back(std::move(issue));
  }
  if (npy.pickle) judge_pickle(*npy.pickle, where + " object array", options.callables, issues);
}

void scan_zip(ModelFormat format, uint64_t size, const StreamOpener& open,
              const ScanOptions& options, ScanIssues& issues) {
  auto access = random_access_over(open, size);
  std::string error;
  auto archive = ZipArchive::open(*access, error);
  if (!archive) {
    issues.push_back({true, "not a readable zip archive: " + error, "zip:unreadable"});
    return;
  }
  if (archive->members().size() > options.max_members) {
    issues.push_back({true,
                      "zip archive has " + std::to_string(archive->members().size()) +
                          " members, over the limit of " + std::to_string(options.max_members),
                      "zip:members"});
    return;
  }
  bool numpy = format == ModelFormat::numpy_archive;
  size_t scanned = 0;
  for (const auto& member : archive->members()) {
    if (zip_name_escapes(member.name)) {
      issues.push_back({true, "zip member name '" + member.name + "' escapes the archive folder",
                        "zip:traversal:" + member.name});
    }
    bool wanted = numpy ? ends_with(member.name, ".npy") : ends_with(member.name, ".pkl");
    if (!wanted) continue;
    ++scanned;
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
    try {
      auto stream = archive->open_member(member, options.max_member_size);
      if (numpy) {
        scan_npy_stream(*stream, member.size, where, options, issues);
      } else {
        scan_pickle_stream(*stream, where, false, options, issues);
      }
    } catch (const ZipDataError& bad) {
      issues.push_back({true, bad.what(), "zip:corrupt:" + member.name});
    }
  }
  if (scanned == 0 && !numpy) {
    issues.push_back({false,
                      "zip archive holds no *.pkl member: not a PyTorch checkpoint Gate can judge",
                      "zip:no-pickle"});
  }
}

void scan_legacy_tar(const StreamOpener& open, const ScanOptions& options, ScanIssues& issues) {
  auto stream = open();
  ByteReader reader(*stream);
  bool interleaved = false;
  ScanIssues tar_issues =
      walk_tar(reader, [&](const std::string& name, uint64_t, ByteStream& content) {
        size_t slash = name.rfind('/');
        std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
        if (base == "pickle" || base == "sys_info" || base == "storages" || base == "tensors") {
          scan_pickle_stream(content, "tar member '" + name + "'", true, options, issues);
          interleaved = interleaved || base == "storages" || base == "tensors";
        }
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

}  // namespace

void judge_pickle(const PickleScan& scan, const std::string& where, const CallablePolicy& policy,
                  ScanIssues& issues) {
  for (const auto& global : scan.globals) {
    switch (policy.judge(global)) {
      case CallableVerdict::allowed:
        break;
      case CallableVerdict::denied:
        issues.push_back({true,
                          where + " imports " + global.full_name() +
                              ", which is denied: loading the file runs it (offset " +
                              std::to_string(global.offset) + ")",
                          "denied:" + global.full_name()});
        break;
      case CallableVerdict::unknown:
        issues.push_back({false,
                          where + " imports " + global.full_name() +
                              ", which is not on the allow-list (offset " +
                              std::to_string(global.offset) + ")",
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
}

FileScan scan_model_file(const std::string& path, uint64_t size, const StreamOpener& open,
                         const ScanOptions& options) {
  FileScan result;
  std::string head = first_bytes(open, 512);
  result.format = detect_format(path, head);
  switch (result.format) {
    case ModelFormat::pickle: {
      auto stream = open();
      scan_pickle_stream(*stream, "pickle", true, options, result.issues);
      break;
    }
    case ModelFormat::pytorch:
    case ModelFormat::numpy_archive:
      scan_zip(result.format, size, open, options, result.issues);
      break;
    case ModelFormat::pytorch_legacy:
      scan_legacy_tar(open, options, result.issues);
      break;
    case ModelFormat::numpy: {
      auto stream = open();
      scan_npy_stream(*stream, size, "npy", options, result.issues);
      break;
    }
    case ModelFormat::safetensors: {
      auto stream = open();
      result.issues = validate_safetensors(*stream, size, options.safetensors);
      break;
    }
    default:
      break;
  }
  return result;
}

}  // namespace gate::rules::model
