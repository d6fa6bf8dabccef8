#include "rules/data/pii_detectors.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

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

bool phone_valid(std::string_view text) {
  size_t count = digits_of(text).size();
  if (text[0] == '+') return count >= 8 && count <= 15;
  return count == 10;
}

bool card_prefix(std::string_view digits) {
  char a = digits[0];
  char b = digits[1];
  return a == '4' || (a == '5' && b >= '1' && b <= '5') || (a == '2' && b >= '2' && b <= '7') ||
         (a == '3' && (b == '4' || b == '7' || b == '6' || b == '8')) || a == '6';
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
               card_prefix(digits) && luhn_valid(digits);
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
