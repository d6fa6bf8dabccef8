#include "rules/data/pii_detectors.hpp"

#include <arpa/inet.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

namespace gate::data {

namespace {

struct Pattern {
  PiiKind kind;
  const char* regex;
};

// Candidate shapes; each is confirmed by a check below before it counts.
const Pattern kPatterns[] = {
    {PiiKind::email,
     R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24})"},
    {PiiKind::phone,
     R"(\+[1-9][0-9 ().\-]{6,20}[0-9]|\(?[2-9][0-9]{2}\)?[ .\-][2-9][0-9]{2}[ .\-][0-9]{4})"},
    {PiiKind::payment_card, R"([0-9](?:[ \-]?[0-9]){12,18})"},
    {PiiKind::iban, R"([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30})"},
    {PiiKind::us_ssn, R"([0-9]{3}-[0-9]{2}-[0-9]{4})"},
    {PiiKind::ipv4, R"((?:[0-9]{1,3}\.){3}[0-9]{1,3})"},
    {PiiKind::ipv6, R"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"},
};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

// The match must not continue a longer word or number on either side.
bool bounded(std::string_view line, size_t offset, size_t length, bool dot_joins) {
  if (offset > 0) {
    char before = line[offset - 1];
    if (word_char(before) || (dot_joins && before == '.')) return false;
  }
  size_t end = offset + length;
  if (end < line.size()) {
    char after = line[end];
    if (word_char(after)) return false;
    if (dot_joins && after == '.' && end + 1 < line.size() && word_char(line[end + 1]))
      return false;
  }
  return true;
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

bool ipv6_valid(std::string_view text) {
  if (text.size() > 45) return false;
  size_t groups = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ':') {
      ++i;
      continue;
    }
    ++groups;
    while (i < text.size() && text[i] != ':') ++i;
  }
  if (groups < 3) return false;  // "::1", times like "12:30" and the like are not addresses
  std::string copy(text);
  unsigned char buffer[16];
  return inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

// International numbers are confirmed by libphonenumber (the numbering plan of the country code:
// length and leading digits), the check Presidio's phone recognizer uses; "+100 14019" or a road
// marker "+827 60025" is no one's number. North American forms keep their shape check.
bool phone_valid(std::string_view text) {
  size_t count = digits_of(text).size();
  if (text[0] != '+') return count == 10;
  if (count < 8 || count > 15) return false;
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(text), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return false;
  }
  return util.IsValidNumber(number);
}

// Whether the digits have the prefix and length of a card network's numbers (ISO/IEC 7812
// ranges the networks publish): Visa 4 (13, 16, 19), Mastercard 51-55 and 2221-2720 (16), Amex
// 34, 37 (15), Discover 6011, 644-649, 65 (16-19), JCB 3528-3589 (16-19), Diners 300-305, 36,
// 38, 39 (14-19), UnionPay 62 (16-19), Maestro 50, 56-58, 63, 67 (12-19).
bool card_prefix(std::string_view digits) {
  size_t n = digits.size();
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
  int remainder = 0;
  auto feed = [&](char c) {
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

std::string_view to_string(PiiKind kind) {
  switch (kind) {
    case PiiKind::email:
      return "email";
    case PiiKind::phone:
      return "phone";
    case PiiKind::payment_card:
      return "payment-card";
    case PiiKind::iban:
      return "iban";
    case PiiKind::us_ssn:
      return "us-ssn";
    case PiiKind::ipv4:
      return "ipv4";
    case PiiKind::ipv6:
      return "ipv6";
  }
  return "pii";
}

std::string_view describe(PiiKind kind) {
  switch (kind) {
    case PiiKind::email:
      return "e-mail address";
    case PiiKind::phone:
      return "phone number";
    case PiiKind::payment_card:
      return "payment card number";
    case PiiKind::iban:
      return "IBAN";
    case PiiKind::us_ssn:
      return "US social security number";
    case PiiKind::ipv4:
      return "IPv4 address";
    case PiiKind::ipv6:
      return "IPv6 address";
  }
  return "personal data";
}

struct PiiScanner::Impl {
  RE2::Set set{RE2::Options(), RE2::UNANCHORED};
  std::vector<std::unique_ptr<RE2>> patterns;
};

PiiScanner::PiiScanner() : impl_(std::make_unique<Impl>()) {
  for (const Pattern& p : kPatterns) {
    impl_->patterns.push_back(std::make_unique<RE2>(p.regex));
    if (impl_->set.Add(p.regex, nullptr) < 0 || !impl_->patterns.back()->ok()) {
      throw std::logic_error(std::string("bad PII pattern ") + p.regex);
    }
  }
  if (!impl_->set.Compile()) throw std::logic_error("PII pattern set does not compile");
}

PiiScanner::~PiiScanner() = default;

std::vector<PiiMatch> PiiScanner::scan(std::string_view line) const {
  std::vector<PiiMatch> matches;
  std::vector<int> hits;
  re2::StringPiece text(line.data(), line.size());
  if (!impl_->set.Match(text, &hits)) return matches;
  std::sort(hits.begin(), hits.end());
  for (int index : hits) {
    PiiKind kind = kPatterns[index].kind;
    const RE2& re = *impl_->patterns[index];
    size_t pos = 0;
    re2::StringPiece found;
    while (pos <= line.size() && re.Match(text, pos, line.size(), RE2::UNANCHORED, &found, 1)) {
      size_t offset = found.data() - line.data();
      std::string_view value(found.data(), found.size());
      pos = offset + std::max<size_t>(found.size(), 1);
      bool ok = false;
      switch (kind) {
        case PiiKind::email:
          ok = bounded(line, offset, value.size(), false);
          break;
        case PiiKind::phone:
          ok = bounded(line, offset, value.size(), true) && phone_valid(value);
          break;
        case PiiKind::payment_card: {
          std::string digits = digits_of(value);
          ok = bounded(line, offset, value.size(), true) && digits.size() >= 13 &&
               card_prefix(digits) && card_grouping(value) && luhn_valid(digits);
          break;
        }
        case PiiKind::iban: {
          // The shape may swallow a following word ("... 3000 EUR"): try shorter prefixes too.
          if (offset > 0 && word_char(line[offset - 1])) break;
          for (size_t length = value.size(); length >= 15 && !ok; --length) {
            if (value[length - 1] == ' ') continue;
            if (length < value.size() && word_char(value[length]) && value[length - 1] != ' ') {
              continue;
            }
            std::string compact;
            for (char c : value.substr(0, length)) {
              if (c != ' ') compact += c;
            }
            if (iban_valid(compact)) {
              ok = true;
              value = value.substr(0, length);
            }
          }
          break;
        }
        case PiiKind::us_ssn:
          ok = bounded(line, offset, value.size(), false) && ssn_valid(value);
          break;
        case PiiKind::ipv4:
          ok = bounded(line, offset, value.size(), true) && ipv4_valid(value);
          break;
        case PiiKind::ipv6: {
          // Not part of a longer run of hex groups on either side.
          auto joins = [](char c) {
            return c == ':' || std::isxdigit(static_cast<unsigned char>(c)) != 0;
          };
          size_t end = offset + value.size();
          ok = (offset == 0 || !joins(line[offset - 1])) &&
               (end == line.size() || !joins(line[end])) && ipv6_valid(value);
          break;
        } break;
      }
      if (ok) matches.push_back({kind, offset, std::string(value)});
    }
  }
  // A payment card or an SSN is also a run of digits that other shapes may claim: keep the most
  // specific finding for one span.
  std::sort(matches.begin(), matches.end(), [](const PiiMatch& a, const PiiMatch& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.kind < b.kind;
  });
  std::vector<PiiMatch> kept;
  for (auto& m : matches) {
    if (!kept.empty() && m.offset < kept.back().offset + kept.back().value.size()) continue;
    kept.push_back(std::move(m));
  }
  return kept;
}

}  // namespace gate::data
