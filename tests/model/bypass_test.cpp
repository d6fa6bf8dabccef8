// Published ways past pickle scanners, each pinned to the exact verdict: formats told by content,
// legacy checkpoints walked through all their pickles, FRAME read as Python reads it, spellings
// that dodge a deny-list, and a blob read once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/model/model_scan.hpp"
#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using namespace gate::rules::model;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> verdicts(const std::string& path, const std::string& bytes,
                                  const ScanOptions& options = {}) {
  return model_verdicts(path, bytes, options, true);
}

std::string u32le(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

std::string system_call() { return "cos\nsystem\n(X" + u32le(4) + "truetR"; }
std::string system_pickle() { return "\x80\x02" + system_call() + "."; }

// torch.save's legacy stream: magic, protocol, sys_info, the object, the storage keys.
std::string legacy(const std::string& object_pickle) {
  std::string magic = std::string("\x80\x02\x8a\x0a", 4) +
                      std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10) + ".";
  return magic + "\x80\x02M\xe9\x03." + "\x80\x02}." + object_pickle + "\x80\x02]." +
         std::string("\x04\0\0\0\0\0\0\0cos\nsystem\n", 20);
}

TEST(FormatByContent, PicklesAreJudgedWhateverTheirName) {
  for (const char* path : {"m/pytorch_model.bin", "m/spm.model", "m/x.data", "m/weights"}) {
    EXPECT_THAT(verdicts(path, system_pickle()),
                ElementsAre("E pickle: pickle imports os.system, which is denied: loading the "
                            "file calls it (offset 2)"))
        << path;
  }
  EXPECT_THAT(verdicts("m/README", "cat the file\nthen more\n"), IsEmpty());
}

TEST(FormatByContent, AllowedFormatsCatchesAPickleNamedBin) {
  RuleHarness h;
  h.change("m/weights.bin", std::string("\x80\x02}.", 4));
  EXPECT_THAT(h.findings("model-serialization", "{allowed-formats: [safetensors]}"),
              ElementsAre("error m/weights.bin: format 'pickle' is not allowed here (allowed: "
                          "safetensors)"));
}

TEST(LegacyCheckpoint, EveryPickleIsWalkedPastWhatStoppedTheScan) {
  std::string long_line =
      "\x80\x02S'" + std::string(1536 * 1024, 'a') + "'\n0" + system_call() + ".";
  std::string put = "\x80\x02Np5000000\n0" + system_call() + ".";
  std::string pushes = "\x80\x02(" + std::string(2500000, 'N') + "1" + system_call() + ".";
  for (const auto& object : {long_line, put, pushes}) {
    auto found = verdicts("m/old.pt", legacy(object));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_THAT(found[0], HasSubstr("pickle imports os.system, which is denied: loading the file "
                                    "calls it"));
  }
  // Raw storage bytes after the fifth pickle are not read as opcodes.
  EXPECT_THAT(verdicts("m/old.pt", legacy("\x80\x02}.")), IsEmpty());
}

TEST(LegacyCheckpoint, ALimitOfTheWalkBlocksInsteadOfPassing) {
  ScanOptions options;
  options.pickle.max_memo = 4;
  EXPECT_THAT(verdicts("m/old.pt", legacy("\x80\x02Np1\np2\np3\np4\np5\n0}."), options),
              ElementsAre("E pickle: pickle could not be judged to its end (offset 40: memo holds "
                          "more than 4 entries), though Python's unpickler reads on"));
}

TEST(Frame, AReadAcrossAFrameEndIsMalformedAndWrongLengthsHideNothing) {
  std::string body = "\x8c\x02os\x8c\x06system\x93(X" + u32le(4) + "truetR.";
  auto framed = [&](uint64_t length) {
    std::string len(8, '\0');
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
    return "\x80\x04\x95" + len + body;
  };
  EXPECT_THAT(verdicts("x.pkl", framed(3)),
              ElementsAre("E pickle: pickle is malformed and cannot be judged (offset 11: a read "
                          "runs across the end of the FRAME ending at offset 14; unpicklers "
                          "disagree on what follows (frames end on opcode boundaries))"));
  for (uint64_t length : {uint64_t{0}, uint64_t{body.size()}, uint64_t{body.size() + 9}}) {
    EXPECT_THAT(verdicts("x.pkl", framed(length)),
                ElementsAre("E pickle: pickle imports os.system, which is denied: loading the "
                            "file calls it (offset 23)"))
        << length;
  }
}

TEST(DenyList, SpellingsThatReachDangerousCodeAreDenied) {
  auto stack_global = [](const std::string& module, const std::string& name) {
    return "\x80\x04\x8c" + std::string(1, static_cast<char>(module.size())) + module + "\x8c" +
           std::string(1, static_cast<char>(name.size())) + name + "\x93.";
  };
  for (const auto& [module, name] :
       std::vector<std::pair<std::string, std::string>>{{"_operator", "methodcaller"},
                                                        {"pathlib", "os.system"},
                                                        {"builtins", "__loader__.load_module"},
                                                        {"__main__", "__builtins__.exec"},
                                                        {"numpy", "__builtins__"},
                                                        {"torch.serialization", "os"},
                                                        {"functools", "partial"}}) {
    auto found = verdicts("x.pkl", stack_global(module, name));
    ASSERT_EQ(found.size(), 1u) << module << "." << name;
    EXPECT_THAT(found[0], HasSubstr("imports " + module + "." + name +
                                    ", which is denied: loading the file imports it"));
  }
}

TEST(AllowList, SparseLayoutsAndJoblibArraysPassClean) {
  std::string sparse =
      "\x80\x02"
      "ctorch._utils\n_rebuild_sparse_tensor\n(ctorch.serialization\n"
      "_get_layout\n(X" +
      u32le(16) +
      "torch.sparse_coo"
      "tR)tR.";
  EXPECT_THAT(verdicts("m/sparse.pt", sparse), IsEmpty());
  std::string dtype = "cnumpy\ndtype\n(X" + u32le(2) + "f8\x89\x88tR(K\x03X" + u32le(1) +
                      std::string("<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb", 18);
  std::string wrapper = "cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}(X" + u32le(5) +
                        "shape(K\x02tX" + u32le(5) + "dtype" + dtype + "X" + u32le(27) +
                        "numpy_array_alignment_bytesK\x10ub";
  std::string inline_array = wrapper + "\x03\xff\xff\xff" + std::string(16, '.');
  EXPECT_THAT(verdicts("m/model.joblib", "\x80\x02]" + inline_array + "a."), IsEmpty());
  EXPECT_THAT(verdicts("m/model.joblib", "\x80\x02]" + inline_array + "a" + system_call() + "a."),
              ElementsAre("E pickle: pickle imports os.system, which is denied: loading the file "
                          "calls it (offset 178)"));
}

TEST(ReadOnce, AZipIsReadOnceFromStartToEnd) {
  std::string zip = fixture("benign.pt");
  uint64_t opened = 0;
  FileScan scan = scan_model_file("m/model.zip", zip.size(),
                                  [&] {
                                    ++opened;
                                    return stream_over(zip);
                                  },
                                  {});
  EXPECT_EQ(scan.format, ModelFormat::pytorch);
  EXPECT_TRUE(scan.issues.empty());
  EXPECT_EQ(opened, 1u);
}

}  // namespace
}  // namespace gate::test
