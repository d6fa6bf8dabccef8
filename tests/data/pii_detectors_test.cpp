#include <gtest/gtest.h>

#include "rules/data/pii_detectors.hpp"

namespace gate::data {
namespace {

std::vector<std::string> found(std::string_view line) {
  static const PiiScanner scanner;
  std::vector<std::string> out;
  for (const auto& m : scanner.scan(line)) {
    out.push_back(std::string(to_string(m.kind)) + "@" + std::to_string(m.offset) + ":" + m.value);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(PiiDetectors, FindsEachKind) {
  EXPECT_EQ(found("1,jane.doe@example.com,x"), (Strings{"email@2:jane.doe@example.com"}));
  EXPECT_EQ(found("call +44 20 7946 0958 now"), (Strings{"phone@5:+44 20 7946 0958"}));
  EXPECT_EQ(found("(415) 555-2671"), (Strings{"phone@0:(415) 555-2671"}));
  EXPECT_EQ(found("card 4111 1111 1111 1111;"), (Strings{"payment-card@5:4111 1111 1111 1111"}));
  EXPECT_EQ(found("iban DE89 3704 0044 0532 0130 00 EUR"),
            (Strings{"iban@5:DE89 3704 0044 0532 0130 00"}));
  EXPECT_EQ(found("GB82WEST12345698765432"), (Strings{"iban@0:GB82WEST12345698765432"}));
  EXPECT_EQ(found("ssn=123-45-6789"), (Strings{"us-ssn@4:123-45-6789"}));
  EXPECT_EQ(found("from 192.168.10.1:80"), (Strings{"ipv4@5:192.168.10.1"}));
  EXPECT_EQ(found("host 2001:db8:85a3::8a2e:370:7334."),
            (Strings{"ipv6@5:2001:db8:85a3::8a2e:370:7334"}));
}

TEST(PiiDetectors, ChecksumsAndShapesRejectLookalikes) {
  EXPECT_EQ(found("4111 1111 1111 1112"), Strings{});          // Luhn fails
  EXPECT_EQ(found("DE89 3704 0044 0532 0130 01"), Strings{});  // mod-97 fails
  EXPECT_EQ(found("000-12-3456 666-12-3456 900-12-3456 123-00-4567"), Strings{});
  EXPECT_EQ(found("version 1.2.3.4.5 and 300.1.1.1"), Strings{});
  EXPECT_EQ(found("at 12:30:45 on 2024-05-01T10:20:30Z, mac 00:1a:2b:3c:4d:5e"), Strings{});
  EXPECT_EQ(found("id 12345678901234567890, total 1234567"), Strings{});
  EXPECT_EQ(found("user@localhost"), Strings{});
}

TEST(PiiDetectors, Validators) {
  EXPECT_TRUE(luhn_valid("79927398713"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_TRUE(iban_valid("FR1420041010050500013M02606"));
  EXPECT_FALSE(iban_valid("FR1420041010050500013M02607"));
  EXPECT_FALSE(iban_valid("FR14"));
  EXPECT_TRUE(ssn_valid("078-05-1120"));
}

TEST(PiiDetectors, HostileLines) {
  EXPECT_EQ(found(std::string(1 << 20, '1')), Strings{});
  EXPECT_EQ(found(std::string(100000, '@')), Strings{});
  EXPECT_EQ(found(std::string("\xff\xfe a@b.co \0 x", 14)), (Strings{"email@3:a@b.co"}));
  std::string colons;
  for (int i = 0; i < 20000; ++i) colons += "ab:";
  EXPECT_EQ(found(colons), Strings{});
}

}  // namespace
}  // namespace gate::data
