#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gate::data {

// One output (or dependency) a DVC manifest records.
struct DvcEntry {
  std::string path;  // as written, relative to the manifest's folder
  std::string md5;   // 32 lowercase hex digits; empty when absent (not computed, an import...)
  std::optional<uint64_t> size;
  std::optional<uint64_t> nfiles;  // folders: how many files the listing holds
  bool directory = false;          // md5 ends in ".dir": a tracked folder
  bool legacy_hash = true;  // no `hash: md5`: DVC 2 hashed text files with CRLF turned into LF
  bool external = false;    // another repository's (`repo:`) or a URL: nothing here to compare
  std::string stage;        // dvc.lock: the stage that records it
  uint32_t line = 0;
};

struct ManifestProblem {
  uint32_t line = 0;  // 1-based; 0 for the whole file
  std::string message;
};

struct DvcManifest {
  std::vector<DvcEntry> outs;  // .dvc: `outs`; dvc.lock: the outs of every stage
  std::vector<DvcEntry> deps;
  bool has_cmd = false;  // a .dvc stage file of DVC 0.x/1.x (`cmd:`): its deps are local files
  std::string wdir;      // .dvc: the `wdir` its paths are relative to (relative to its folder)
  bool has_meta = false;
  uint32_t meta_line = 0;
  std::map<std::string, std::string> meta;  // top-level keys of `meta:` with scalar text
  std::optional<std::string> pii_basis;     // meta: {pii: {basis: ...}}
  std::vector<ManifestProblem> problems;    // empty when well-formed
};

inline constexpr size_t kMaxManifestBytes = 1 << 20;
inline constexpr size_t kMaxManifestEntries = 100000;

// Parse a `.dvc` file / a `dvc.lock`. Never throws on content: every defect is a problem with its
// line. Only the known keys are walked, so YAML aliases cannot blow up the work.
DvcManifest parse_dvc_file(std::string_view text);
DvcManifest parse_dvc_lock(std::string_view text);

// The `wdir` of each stage of a dvc.yaml (stage name -> wdir; stages without one are left out).
// Never throws: an unreadable dvc.yaml gives an empty map (its stages then use their folder).
std::map<std::string, std::string> parse_stage_wdirs(std::string_view text);

bool is_dvc_file(std::string_view path);  // *.dvc
bool is_dvc_lock(std::string_view path);  // dvc.lock in any folder

}  // namespace gate::data
