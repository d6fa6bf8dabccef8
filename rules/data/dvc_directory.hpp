#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// A folder DVC tracks is recorded as one `<md5>.dir` hash: the MD5 of its listing object, a JSON
// array of {"md5", "relpath"} entries sorted by relpath, serialised as Python's
// json.dumps(sort_keys=True) writes it. The object itself lives in the DVC cache.
namespace gate::data {

struct ListedFile {
  std::string relpath;  // '/'-separated, relative to the folder
  std::string md5;
};

inline constexpr size_t kMaxListingBytes = size_t{64} << 20;
inline constexpr size_t kMaxListedFiles = 200000;

// The listing object's bytes, as DVC writes and hashes them: sorted by relpath, ", " and ": "
// separators, every character outside ASCII escaped as \uXXXX (bytes that are not UTF-8 as the
// lone surrogates Python's file-system decoding gives them).
std::string dvc_listing_bytes(std::vector<ListedFile> files);

// A listing object read back; throws SchemaError naming what is wrong. Entries without an md5
// (not computed) keep an empty one.
std::vector<ListedFile> parse_dvc_listing(std::string_view text);

std::string md5_hex(std::string_view bytes);

// Where the DVC cache of a workspace keeps the listing object of `md5` (without ".dir"): DVC 3
// (`files/md5/`) and DVC 0.x to 2 layouts, relative to the repository root.
std::vector<std::string> dvc_cache_paths(std::string_view md5);

}  // namespace gate::data
