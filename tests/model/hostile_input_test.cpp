// Hostile bytes for every model parser: each yields a finding, never a crash, a hang or
// unbounded memory. Multi-gigabyte files are simulated by streams that generate their bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "rules/model/model_scan.hpp"
#include "rules/model/npy_header.hpp"
#include "rules/model/safetensors.hpp"
#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using namespace gate::rules::model;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> scan_bytes(const std::string& path, const std::string& bytes,
                                    const ScanOptions& options = {}) {
  return model_verdicts(path, bytes, options);
}

std::string u64le(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

// A stream of `size` bytes: `prefix`, then filler the reader skips, then `suffix`. The filler is
// never written, so gigabytes pass at memory speed.
class GeneratedStream : public ByteStream {
 public:
  GeneratedStream(std::string prefix, uint64_t filler, std::string suffix)
      : prefix_(std::move(prefix)), filler_(filler), suffix_(std::move(suffix)) {}
  size_t read(char* buffer, size_t size) override {
    uint64_t total = total_size();
    if (at_ >= total) return 0;
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, total - at_));
    for (size_t i = 0; i < n; ++i) {
      uint64_t pos = at_ + i;
      if (pos < prefix_.size()) {
        buffer[i] = prefix_[pos];
      } else if (pos >= prefix_.size() + filler_) {
        buffer[i] = suffix_[pos - prefix_.size() - filler_];
      } else {  // filler: jump over the rest of it in one go
        size_t run = static_cast<size_t>(std::min<uint64_t>(n - i, prefix_.size() + filler_ - pos));
        i += run - 1;
      }
    }
    at_ += n;
    return n;
  }
  uint64_t total_size() const override { return prefix_.size() + filler_ + suffix_.size(); }

 private:
  std::string prefix_;
  uint64_t filler_;
  std::string suffix_;
  uint64_t at_ = 0;
};

std::string pickle_verdicts(const std::string& bytes) {
  auto stream = stream_over(bytes);
  ByteReader reader(*stream);
  PickleScan scan = scan_pickle(reader);
  std::string out;
  for (const auto& g : scan.globals) out += "global " + g.full_name() + ";";
  for (const auto& u : scan.unresolved) out += "unresolved " + u + ";";
  if (scan.malformed) out += "malformed " + *scan.malformed;
  if (scan.incomplete) out += "incomplete " + *scan.incomplete;
  return out;
}

TEST(HostilePickle, EveryTruncationIsJudgedWithoutCrashing) {
  std::string whole = fixture("os_system_p2.pkl");
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    std::string verdict = pickle_verdicts(whole.substr(0, cut));
    EXPECT_THAT(verdict, HasSubstr("malformed")) << cut;
  }
  // Once the GLOBAL is read, the import is reported even though the pickle is cut short.
  EXPECT_THAT(pickle_verdicts(whole.substr(0, whole.size() - 1)), HasSubstr("global posix.system"));
}

TEST(HostilePickle, MemoIndicesOutOfRange) {
  EXPECT_EQ(pickle_verdicts("\x80\x02h\x05."), "malformed offset 2: memo index 5 was never stored");
  // Python's memo is indexed sparsely: a high index is accepted and costs one entry.
  EXPECT_EQ(pickle_verdicts(std::string("\x80\x02Nr\xff\xff\xff\xff.", 10)), "");
  EXPECT_EQ(pickle_verdicts("(g99999999999999999999\n."),
            "malformed offset 1: bad memo index '99999999999999999999'");
  EXPECT_EQ(pickle_verdicts("Np-1\n."), "malformed offset 1: bad memo index '-1'");
}

TEST(HostilePickle, OversizedLengthsAreNotAllocated) {
  EXPECT_EQ(pickle_verdicts("\x80\x04\x8d" + u64le(1ull << 62) + "x."),
            "malformed offset 2: truncated payload");
  EXPECT_EQ(pickle_verdicts(std::string("\x80\x02T\xff\xff\xff\xff", 7)),
            "malformed offset 2: negative length");
  EXPECT_EQ(pickle_verdicts("S'" + std::string(2 << 20, 'a')),
            "malformed offset 0: text argument without its newline");
}

TEST(HostilePickle, DeepNestingIsCountedNotStoredAndLimitsAreNeverSilent) {
  // Millions of equal pushes or marks cost a counter, as Python reads them all.
  EXPECT_EQ(pickle_verdicts(std::string(3 << 20, '(') + "N."), "");
  EXPECT_EQ(pickle_verdicts(std::string(3 << 20, ']') + "."), "");
  std::string alternating;
  for (int i = 0; i < 2500000; ++i) alternating += "(N";
  EXPECT_EQ(pickle_verdicts(alternating),
            "incomplete offset 4194304: more than 2097152 nested MARKs at distinct depths");
}

TEST(HostilePickle, StackUnderflowUnknownOpcodesAndDynamicGlobals) {
  EXPECT_EQ(pickle_verdicts("R."), "malformed offset 0: stack underflow");
  EXPECT_EQ(pickle_verdicts("\x80\x02\xff."), "malformed offset 2: unknown opcode 0xff");
  EXPECT_EQ(pickle_verdicts("\x80\x06."), "malformed offset 0: unsupported pickle protocol 6");
  EXPECT_EQ(pickle_verdicts("\x80\x04NN\x93."),
            "unresolved offset 4: STACK_GLOBAL with operands that are not constant strings;");
  EXPECT_EQ(pickle_verdicts("\x80\x02\x82\x07."),
            "unresolved offset 2: extension registry code 7;");
  EXPECT_EQ(pickle_verdicts(""), "malformed offset 0: empty file, no pickle");
}

TEST(HostilePickle, DunderAttributeChainsAreDenied) {
  EXPECT_THAT(scan_bytes("x.pkl", std::string("\x80\x04\x8c\x0b") + "collections" + "\x8c\x20" +
                                      "OrderedDict.__init__.__globals__" + "\x93."),
              ElementsAre("E pickle imports collections.OrderedDict.__init__.__globals__, which is "
                          "denied: loading the file imports it (offset 49)"));
}

TEST(HostilePickle, SeveralGigabytePayloadIsSkippedInConstantMemory) {
  const uint64_t payload = 5ull << 30;
  std::string prefix = "\x80\x04\x8e" + u64le(payload);
  GeneratedStream stream(prefix, payload, "cos\nsystem\n.");
  ByteReader reader(stream);
  PickleScan scan = scan_pickle(reader);
  ASSERT_EQ(scan.globals.size(), 1u);
  EXPECT_EQ(scan.globals[0].full_name(), "os.system");
  EXPECT_EQ(scan.globals[0].offset, prefix.size() + payload);
  EXPECT_FALSE(scan.malformed.has_value());
}

std::string safetensors(const std::string& header, uint64_t data) {
  return u64le(header.size()) + header + std::string(data, '\0');
}

TEST(HostileSafetensors, EachLayoutViolationIsNamed) {
  auto check = [](const std::string& bytes) { return scan_bytes("w.safetensors", bytes); };
  EXPECT_THAT(check("abc"),
              ElementsAre("E safetensors: file is shorter than the 8-byte header length"));
  EXPECT_THAT(
      check(u64le(1000) + "{}"),
      ElementsAre("E safetensors: header length 1000 runs past the end of the 10-byte file"));
  EXPECT_THAT(check(u64le(1ull << 40)),
              ElementsAre("E safetensors: header length 1099511627776 exceeds the limit of "
                          "104857600 bytes"));
  EXPECT_THAT(check(safetensors("[1]", 0)),
              ElementsAre("E safetensors: header is not a JSON object"));
  EXPECT_THAT(check(safetensors("{\"a\": \"\xff\"}", 0))[0],
              HasSubstr("header is not valid UTF-8 JSON"));
  EXPECT_THAT(
      check(safetensors("{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}", 0)),
      ElementsAre("E safetensors: header JSON nests deeper than 16"));
  EXPECT_THAT(check(safetensors(R"({"a":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}})", 4)),
              ElementsAre("E safetensors: tensor 'a': unknown dtype 'F99'"));
  EXPECT_THAT(
      check(safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4)),
      ElementsAre("E safetensors: tensor 'a': shape x dtype is 8 bytes but data_offsets span 4"));
  EXPECT_THAT(
      check(safetensors(
          R"({"a":{"dtype":"U8","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}})",
          4)),
      ElementsAre("E safetensors: tensor 'a': shape must be non-negative integers whose product "
                  "fits in 64 bits"));
  EXPECT_THAT(check(safetensors(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},
                                    "b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
                                6)),
              ElementsAre("E safetensors: tensor 'b' starts at 2, overlapping the previous tensor "
                          "(expected 4)"));
  EXPECT_THAT(check(safetensors(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[1,5]}})", 5)),
              ElementsAre("E safetensors: tensor 'a' starts at 1, leaving a gap after the previous "
                          "tensor (expected 0)"));
  EXPECT_THAT(check(safetensors(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 9)),
              ElementsAre("E safetensors: tensors end at byte 4 of the data but the data section "
                          "is 9 bytes"));
  EXPECT_THAT(check(safetensors(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[4,0]}})", 4)),
              ElementsAre("E safetensors: tensor 'a': data_offsets end before they begin"));
  EXPECT_THAT(check(safetensors(R"({"__metadata__":{"k":1}})", 0)),
              ElementsAre("E safetensors: __metadata__ must map strings to strings"));
}

TEST(HostileSafetensors, SeveralGigabyteFileIsValidatedFromItsHeader) {
  const uint64_t data = 6ull << 30;
  std::string header =
      R"({"w":{"dtype":"F32","shape":[1610612736],"data_offsets":[0,6442450944]}})";
  GeneratedStream stream(u64le(header.size()) + header, data, "");
  EXPECT_THAT(validate_safetensors(stream, stream.total_size()), IsEmpty());
}

std::string npy(const std::string& header_text, const std::string& payload, char major = 1) {
  std::string length = major == 1 ? std::string{static_cast<char>(header_text.size() & 0xFF),
                                                static_cast<char>(header_text.size() >> 8)}
                                  : u64le(header_text.size()).substr(0, 4);
  return std::string("\x93NUMPY", 6) + major + '\0' + length + header_text + payload;
}

TEST(HostileNpy, HeaderIsParsedExactly) {
  auto check = [](const std::string& bytes) { return scan_bytes("a.npy", bytes); };
  EXPECT_THAT(check(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n",
                        std::string(8, 'x'))),
              IsEmpty());
  EXPECT_THAT(check(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", "x")),
              ElementsAre("E npy: npy: data is 1 bytes but shape x dtype is 8"));
  EXPECT_THAT(check(std::string("\x93NUMPY\x09\x00", 8)),
              ElementsAre("E npy: npy: unsupported format version 9"));
  EXPECT_THAT(check(npy("", "", 2).substr(0, 8) + "\xff\xff\xff\x7f"),
              ElementsAre("E npy: npy: header length 2147483647 exceeds the limit of 65536"));
  EXPECT_THAT(check(npy("{'descr': '<f4', 'shape': (1,)}\n", "")),
              ElementsAre("E npy: npy: malformed header: header must have exactly the keys descr, "
                          "fortran_order and shape"));
  EXPECT_THAT(check(npy("{'descr': '<f4', 'descr': '<f4', 'shape': ()}\n", "")),
              ElementsAre("E npy: npy: malformed header: duplicate header key 'descr'"));
  EXPECT_THAT(check(npy("{'descr': " + std::string(5000, '[') + "}\n", "")),
              ElementsAre("E npy: npy: malformed header: header nests deeper than 16"));
  EXPECT_THAT(check(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, "
                        "4294967296), }\n",
                        "")),
              ElementsAre("E npy: npy: shape x dtype overflows 64 bits"));
  EXPECT_THAT(check(npy("{'descr': '<q9', 'fortran_order': False, 'shape': (), }\n", "")),
              ElementsAre("E npy: npy: malformed header: unknown dtype '<q9'"));
  EXPECT_THAT(check(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "")),
              ElementsAre("E npy: npy: malformed header: header does not end with a newline"));
  EXPECT_THAT(check(std::string("\x93NUMPY\x01\x00\x40", 9)),
              ElementsAre("E npy: npy: file ends inside the header length"));
}

TEST(HostileNpy, StructuredDtypeWithObjectFieldIsScanned) {
  std::string payload = fixture("os_system_p2.pkl");
  auto found = scan_bytes(
      "a.npy", npy("{'descr': [('x', '<f4'), ('y', '|O', (2,))], 'fortran_order': False, "
                   "'shape': (1,), }\n",
                   payload));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(found[0], HasSubstr("npy object array imports posix.system, which is denied"));
}

TEST(HostileZip, CorruptArchivesAreFindings) {
  std::string good = fixture("benign.pt");
  EXPECT_THAT(scan_bytes("m.pt", good.substr(0, good.size() / 2))[0],
              HasSubstr("not a readable zip archive"));
  EXPECT_THAT(scan_bytes("m.pt", "PK\x03\x04" + std::string(100, 'x'))[0],
              HasSubstr("not a readable zip archive"));
  EXPECT_THAT(scan_bytes("m.npz", "garbage")[0], HasSubstr("not a readable zip archive"));
}

TEST(HostileZip, MemberLyingAboutItsSizeIsStoppedAtTheCap) {
  std::string bomb = fixture("bomb.pt");
  // Declare 10 bytes uncompressed in both the local header and the central directory.
  for (const char* signature : {"PK\x01\x02", "PK\x03\x04"}) {
    size_t at = bomb.find(signature);
    size_t field = std::string(signature) == "PK\x01\x02" ? 24 : 22;
    ASSERT_NE(at, std::string::npos);
    std::memcpy(bomb.data() + at + field, "\x0a\0\0\0", 4);
  }
  ScanOptions options;
  options.max_member_size = 64;  // the pickle itself is longer: reading must stop
  auto found = scan_bytes("m.pt", bomb, options);
  ASSERT_FALSE(found.empty());
  EXPECT_THAT(found[0], HasSubstr("E member 'archive/data.pkl'"));
}

TEST(HostileTar, CorruptLegacyArchivesAreFindings) {
  std::string tar = fixture("legacy_tar.pt");
  std::string bad_checksum = tar;
  bad_checksum[0] = 'X';
  // A damaged first header no longer looks like tar: it is judged as a bare pickle.
  EXPECT_THAT(scan_bytes("old.pt", bad_checksum)[0], HasSubstr("malformed"));
  std::string truncated = tar.substr(0, 512 + 20);
  auto found = scan_bytes("old.pt", truncated);
  EXPECT_THAT(found.back(), HasSubstr("tar: "));
}

}  // namespace
}  // namespace gate::test
