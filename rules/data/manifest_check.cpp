#include "rules/data/manifest_check.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "gate/types/errors.hpp"
#include "rules/data/data_digest.hpp"
#include "rules/data/dvc_directory.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {

namespace {

// Where the data of one check is read from: the head tree, else the workspace.
struct Source {
  const RuleContext& context;
  bool workspace = false;

  std::string name() const { return workspace ? "the workspace" : "the repository"; }
  std::unique_ptr<ByteStream> open(const std::string& path) const {
    if (!workspace) return context.blobs.open(Tree::head, path);
    return open_workspace_file(*context.workdir, path);
  }
};

class Reporter {
 public:
  Reporter(const RuleContext& context, const TrackedPath& tracked, RuleResult& result)
      : context_(context), tracked_(tracked), result_(result) {}
  void operator()(std::string message, std::string basis) const {
    Finding f = context_.finding(tracked_.manifest, std::move(message));
    f.start_line = f.end_line = tracked_.entry.line;
    f.fingerprint_basis = std::move(basis);
    result_.findings.push_back(std::move(f));
  }

 private:
  const RuleContext& context_;
  const TrackedPath& tracked_;
  RuleResult& result_;
};

// What the manifest is called in a message, and what brings it up to date.
std::string recorder(const TrackedPath& t) {
  return t.dependency && is_dvc_lock(t.manifest) ? "dvc.lock" : "the manifest";
}
std::string remedy(const TrackedPath& t) {
  return t.dependency ? "run `dvc repro` to rerun the stage" : "run `dvc commit` or `dvc add`";
}
std::string subject(const TrackedPath& t, const std::string& path) {
  if (!t.dependency) return "'" + path + "'";
  return "dependency '" + path + "'" +
         (t.entry.stage.empty() ? "" : " of stage '" + t.entry.stage + "'");
}

bool md5_matches(const DataDigest& digest, const std::string& recorded, bool legacy) {
  return digest.md5 == recorded || (legacy && digest.md5_lf == recorded);
}

void verify_file(const RuleContext& context, const TrackedPath& t, const Reporter& report) {
  Source source{context};
  std::unique_ptr<ByteStream> stream = source.open(t.data_path);
  if (!stream && context.workdir) {
    source.workspace = true;
    stream = source.open(t.data_path);
  }
  if (!stream) return;  // the data lives in DVC remote storage: nothing to compare here
  DataDigest digest = digest_stream(*stream);
  std::string what = subject(t, t.data_path) + " in " + source.name();
  if (t.entry.size && *t.entry.size != digest.size) {
    report(what + " is " + std::to_string(digest.size) + " bytes but " + recorder(t) + " records " +
               std::to_string(*t.entry.size),
           "size:" + t.data_path + ":" + std::to_string(digest.size));
  }
  if (!md5_matches(digest, t.entry.md5, t.entry.legacy_hash)) {
    report(what + " has md5 " + digest.md5 + " but " + recorder(t) + " records " + t.entry.md5 +
               " (" + remedy(t) + ")",
           "md5:" + t.data_path + ":" + digest.md5);
  }
}

std::optional<std::string> read_listing(const RuleContext& context, const std::string& md5,
                                        std::string& found_at) {
  for (const std::string& path : dvc_cache_paths(md5)) {
    std::unique_ptr<ByteStream> stream = context.blobs.open(Tree::head, path);
    if (!stream && context.workdir) stream = open_workspace_file(*context.workdir, path);
    if (!stream) continue;
    if (stream->total_size() > kMaxListingBytes) {
      throw RuleError("data-manifest: the DVC listing object " + path + " is larger than " +
                      std::to_string(kMaxListingBytes) + " bytes");
    }
    std::string text;
    char buffer[1 << 16];
    while (size_t n = stream->read(buffer, sizeof buffer)) {
      text.append(buffer, n);
      if (text.size() > kMaxListingBytes) break;
    }
    found_at = path;
    return text;
  }
  return std::nullopt;
}

// The files of the folder: from the head tree when it holds any, else from the workspace.
// Files DVC ignores are left out, as `.dvcignore` says (gitignore rules, from the root).
std::optional<std::vector<std::string>> folder_files(const RuleContext& context,
                                                     const std::string& folder,
                                                     const TrackedTree& tree, Source& source) {
  std::string prefix = folder + "/";
  // A file is ignored when it or a folder above it is (an ignored folder's files go with it).
  auto kept = [&](const std::string& relpath) {
    if (tree.dvcignore.empty()) return true;
    std::string path = prefix + relpath;
    for (size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      if (tree.dvcignore.matches(std::string_view(path).substr(0, slash))) return false;
    }
    return !tree.dvcignore.matches(path);
  };
  std::vector<std::string> files;
  bool any = false;
  for (auto it = std::lower_bound(tree.head_paths.begin(), tree.head_paths.end(), prefix);
       it != tree.head_paths.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
    any = true;
    if (kept(it->substr(prefix.size()))) files.push_back(it->substr(prefix.size()));
  }
  if (any) return files;
  if (!context.workdir) return std::nullopt;
  source.workspace = true;
  auto listed = list_workspace_folder(*context.workdir, folder, kMaxListedFiles);
  if (listed)
    listed->erase(std::remove_if(listed->begin(), listed->end(),
                                 [&](const std::string& f) { return !kept(f); }),
                  listed->end());
  return listed;
}

void compare_with_listing(const TrackedPath& t, const std::string& where,
                          const std::vector<ListedFile>& listed,
                          const std::map<std::string, DataDigest>& digests,
                          const Reporter& report) {
  std::map<std::string, std::string> recorded;
  for (const ListedFile& file : listed) recorded[file.relpath] = file.md5;
  for (const auto& [relpath, md5] : recorded) {
    std::string path = t.data_path + "/" + relpath;
    auto it = digests.find(relpath);
    if (it == digests.end()) {
      report(subject(t, path) + " is in the folder's recorded listing but missing from " + where +
                 " (" + remedy(t) + ")",
             "dir-missing:" + path);
    } else if (!md5.empty() && !md5_matches(it->second, md5, t.entry.legacy_hash)) {
      report(subject(t, path) + " in " + where + " has md5 " + it->second.md5 +
                 " but the folder's recorded listing has " + md5 + " (" + remedy(t) + ")",
             "md5:" + path + ":" + it->second.md5);
    }
  }
  for (const auto& [relpath, digest] : digests) {
    if (recorded.count(relpath)) continue;
    std::string path = t.data_path + "/" + relpath;
    report(subject(t, path) + " in " + where + " is not in the folder's recorded listing (" +
               remedy(t) + ")",
           "dir-unlisted:" + path);
  }
}

void verify_folder(const RuleContext& context, const TrackedPath& t, const TrackedTree& tree,
                   const Reporter& report) {
  Source source{context};
  auto files = folder_files(context, t.data_path, tree, source);
  if (!files) return;  // neither in the repository nor checked out: in DVC remote storage
  std::map<std::string, DataDigest> digests;
  uint64_t total = 0;
  for (const std::string& relpath : *files) {
    std::unique_ptr<ByteStream> stream = source.open(t.data_path + "/" + relpath);
    if (!stream) continue;  // a symlink or not a regular file: DVC would not hash it here either
    DataDigest digest = digest_stream(*stream);
    total += digest.size;
    digests.emplace(relpath, std::move(digest));
  }
  std::string where = source.name();
  std::string folder = subject(t, t.data_path) + " in " + where;
  std::string found_at;
  std::optional<std::string> listing = read_listing(context, t.entry.md5, found_at);
  bool compared = false;
  if (listing) {
    std::string actual = md5_hex(*listing);
    if (actual != t.entry.md5) {
      report("the DVC cache object " + found_at + " has md5 " + actual + ", not the " +
                 t.entry.md5 +
                 ".dir it is stored as (the cache is damaged: delete it and `dvc fetch` it again)",
             "dir-object:" + found_at + ":" + actual);
    } else {
      try {
        compare_with_listing(t, where, parse_dvc_listing(*listing), digests, report);
        compared = true;
      } catch (const SchemaError& e) {
        report("the DVC cache object " + found_at + " is not a folder listing: " + e.what(),
               "dir-object:" + found_at);
      }
    }
  }
  if (!compared) {
    // No listing to compare file by file: hash the folder as DVC does and compare the digests.
    // DVC 2 hashed text files with CRLF turned into LF; an old DVC may not have, so both count.
    std::vector<ListedFile> current;
    std::vector<ListedFile> raw;
    for (const auto& [relpath, digest] : digests) {
      current.push_back({relpath, t.entry.legacy_hash ? digest.legacy_md5() : digest.md5});
      raw.push_back({relpath, digest.md5});
    }
    std::string hash = md5_hex(dvc_listing_bytes(current));
    bool matches = hash == t.entry.md5 ||
                   (t.entry.legacy_hash && md5_hex(dvc_listing_bytes(raw)) == t.entry.md5);
    if (!matches) {
      report(folder + " hashes to " + hash + ".dir (" + std::to_string(digests.size()) +
                 " files) but " + recorder(t) + " records " + t.entry.md5 + ".dir (" + remedy(t) +
                 ")",
             "dir-md5:" + t.data_path + ":" + hash);
    }
  }
  if (t.entry.size && *t.entry.size != total) {
    report(folder + " holds " + std::to_string(total) + " bytes but " + recorder(t) + " records " +
               std::to_string(*t.entry.size),
           "size:" + t.data_path + ":" + std::to_string(total));
  }
  if (t.entry.nfiles && *t.entry.nfiles != digests.size()) {
    report(folder + " holds " + std::to_string(digests.size()) + " files but " + recorder(t) +
               " records " + std::to_string(*t.entry.nfiles),
           "nfiles:" + t.data_path + ":" + std::to_string(digests.size()));
  }
}

}  // namespace

TrackedTree load_tracked_tree(const RuleContext& context) {
  TrackedTree tree;
  tree.head_paths = context.blobs.list(Tree::head);
  std::sort(tree.head_paths.begin(), tree.head_paths.end());
  std::optional<std::string> text = context.blobs.read(Tree::head, ".dvcignore", 1 << 20);
  if (!text && context.workdir) {
    if (auto stream = open_workspace_file(*context.workdir, ".dvcignore")) {
      text.emplace();
      char buffer[1 << 14];
      while (size_t n = stream->read(buffer, sizeof buffer)) {
        if (text->size() + n > (1 << 20)) break;
        text->append(buffer, n);
      }
    }
  }
  if (!text) return tree;
  std::vector<std::string> patterns;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    try {
      Glob check(line[0] == '!' ? line.substr(1) : line);
      patterns.push_back(line);
    } catch (const std::invalid_argument&) {
      // A pattern that matches no path ignores nothing.
    }
  }
  tree.dvcignore = GlobList(patterns);
  return tree;
}

void verify_tracked(const RuleContext& context, const TrackedPath& tracked, const TrackedTree& tree,
                    RuleResult& result) {
  if (tracked.entry.md5.empty() || tracked.entry.external) return;
  Reporter report(context, tracked, result);
  if (tracked.entry.directory) {
    verify_folder(context, tracked, tree, report);
  } else {
    verify_file(context, tracked, report);
  }
}

}  // namespace gate::data
