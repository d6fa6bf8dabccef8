#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> scan(const std::string& path, const std::string& fixture_name,
                              const std::string& yaml = "{}") {
  RuleHarness h;
  h.change(path, fixture(fixture_name));
  return h.findings("model-serialization", yaml);
}

TEST(ModelSerialization, BenignTorchZipPasses) {
  EXPECT_THAT(scan("m/model.pt", "benign.pt"), IsEmpty());
}

TEST(ModelSerialization, BenignPicklePasses) {
  EXPECT_THAT(scan("m/model.pkl", "benign.pkl"), IsEmpty());
}

TEST(ModelSerialization, OsSystemInTorchZipIsError) {
  EXPECT_THAT(scan("m/model.pt", "malicious.pt"),
              ElementsAre("error m/model.pt: pytorch: member 'archive/data.pkl' imports "
                          "posix.system, which is denied: loading the file calls it (offset 19)"));
}

TEST(ModelSerialization, OsSystemFoundInEveryProtocol) {
  for (int protocol = 0; protocol <= 5; ++protocol) {
    auto found = scan("m/x.pkl", "os_system_p" + std::to_string(protocol) + ".pkl");
    ASSERT_EQ(found.size(), 1u) << "protocol " << protocol;
    EXPECT_THAT(found[0], ::testing::HasSubstr("imports posix.system, which is denied"))
        << "protocol " << protocol;
  }
}

TEST(ModelSerialization, EvalThroughStackGlobalIsError) {
  EXPECT_THAT(scan("m/x.pkl", "eval_p4.pkl"),
              ElementsAre("error m/x.pkl: pickle: pickle imports builtins.eval, which is denied: "
                          "loading the file calls it (offset 29)"));
}

TEST(ModelSerialization, MemoIndirectionCannotHideOsSystem) {
  EXPECT_THAT(scan("m/x.pkl", "memo_indirection.pkl"),
              ElementsAre("error m/x.pkl: pickle: pickle imports os.system, which is denied: "
                          "loading the file calls it (offset 22)"));
}

TEST(ModelSerialization, TextEscapesAndPutGetCannotHideOsSystem) {
  EXPECT_THAT(scan("m/x.pkl", "text_escapes.pkl"),
              ElementsAre("error m/x.pkl: pickle: pickle imports os.system, which is denied: "
                          "loading the file calls it (offset 36)"));
}

TEST(ModelSerialization, UnknownCallableBlocksInStrictModeAndAllowParamPasses) {
  EXPECT_THAT(scan("m/x.pkl", "unknown_p3.pkl"),
              ElementsAre("error m/x.pkl: pickle: pickle imports json.loads, which is not on "
                          "the allow-list (offset 2)"));
  EXPECT_THAT(scan("m/x.pkl", "unknown_p3.pkl", "{strict: false}"),
              ElementsAre("warning m/x.pkl: pickle: pickle imports json.loads, which is not on "
                          "the allow-list (offset 2)"));
  EXPECT_THAT(scan("m/x.pkl", "unknown_p3.pkl", "{allow: [json.loads]}"), IsEmpty());
  EXPECT_THAT(scan("m/x.pkl", "unknown_p3.pkl", "{deny: [json]}"),
              ElementsAre("error m/x.pkl: pickle: pickle imports json.loads, which is denied: "
                          "loading the file calls it (offset 2)"));
}

TEST(ModelSerialization, AllowCannotOverrideDeny) {
  EXPECT_THAT(scan("m/x.pkl", "eval_p4.pkl", "{allow: [builtins.eval]}").size(), 1u);
}

TEST(ModelSerialization, PathTraversalMemberIsError) {
  EXPECT_THAT(scan("m/model.pt", "traversal.pt"),
              ElementsAre("error m/model.pt: pytorch: zip member name '../../evil.pkl' escapes "
                          "the archive folder"));
}

TEST(ModelSerialization, ZipBombGuardBoundsMemberSize) {
  EXPECT_THAT(scan("m/model.pt", "bomb.pt"), IsEmpty());
  EXPECT_THAT(scan("m/model.pt", "bomb.pt", "{max-member-size: 1MB}"),
              ElementsAre("error m/model.pt: pytorch: member 'archive/data.pkl' declares 8388788 "
                          "bytes uncompressed, over the limit of 1000000 (zip bomb guard)"));
}

TEST(ModelSerialization, NumpyObjectArrayPickleIsScanned) {
  EXPECT_THAT(scan("m/a.npy", "benign.npy"), IsEmpty());
  EXPECT_THAT(scan("m/a.npy", "object_malicious.npy"),
              ElementsAre("error m/a.npy: numpy: npy object array imports posix.system, which is "
                          "denied: loading the file calls it (offset 133)"));
  EXPECT_THAT(scan("m/a.npz", "mixed.npz"),
              ElementsAre("error m/a.npz: numpy-archive: member 'objects.npy' object array "
                          "imports builtins.eval, which is denied: loading the file calls it "
                          "(offset 133)"));
}

TEST(ModelSerialization, LegacyTarIsScannedRecordByRecord) {
  EXPECT_THAT(scan("m/old.pt", "legacy_tar.pt"),
              ElementsAre("error m/old.pt: pytorch-legacy: tar member 'pickle' imports "
                          "posix.system, which is denied: loading the file calls it (offset 2)"));
}

TEST(ModelSerialization, SafetensorsValidatedAndFormatsRestricted) {
  EXPECT_THAT(scan("m/w.safetensors", "benign.safetensors"), IsEmpty());
  EXPECT_THAT(
      scan("m/w.safetensors", "benign.safetensors", "{allowed-formats: [safetensors, onnx]}"),
      IsEmpty());
  EXPECT_THAT(scan("m/model.pt", "benign.pt", "{allowed-formats: [safetensors, onnx]}"),
              ElementsAre("error m/model.pt: format 'pytorch' is not allowed here (allowed: "
                          "safetensors, onnx)"));
}

TEST(ModelSerialization, FindingsAreSecurityFindingsWithStableBasis) {
  RuleHarness h;
  h.change("m/model.pt", fixture("malicious.pt"));
  auto result = h.run("model-serialization");
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_TRUE(result.findings[0].security);
  EXPECT_EQ(result.findings[0].fingerprint_basis, "denied:posix.system");
}

TEST(ModelSerialization, NothingInScopeIsSkipped) {
  RuleHarness h;
  EXPECT_TRUE(h.run("model-serialization").skipped.has_value());
}

TEST(ModelSerialization, BadParametersAreInputErrors) {
  RuleHarness h;
  EXPECT_THROW(h.run("model-serialization", "{allowed-formats: [zip]}"), InputError);
  EXPECT_THROW(h.run("model-serialization", "{allow: ['.bad']}"), InputError);
  EXPECT_THROW(h.run("model-serialization", "{alow: [x]}"), InputError);
}

}  // namespace
}  // namespace gate::test
