#include "rules/data/fixed_pattern.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

namespace gate::data {
namespace {

TEST(FixedPattern, AcceptsOnlyThePlainSubset) {
  for (const char* plain : {"[A-Z]{2}-[0-9]{4}", "^\\d{5}$", "abc", "", "$", "[a-fA-F0-9]{8}",
                            "\\w{3}\\.\\-", "a{0}b", "x{1000}", "[A-z]", "\\$$"}) {
    EXPECT_TRUE(FixedPattern::parse(plain)) << plain;
  }
  for (const char* other :
       {"a+",   "a*", "a?",      "a{1,3}", "a{2,}", "a{2}?",       "(ab)",    "a|b",
        "[^a]", ".",  "\\s",     "\\b",    "[a-]",  "[]a]",        "a{",      "[a",
        "\\$",  "\\", "x{2000}", "\\pL",   "(?i)a", "[[:alpha:]]", "\xc3\xa9"}) {
    EXPECT_FALSE(FixedPattern::parse(other)) << other;
  }
}

TEST(FixedPattern, DecidesLikeRe2OnRandomText) {
  const std::vector<std::string> patterns = {
      "[A-Z]{2}-[0-9]{4}", "^\\d{5}$", "abc",      "",       "$",        "[a-fA-F0-9]{8}",
      "\\w{3}\\.\\-",      "a{0}b",    "[A-z]{2}", "\\d\\d", "[0-9a-c]", "#= :/,@_-",
      "\\$\\^\\{[A-C]{2}", "\\$$"};
  const std::string alphabet = "AZaz09bc-._$^{:#= /,@`[\\\n\x7f\xc3\xa9\xff";
  std::mt19937 random(1234);
  for (const std::string& text : patterns) {
    RE2 re(text, RE2::Quiet);
    ASSERT_TRUE(re.ok()) << text;
    std::optional<FixedPattern> fixed = FixedPattern::parse(text);
    ASSERT_TRUE(fixed) << text;
    for (int round = 0; round < 20000; ++round) {
      std::string sample;
      size_t length = random() % 12;
      for (size_t i = 0; i < length; ++i) sample += alphabet[random() % alphabet.size()];
      if (round % 3 == 0 && round > 0) {  // near misses of real matches
        sample = "AB-1234";
        sample[random() % sample.size()] = alphabet[random() % alphabet.size()];
      }
      ASSERT_EQ(fixed->full_match(sample), RE2::FullMatch(sample, re))
          << "pattern " << text << " text '" << sample << "'";
    }
  }
  EXPECT_TRUE(FixedPattern::parse("[A-Z]{2}-[0-9]{4}")->full_match("AB-1234"));
  EXPECT_FALSE(FixedPattern::parse("[A-Z]{2}-[0-9]{4}")->full_match("AB-12345"));
}

}  // namespace
}  // namespace gate::data
