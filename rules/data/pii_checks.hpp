#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

// The checks that confirm a PII candidate found by shape: checksums, numbering plans, ranges.
namespace gate::data {

bool luhn_valid(std::string_view digits);
bool iban_valid(std::string_view iban);  // without spaces, either case; country length checked
size_t iban_length(std::string_view country);  // the registry's IBAN length; 0 when none
bool ssn_valid(std::string_view ssn);          // ddd-dd-dddd

// Payment cards: issuer prefix and length (ISO/IEC 7812 ranges), grouping as printed.
bool card_prefix(std::string_view digits);
bool card_grouping(std::string_view text);

bool ipv4_valid(std::string_view text);
bool ipv6_valid(std::string_view text);
// Whether the dotted quad at `offset` follows a word that makes it a version ("version 1.2.3.4",
// "build: 10.0.19041.1", "rev=1.2.3.4").
bool follows_version_word(std::string_view line, size_t offset);
// Whether a column label names versions: "version", "app_version", "Build", "firmware-rev".
bool is_version_label(std::string_view label);

// "+" and a country code, confirmed by libphonenumber's numbering plan; or the North American
// shape (10 digits).
bool international_phone_valid(std::string_view text);
// A national form ("020 7946 0958", "030 1234567") valid for one of the regions (ISO 3166-1
// alpha-2), starting with the region's trunk prefix where it has one.
bool national_phone_valid(std::string_view text, const std::vector<std::string>& regions);
// The digits a national number starts with in the region ("0" in most; "" where none, and for
// North America, where the "1" is optional).
std::string trunk_prefix(const std::string& region);
// The regions libphonenumber knows (for validating a policy's list).
const std::set<std::string>& phone_regions();

}  // namespace gate::data
