// Zips (torch checkpoints, npz) are judged from one forward read in bounded memory: members
// outside the kept windows come from their kept starts or, once, from a second read, whatever
// order the central directory lists them in; verdicts match a scan of the file in memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <functional>

#include "gate/types/errors.hpp"
#include "rules/model/model_scan.hpp"
#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using namespace gate::rules::model;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A minimal zip writer (stored members) whose central directory lists the members in the order
// given, wherever their data lies: libzip, like Python's zipfile, follows the directory.
struct ZipEntry {
  std::string name;
  std::string data;
  bool deflated = false;  // as numpy.savez_compressed writes
};

std::string raw_deflate(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

std::string write_zip(const std::vector<ZipEntry>& entries, const std::vector<size_t>& cd_order) {
  std::string out;
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> crcs;
  std::vector<std::string> stored;
  for (const auto& e : entries) {
    stored.push_back(e.deflated ? raw_deflate(e.data) : e.data);
    offsets.push_back(static_cast<uint32_t>(out.size()));
    uint32_t crc = static_cast<uint32_t>(crc32(crc32(0, nullptr, 0),
                                               reinterpret_cast<const Bytef*>(e.data.data()),
                                               static_cast<uInt>(e.data.size())));
    crcs.push_back(crc);
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0);
    put16(out, e.deflated ? 8 : 0);
    put32(out, 0);  // time, date
    put32(out, crc);
    put32(out, static_cast<uint32_t>(stored.back().size()));
    put32(out, static_cast<uint32_t>(e.data.size()));
    put16(out, static_cast<uint32_t>(e.name.size()));
    put16(out, 0);
    out += e.name + stored.back();
  }
  uint32_t cd_start = static_cast<uint32_t>(out.size());
  for (size_t i : cd_order) {
    const auto& e = entries[i];
    put32(out, 0x02014b50);
    put16(out, 20);
    put16(out, 20);
    put16(out, 0);
    put16(out, e.deflated ? 8 : 0);
    put32(out, 0);
    put32(out, crcs[i]);
    put32(out, static_cast<uint32_t>(stored[i].size()));
    put32(out, static_cast<uint32_t>(e.data.size()));
    put16(out, static_cast<uint32_t>(e.name.size()));
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    put32(out, 0);
    put32(out, offsets[i]);
    out += e.name;
  }
  uint32_t cd_size = static_cast<uint32_t>(out.size()) - cd_start;
  put32(out, 0x06054b50);
  put32(out, 0);
  put16(out, static_cast<uint32_t>(cd_order.size()));
  put16(out, static_cast<uint32_t>(cd_order.size()));
  put32(out, cd_size);
  put32(out, cd_start);
  put16(out, 0);
  return out;
}

// protocol 2: posix.system('id')
constexpr char kMaliciousBytes[] =
    "\x80\x02"
    "cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.";
const std::string kMaliciousPickle(kMaliciousBytes, sizeof kMaliciousBytes - 1);

// The same import after 100 KiB of BINBYTES: more of the member than the reader keeps of a
// member's start.
std::string large_malicious_pickle() {
  std::string out = "\x80\x03";
  out += 'B';
  put32(out, 100 * 1024);
  out += noise(100 * 1024, 3) + "0" + kMaliciousPickle.substr(2);
  return out;
}

struct CountedScan {
  std::vector<std::string> verdicts;
  int opens = 0;
  uint64_t bytes_read = 0;
};

class CountingStream : public ByteStream {
 public:
  CountingStream(std::unique_ptr<ByteStream> inner, uint64_t& counter)
      : inner_(std::move(inner)), counter_(counter) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = inner_->read(buffer, size);
    counter_ += n;
    return n;
  }
  uint64_t total_size() const override { return inner_->total_size(); }

 private:
  std::unique_ptr<ByteStream> inner_;
  uint64_t& counter_;
};

// Above the 64 KiB + 22 bytes from the end where libzip looks for the end of the directory.
constexpr size_t kWindow = 128 * 1024;

CountedScan scan_counted(const std::string& path, const std::string& bytes, size_t window) {
  ScanOptions options;
  options.zip_head_window = window;
  options.zip_tail_window = window;
  CountedScan result;
  FileScan scan = scan_model_file(
      path, bytes.size(),
      [&] {
        ++result.opens;
        return std::make_unique<CountingStream>(stream_over(bytes), result.bytes_read);
      },
      options);
  for (const auto& issue : scan.issues) {
    result.verdicts.push_back((issue.blocking ? "E " : "W ") + issue.message);
  }
  return result;
}

// Tensor records first, the pickles in the middle, the directory in reverse order of the data:
// the reader's reads go backwards at every member.
std::string zip_with_pickles_in_the_middle(size_t records, const std::string& pickle) {
  std::vector<ZipEntry> entries;
  for (size_t i = 0; i < records; ++i) {
    entries.push_back({"archive/data/" + std::to_string(i), noise(64 * 1024, i)});
    if (i == records / 2) {
      entries.push_back({"archive/data.pkl", pickle});
      entries.push_back({"archive/extra.pkl", pickle});
    }
  }
  std::vector<size_t> order;
  for (size_t i = entries.size(); i-- > 0;) order.push_back(i);
  return write_zip(entries, order);
}

TEST(ZipReading, TorchZipWithPicklesOutsideTheWindowsIsReadAtMostTwice) {
  std::string zip = zip_with_pickles_in_the_middle(64, large_malicious_pickle());
  CountedScan windowed = scan_counted("model.pt", zip, kWindow);
  CountedScan in_memory = scan_counted("model.pt", zip, 64u << 20);
  EXPECT_EQ(windowed.verdicts, in_memory.verdicts);
  EXPECT_THAT(windowed.verdicts,
              ElementsAre(HasSubstr("member 'archive/extra.pkl' imports posix.system"),
                          HasSubstr("member 'archive/data.pkl' imports posix.system")));
  EXPECT_EQ(in_memory.opens, 1);
  EXPECT_EQ(in_memory.bytes_read, zip.size());
  // Once to the end, once more for the middle (copied to a temporary file): never once per
  // member, however the directory orders them.
  EXPECT_EQ(windowed.opens, 2);
  EXPECT_LE(windowed.bytes_read, 2 * zip.size());
}

TEST(ZipReading, SmallPicklesInTheMiddleAreReadFromTheKeptMemberStarts) {
  std::string zip = zip_with_pickles_in_the_middle(64, kMaliciousPickle);
  CountedScan scan = scan_counted("model.pt", zip, kWindow);
  EXPECT_THAT(scan.verdicts,
              ElementsAre(HasSubstr("member 'archive/extra.pkl' imports posix.system"),
                          HasSubstr("member 'archive/data.pkl' imports posix.system")));
  EXPECT_EQ(scan.opens, 1);
}

TEST(ZipReading, TorchZipWithDataPklFirstIsReadOnce) {
  std::vector<ZipEntry> entries = {{"archive/data.pkl", kMaliciousPickle}};
  for (size_t i = 0; i < 64; ++i) {
    entries.push_back({"archive/data/" + std::to_string(i), noise(64 * 1024, i)});
  }
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::string zip = write_zip(entries, order);
  CountedScan scan = scan_counted("model.pt", zip, kWindow);
  EXPECT_THAT(scan.verdicts, ElementsAre(HasSubstr("'archive/data.pkl' imports posix.system")));
  EXPECT_EQ(scan.opens, 1);
  EXPECT_EQ(scan.bytes_read, zip.size());
}

std::string npy_of_floats(size_t count, uint64_t seed) {
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(count) + ",), }";
  header += std::string(63 - (10 + header.size()) % 64, ' ') + "\n";
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  put16(out, static_cast<uint32_t>(header.size()));
  return out + header + noise(4 * count, seed);
}

std::vector<size_t> in_order(size_t count) {
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i) order[i] = i;
  return order;
}

TEST(ZipReading, NpzMembersEverywhereAreReadInOnePass) {
  std::vector<ZipEntry> entries;
  for (size_t i = 0; i < 32; ++i) {
    entries.push_back({"w" + std::to_string(i) + ".npy", npy_of_floats(64 * 1024, i), i % 2 == 1});
  }
  entries.push_back({"bad.npy", npy_of_floats(64 * 1024, 99).substr(0, 100000)});
  std::string npz = write_zip(entries, in_order(entries.size()));
  CountedScan reference = scan_counted("weights.npz", npz, 64u << 20);
  CountedScan windowed = scan_counted("weights.npz", npz, kWindow);
  EXPECT_THAT(reference.verdicts, ElementsAre(HasSubstr("member 'bad.npy'")));
  EXPECT_EQ(windowed.verdicts, reference.verdicts);
  // Each member's start was kept as it passed: no second read for the headers.
  EXPECT_EQ(windowed.opens, 1);
  EXPECT_EQ(windowed.bytes_read, npz.size());
}

TEST(ZipReading, NpzObjectArrayOutsideTheWindowsIsReadWholeFromASecondRead) {
  std::vector<ZipEntry> entries;
  for (size_t i = 0; i < 32; ++i) {
    entries.push_back({"w" + std::to_string(i) + ".npy", npy_of_floats(64 * 1024, i)});
    if (i == 16) {
      std::string npy = fixture("object_malicious.npy");
      size_t payload = npy.find("\x80\x03");
      entries.push_back({"objects.npy", npy.substr(0, payload) + large_malicious_pickle(), true});
    }
  }
  std::string npz = write_zip(entries, in_order(entries.size()));
  CountedScan reference = scan_counted("weights.npz", npz, 64u << 20);
  CountedScan windowed = scan_counted("weights.npz", npz, kWindow);
  EXPECT_THAT(reference.verdicts,
              ElementsAre(HasSubstr("member 'objects.npy' object array imports posix.system")));
  EXPECT_EQ(windowed.verdicts, reference.verdicts);
  EXPECT_EQ(windowed.opens, 2);
}

TEST(ZipReading, TinyWindowsJudgeLikeTheWholeFileInMemory) {
  for (const char* name : {"mixed.npz", "malicious.pt", "benign.pt", "traversal.pt", "bomb.pt"}) {
    std::string bytes = fixture(name);
    CountedScan reference = scan_counted(name, bytes, 64u << 20);
    CountedScan windowed = scan_counted(name, bytes, 64);
    EXPECT_EQ(windowed.verdicts, reference.verdicts) << name;
    EXPECT_LE(windowed.opens, 2) << name;
  }
}

TEST(ZipReading, AnUnwritableTemporaryFolderIsAnErrorNamingIt) {
  std::string zip = zip_with_pickles_in_the_middle(8, large_malicious_pickle());
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", "/nonexistent/gate-tmp", 1);
  try {
    scan_counted("model.pt", zip, kWindow);
    ADD_FAILURE() << "no error";
  } catch (const RuleError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create a temporary file in /nonexistent/gate-tmp"));
    EXPECT_THAT(e.what(), HasSubstr("set TMPDIR"));
  }
  if (old) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
}

// The growth of this process's peak RSS while `work` runs, measured in a forked child.
long peak_growth_kib_in_fork(const std::function<void()>& work) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    long before = peak_rss_kib(RUSAGE_SELF);
    work();
    std::string growth = std::to_string(peak_rss_kib(RUSAGE_SELF) - before);
    (void)!write(fds[1], growth.data(), growth.size());
    _exit(0);
  }
  close(fds[1]);
  char text[32] = {};
  ssize_t n = read(fds[0], text, sizeof text - 1);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return n > 0 ? std::stol(std::string(text, static_cast<size_t>(n))) : -1;
}

TEST(ZipReading, AMiddleFullOfLocalHeaderSignaturesKeepsMemoryBounded) {
  std::string signatures;
  while (signatures.size() < (256u << 10)) signatures += "PK\x03\x04";
  std::vector<ZipEntry> entries = {{"archive/data/0", noise(512 * 1024, 1)},
                                   {"archive/data/1", signatures},
                                   {"archive/data.pkl", large_malicious_pickle()},
                                   {"archive/data/2", noise(512 * 1024, 2)}};
  std::string zip = write_zip(entries, in_order(entries.size()));
  CountedScan reference = scan_counted("model.pt", zip, 64u << 20);
  CountedScan windowed;
  long growth = peak_growth_kib_in_fork([&] { windowed = scan_counted("model.pt", zip, kWindow); });
  EXPECT_LT(growth, 96 * 1024) << "every signature's start was kept";
  windowed = scan_counted("model.pt", zip, kWindow);
  EXPECT_EQ(windowed.verdicts, reference.verdicts);
  EXPECT_THAT(windowed.verdicts, ElementsAre(HasSubstr("'archive/data.pkl' imports posix.system")));
}

}  // namespace
}  // namespace gate::test
