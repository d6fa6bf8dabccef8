// Compiled pattern databases cached on disk: reused when intact, recompiled when the file is
// corrupt, truncated, foreign, for other patterns or writable by others.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/prefilter_cache.hpp"
#include "secrets_test_support.hpp"

namespace gate::secrets::test {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/gate-hsdb-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  return out;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  ::chmod(path.c_str(), 0600);
}

// A scanner over the catalogue with `dir` as cache; what it finds in a line with a token.
std::vector<std::string> found_with_cache(const fs::path& dir, bool& from_cache) {
  Scanner scanner(builtin_catalogue(), {}, Overlap::first_listed, dir);
  from_cache = scanner.prefilter_from_cache();
  std::vector<std::string> ids;
  for (const auto& m :
       scan_text(scanner, "token = ghp_" + std::string("aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5"))) {
    ids.push_back(scanner.rules()[m.rule].spec.id);
  }
  return ids;
}

TEST(PrefilterCache, SecondScannerLoadsTheDatabaseAndFindsTheSame) {
  TempDir dir;
  bool from_cache = true;
  auto first = found_with_cache(dir.path, from_cache);
  EXPECT_FALSE(from_cache);
  auto files = files_in(dir.path);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].extension(), ".hsdb");
  struct stat info {};
  ASSERT_EQ(::stat(files[0].c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto second = found_with_cache(dir.path, from_cache);
  EXPECT_TRUE(from_cache);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first, std::vector<std::string>{"github-classic-pat"});
}

TEST(PrefilterCache, CorruptTruncatedOrForeignFilesAreRecompiledAndRewritten) {
  TempDir dir;
  bool from_cache = false;
  auto expected = found_with_cache(dir.path, from_cache);
  const fs::path file = files_in(dir.path).at(0);
  const std::string good = read_all(file);
  std::vector<std::string> hostile = {
      "",
      good.substr(0, good.size() / 2),
      std::string(good.size(), '\0'),
      "gate-hsdb-v1\n" + std::string(200, 'A'),
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;  // inside the Vectorscan bytes: the checksum fails
  hostile.push_back(flipped);
  // Well-formed and checksummed, the right key, but bytes Vectorscan does not accept, or a
  // rejection naming a pattern that does not exist.
  CachedDatabase forged;
  forged.key = file.stem().string();
  forged.serialized = std::string(4096, 'x');
  hostile.push_back(encode_cached_database(forged));
  std::string why;
  CachedDatabase wrong_id = *decode_cached_database(good, forged.key, why);
  wrong_id.rejected.emplace_back(1u << 30, "planted");
  hostile.push_back(encode_cached_database(wrong_id));
  for (size_t i = 0; i < hostile.size(); ++i) {
    write_all(file, hostile[i]);
    EXPECT_EQ(found_with_cache(dir.path, from_cache), expected) << "case " << i;
    EXPECT_FALSE(from_cache) << "case " << i;
    EXPECT_EQ(read_all(file), good) << "case " << i << ": rewritten";
  }
}

TEST(PrefilterCache, FileWritableByOthersIsNotTrusted) {
  TempDir dir;
  bool from_cache = false;
  found_with_cache(dir.path, from_cache);
  const fs::path file = files_in(dir.path).at(0);
  ::chmod(file.c_str(), 0666);
  found_with_cache(dir.path, from_cache);
  EXPECT_FALSE(from_cache);
}

TEST(PrefilterCache, DecoderRejectsEntriesForOtherPatternsAndSaysWhy) {
  CachedDatabase entry;
  entry.key = std::string(64, 'a');
  entry.rejected = {{3, "too large"}};
  entry.serialized = "bytes";
  const std::string encoded = encode_cached_database(entry);
  std::string why;
  auto decoded = decode_cached_database(encoded, entry.key, why);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->rejected, entry.rejected);
  EXPECT_EQ(decoded->serialized, "bytes");
  EXPECT_FALSE(decode_cached_database(encoded, std::string(64, 'b'), why));
  EXPECT_EQ(why, "compiled from other patterns");
  EXPECT_FALSE(decode_cached_database(encoded.substr(0, encoded.size() - 1), entry.key, why));
  EXPECT_FALSE(why.empty());
}

}  // namespace
}  // namespace gate::secrets::test
