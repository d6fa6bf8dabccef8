#include "rules/data/pii_checks.hpp"

#include <arpa/inet.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

namespace gate::data {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// IBAN lengths by country, from the SWIFT IBAN registry (ISO 13616): a country code that is not
// in it, or a length that is not its country's, is no IBAN whatever its checksum says.
constexpr std::pair<std::string_view, size_t> kIbanLengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
    {"YE", 30},
};

}  // namespace

size_t iban_length(std::string_view country) {
  if (country.size() != 2) return 0;
  std::string code{upper(country[0]), upper(country[1])};
  const auto* end = std::end(kIbanLengths);
  const auto* it = std::find_if(std::begin(kIbanLengths), end,
                                [&](const auto& entry) { return entry.first == code; });
  return it == end ? 0 : it->second;
}

namespace {

// Dates share the shape of short national numbers: 2024-05-01, 01.05.2024, 12/31/99, and
// "09.07.2013 12:00" (a date and then more).
bool date_shaped(std::string_view text) {
  std::vector<size_t> groups;
  std::vector<char> separators;
  size_t run = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      ++run;
      continue;
    }
    groups.push_back(run);
    separators.push_back(c);
    run = 0;
  }
  groups.push_back(run);
  if (groups.size() < 3 || separators[0] != separators[1]) return false;
  char separator = separators[0];
  if (separator != '-' && separator != '/' && separator != '.') return false;
  bool year_first = groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2;
  bool year_last = groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2);
  return year_first || year_last;
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (d < 0 || d > 9) return false;
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool iban_valid(std::string_view iban) {
  if (iban.size() < 15 || iban.size() > 34) return false;
  if (iban_length(iban.substr(0, 2)) != iban.size()) return false;
  int remainder = 0;
  auto feed = [&](char c) {
    c = upper(c);
    if (c >= '0' && c <= '9') {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      int value = c - 'A' + 10;
      remainder = (remainder * 100 + value) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (size_t i = 4; i < iban.size(); ++i) {
    if (!feed(iban[i])) return false;
  }
  for (size_t i = 0; i < 4; ++i) {
    if (!feed(iban[i])) return false;
  }
  return remainder == 1;
}

bool ssn_valid(std::string_view ssn) {
  if (ssn.size() != 11) return false;
  std::string_view area = ssn.substr(0, 3);
  std::string_view group = ssn.substr(4, 2);
  std::string_view serial = ssn.substr(7, 4);
  if (area == "000" || area == "666" || area[0] == '9') return false;
  return group != "00" && serial != "0000";
}

// Visa 4 (13, 16, 19), Mastercard 51-55 and 2221-2720 (16), Amex 34, 37 (15), Discover 6011,
// 644-649, 65 (16-19), JCB 3528-3589 (16-19), Diners 300-305, 36, 38, 39 (14-19), UnionPay 62
// (16-19), Maestro 50, 56-58, 63, 67 (12-19).
bool card_prefix(std::string_view digits) {
  size_t n = digits.size();
  if (n == 0) return false;
  auto starts = [&](int low, int high, size_t width) {
    if (n < width) return false;
    int value = 0;
    for (size_t i = 0; i < width; ++i) value = value * 10 + (digits[i] - '0');
    return value >= low && value <= high;
  };
  auto length = [&](size_t low, size_t high) { return n >= low && n <= high; };
  if (digits[0] == '4') return n == 13 || n == 16 || n == 19;
  if (starts(51, 55, 2) || starts(2221, 2720, 4)) return n == 16;
  if (starts(34, 34, 2) || starts(37, 37, 2)) return n == 15;
  if (starts(6011, 6011, 4) || starts(644, 649, 3) || starts(65, 65, 2)) return length(16, 19);
  if (starts(3528, 3589, 4)) return length(16, 19);
  if (starts(300, 305, 3) || starts(36, 36, 2) || starts(38, 39, 2)) return length(14, 19);
  if (starts(62, 62, 2)) return length(16, 19);
  if (starts(50, 50, 2) || starts(56, 58, 2) || starts(63, 63, 2) || starts(67, 67, 2)) {
    return length(12, 19);
  }
  return false;
}

// Card numbers are written in one run or in groups of four (Amex and Diners: 4-6-5, 4-6-4);
// separators anywhere else ("44 0044 160 39030") are some other number.
bool card_grouping(std::string_view text) {
  std::vector<size_t> groups;
  size_t run = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      ++run;
    } else {
      groups.push_back(run);
      run = 0;
    }
  }
  groups.push_back(run);
  if (groups.size() == 1) return true;
  bool fours = std::all_of(groups.begin(), groups.end() - 1, [](size_t g) { return g == 4; }) &&
               groups.back() >= 1 && groups.back() <= 4;
  bool amex =
      groups.size() == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4);
  return fours || amex;
}

bool ipv4_valid(std::string_view text) {
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view octet = text.substr(start, end - start);
    if (octet.empty() || octet.size() > 3) return false;
    int value = 0;
    for (char c : octet) value = value * 10 + (c - '0');
    if (value > 255) return false;
    start = end + 1;
  }
  return text != "0.0.0.0";
}

const std::set<std::string, std::less<>>& version_words() {
  static const std::set<std::string, std::less<>> kWords = {
      "version", "versions", "ver",      "vers", "v",        "release", "rel", "build",
      "rev",     "revision", "firmware", "fw",   "software", "sw",      "tag", "patch"};
  return kWords;
}

bool is_version_label(std::string_view label) {
  // Any word of the label, split at what is not a letter: "app_version", "Firmware Rev".
  std::string word;
  for (size_t i = 0; i <= label.size(); ++i) {
    char c = i < label.size() ? label[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      continue;
    }
    if (word.size() > 1 && version_words().count(word)) return true;
    word.clear();
  }
  return false;
}

bool follows_version_word(std::string_view line, size_t offset) {
  const auto& kWords = version_words();
  size_t end = offset;
  // Up to a few separators between the word and the number: "version: 1.2.3.4", "rev=1.2.3.4".
  size_t skipped = 0;
  while (end > 0 && skipped < 4 &&
         std::string_view(" \t:=\"'(#").find(line[end - 1]) != std::string_view::npos) {
    --end;
    ++skipped;
  }
  size_t start = end;
  while (start > 0 && end - start < 12 &&
         std::isalpha(static_cast<unsigned char>(line[start - 1]))) {
    --start;
  }
  if (start == end || (start > 0 && std::isalnum(static_cast<unsigned char>(line[start - 1])))) {
    return false;
  }
  std::string word;
  for (char c : line.substr(start, end - start)) {
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return kWords.count(word) > 0;
}

bool ipv6_valid(std::string_view text) {
  if (text.size() > 45) return false;
  // Without "::" an address has all eight groups, which times ("12:30:45") and MAC addresses
  // never do; with it, compressed forms such as "::1" and "fe80::1" count. The unspecified
  // address "::" is no one's.
  if (text.find(':') == std::string_view::npos || text == "::") return false;
  std::string copy(text);
  unsigned char buffer[16];
  return inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

// International numbers are confirmed by libphonenumber (the numbering plan of the country code:
// length and leading digits), the check Presidio's phone recognizer uses; "+100 14019" or a road
// marker "+827 60025" is no one's number. North American forms keep their shape check.
bool international_phone_valid(std::string_view text) {
  size_t count = digits_of(text).size();
  if (text[0] != '+') return count == 10;
  if (count < 8 || count > 15) return false;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(text), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return false;
  }
  return util.IsValidNumber(number);
}

bool national_phone_valid(std::string_view text, const std::vector<std::string>& regions) {
  // Eight digits at least, trunk prefix included: shorter groups are house numbers and postcodes
  // ("VIA MADONNA 06 66041") far more often than someone's number.
  std::string digits = digits_of(text);
  if (digits.size() < 8 || digits.size() > 15) return false;
  bool opens = text.front() == '(';
  if (opens != (text.find(')') != std::string_view::npos)) return false;
  if (date_shaped(text)) return false;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  for (const std::string& region : regions) {
    // A trunk prefix (0 in most of Europe, Asia and Oceania) starts every national form there;
    // without it a bare run of digits is more often a count or an id than a number.
    std::string trunk = trunk_prefix(region);
    if (!trunk.empty() && digits.rfind(trunk, 0) != 0) continue;
    PhoneNumber number;
    if (util.Parse(std::string(text), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
      continue;
    }
    if (util.IsValidNumberForRegion(number, region)) return true;
  }
  return false;
}

std::string trunk_prefix(const std::string& region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string trunk;
  if (util.IsNANPACountry(region)) return trunk;
  util.GetNddPrefixForRegion(region, true, &trunk);
  return trunk;
}

const std::set<std::string>& phone_regions() {
  static const std::set<std::string> regions = [] {
    std::set<std::string> out;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&out);
    return out;
  }();
  return regions;
}

}  // namespace gate::data
