#include <gtest/gtest.h>

#include "rules/data/pii_detectors.hpp"

namespace gate::data {
namespace {

std::vector<std::string> found_by(const PiiScanner& scanner, std::string_view line) {
  std::vector<std::string> out;
  for (const auto& m : scanner.scan(line)) {
    out.push_back(std::string(to_string(m.kind)) + "@" + std::to_string(m.offset) + ":" + m.value);
  }
  return out;
}

std::vector<std::string> found(std::string_view line) {
  static const PiiScanner scanner;
  return found_by(scanner, line);
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

TEST(PiiDetectors, JcbAndDinersCardsByTheirRanges) {
  EXPECT_EQ(found("jcb 3530 1113 3330 0000"), (Strings{"payment-card@4:3530 1113 3330 0000"}));
  EXPECT_EQ(found("jcb 3566002020360505"), (Strings{"payment-card@4:3566002020360505"}));
  EXPECT_EQ(found("diners 3056 930902 5904"), (Strings{"payment-card@7:3056 930902 5904"}));
  EXPECT_EQ(found("diners 30012345000003"), (Strings{"payment-card@7:30012345000003"}));
  // Luhn-valid, but just outside the ranges: 3527 is not JCB, 306 is not Diners.
  EXPECT_EQ(found("3527000000000008 30600000000001"), Strings{});
}

TEST(PiiDetectors, LowercaseIbansButNotMixedCaseWords) {
  EXPECT_EQ(found("iban gb82west12345698765432."), (Strings{"iban@5:gb82west12345698765432"}));
  EXPECT_EQ(found("de89 3704 0044 0532 0130 00 eur"),
            (Strings{"iban@0:de89 3704 0044 0532 0130 00"}));
  EXPECT_EQ(found("Gb82West12345698765432"), Strings{});
  // The checksum holds but the length is not Germany's (22): no IBAN.
  EXPECT_EQ(found("DE14 3704 0044 0532 0130 0"), Strings{});
  EXPECT_FALSE(iban_valid("ZZ6812345678901234"));
}

TEST(PiiDetectors, CompressedIpv6AndLoopback) {
  EXPECT_EQ(found("from ::1 port 80"), (Strings{"ipv6@5:::1"}));
  EXPECT_EQ(found("link fe80::1ff:fe23:4567:890a%eth0"),
            (Strings{"ipv6@5:fe80::1ff:fe23:4567:890a"}));
  EXPECT_EQ(found("peer=2001:db8::7"), (Strings{"ipv6@5:2001:db8::7"}));
  EXPECT_EQ(found("mapped ::ffff:192.0.2.1 here"), (Strings{"ipv6@7:::ffff:192.0.2.1"}));
  EXPECT_EQ(found("any :: and std::abs and Foo::Bar::baz"), Strings{});
  EXPECT_EQ(found("12:30 or 12:30:45 or 1:2:3"), Strings{});
}

TEST(PiiDetectors, VersionStringsAreNotIpv4Addresses) {
  EXPECT_EQ(found("v1.2.3.4"), Strings{});
  EXPECT_EQ(found("version 1.2.3.4"), Strings{});
  EXPECT_EQ(found("Version: 10.0.19041.1"), Strings{});
  EXPECT_EQ(found("build=4.2.0.1, rev \"1.0.0.2\", firmware 2.3.4.5"), Strings{});
  EXPECT_EQ(found("server 1.2.3.4"), (Strings{"ipv4@7:1.2.3.4"}));
  EXPECT_EQ(found("subversion 1.2.3.4"), (Strings{"ipv4@11:1.2.3.4"}));
}

TEST(PiiDetectors, NationalPhoneFormsOnlyInDeclaredRegions) {
  const PiiScanner europe({"GB", "DE", "FR"});
  EXPECT_EQ(found_by(europe, "tel 020 7946 0958"), (Strings{"phone@4:020 7946 0958"}));
  EXPECT_EQ(found_by(europe, "tel 030 12345678"), (Strings{"phone@4:030 12345678"}));
  EXPECT_EQ(found_by(europe, "tel 01 23 45 67 89"), (Strings{"phone@4:01 23 45 67 89"}));
  // Without a declared region the same digits are no one's number.
  EXPECT_EQ(found("tel 020 7946 0958"), Strings{});
  // Dates, counts without the trunk prefix and too-short numbers stay unreported.
  EXPECT_EQ(found_by(europe, "on 2024-05-01 or 01.05.2024, 12 345 678 items, 01 23"), Strings{});
  // Seen in public data: kilometre markers, house number and postcode, UUID pieces, decimals,
  // ISTAT codes, a German date and time.
  EXPECT_EQ(found_by(europe, "km.3+040 70010; VIA MADONNA 06 66041; d1-0934-5678-aa"), Strings{});
  EXPECT_EQ(found_by(europe, "62,06788035;030151360;\"09.07.2013 12:00:00\""), Strings{});
  EXPECT_EQ(found_by(europe, "km 11,055 1078 00176"), Strings{});
  // A card number stays a card, not a national phone number.
  EXPECT_EQ(found_by(europe, "4111 1111 1111 1111"),
            (Strings{"payment-card@0:4111 1111 1111 1111"}));
  const PiiScanner japan({"JP"});
  EXPECT_EQ(found_by(japan, "03-1234-5678"), (Strings{"phone@0:03-1234-5678"}));
  const PiiScanner britain({"GB"});
  EXPECT_EQ(found_by(britain, "03-1234-5678"), Strings{});  // ten digits: too short for 03
  EXPECT_TRUE(phone_regions().count("GB"));
  EXPECT_FALSE(phone_regions().count("XX"));
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
