#include "rules/data/pii_detectors.hpp"

#include "rules/data/pii_checks.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

namespace gate::data {

namespace {

struct Pattern {
  PiiKind kind;
  const char* regex;
  bool national = false;  // a phone number in national form, checked against declared regions
};

// Candidate shapes; each is confirmed by a check (pii_checks) before it counts.
const Pattern kPatterns[] = {
    {PiiKind::email,
     R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24})"},
    {PiiKind::phone,
     R"(\+[1-9][0-9 ().\-]{6,20}[0-9]|\(?[2-9][0-9]{2}\)?[ .\-][2-9][0-9]{2}[ .\-][0-9]{4})"},
    {PiiKind::payment_card, R"([0-9](?:[ \-]?[0-9]){12,18})"},
    {PiiKind::iban, R"([A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30})"},
    {PiiKind::us_ssn, R"([0-9]{3}-[0-9]{2}-[0-9]{4})"},
    {PiiKind::ipv4, R"((?:[0-9]{1,3}\.){3}[0-9]{1,3})"},
    // IPv4-mapped and -compatible forms end in a dotted quad: "::ffff:192.0.2.1".
    {PiiKind::ipv6, R"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?:\.[0-9]{1,3}){3})?)"},
};

// National forms in groups: "020 7946 0958", "(02) 1234 5678", "03-1234-5678". An undivided run
// of digits is more often an id or a code (ISTAT, postal, a decimal's fraction) than a number.
const Pattern kNationalPhone = {PiiKind::phone, R"(\(?[0-9]{2,5}\)?(?:[ .\-/][0-9]{2,8}){1,4})",
                                true};
// The same when every region dials a trunk 0 first (most of them): far fewer candidates to try.
const Pattern kNationalPhoneTrunk0 = {PiiKind::phone,
                                      R"(\(?0[0-9]{1,4}\)?(?:[ .\-/][0-9]{2,8}){1,4})", true};

// A national number stands apart: not the tail of "+39 ..." or "km 3+040", not a piece of a
// UUID, date, decimal or dotted code ("a1-0934-5678", "12.0934 5678", "11,055 1078").
bool stands_apart(std::string_view line, size_t offset, size_t length) {
  auto joins = [](char c) { return std::string_view("+-./_:").find(c) != std::string_view::npos; };
  if (offset > 0 && joins(line[offset - 1])) return false;
  // The fraction of a decimal written with a comma: "km 11,055 1078".
  if (offset > 1 && line[offset - 1] == ',' && line[offset - 2] >= '0' && line[offset - 2] <= '9') {
    return false;
  }
  size_t end = offset + length;
  return end >= line.size() || !(line[end] == '-' || line[end] == '/' || line[end] == '+' ||
                                 line[end] == '_' || line[end] == ':');
}

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

// Where two candidates overlap, the one a checksum confirmed wins over one only its shape and a
// numbering plan confirmed: "4111 1111 1111 1111" is a card, not a national phone number.
int specificity(PiiKind kind) {
  switch (kind) {
    case PiiKind::payment_card:
      return 0;
    case PiiKind::iban:
      return 1;
    case PiiKind::us_ssn:
      return 2;
    case PiiKind::email:
      return 3;
    case PiiKind::ipv6:
      return 4;  // "::ffff:192.0.2.1" is one IPv6 address, not an IPv4 one after some colons
    case PiiKind::ipv4:
      return 5;
    case PiiKind::phone:
      return 6;
  }
  return 7;
}

}  // namespace

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
  std::vector<Pattern> shapes;
  std::vector<std::unique_ptr<RE2>> patterns;
  std::vector<std::string> regions;
};

PiiScanner::PiiScanner(std::vector<std::string> phone_regions) : impl_(std::make_unique<Impl>()) {
  impl_->shapes.assign(std::begin(kPatterns), std::end(kPatterns));
  if (!phone_regions.empty()) {
    bool trunk0 =
        std::all_of(phone_regions.begin(), phone_regions.end(),
                    [](const std::string& region) { return trunk_prefix(region) == "0"; });
    impl_->shapes.push_back(trunk0 ? kNationalPhoneTrunk0 : kNationalPhone);
  }
  impl_->regions = std::move(phone_regions);
  for (const Pattern& p : impl_->shapes) {
    impl_->patterns.push_back(std::make_unique<RE2>(p.regex));
    if (impl_->set.Add(p.regex, nullptr) < 0 || !impl_->patterns.back()->ok()) {
      throw std::logic_error(std::string("bad PII pattern ") + p.regex);
    }
  }
  if (!impl_->set.Compile()) throw std::logic_error("PII pattern set does not compile");
}

PiiScanner::~PiiScanner() = default;

namespace {

// An IBAN is written in capitals or, copied from some forms, in small letters; a mix is a word.
bool one_case(std::string_view text) {
  bool upper = false;
  bool lower = false;
  for (char c : text) {
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
  }
  return !(upper && lower);
}

// The shape may swallow a following word ("... 3000 EUR"): shorter prefixes are tried too.
// The shape may swallow a following word ("... 3000 EUR"): the country's IBAN length says where
// the IBAN ends, and it must end at a space or the end of the shape.
std::optional<std::string_view> confirmed_iban(std::string_view line, size_t offset,
                                               std::string_view value) {
  if (offset > 0 && word_char(line[offset - 1])) return std::nullopt;
  size_t length = iban_length(value.substr(0, 2));
  if (length == 0) return std::nullopt;
  std::string compact;
  size_t end = 0;
  while (end < value.size() && compact.size() < length) {
    if (value[end] != ' ') compact += value[end];
    ++end;
  }
  if (compact.size() < length || (end < value.size() && value[end] != ' ')) return std::nullopt;
  if (!one_case(compact) || !iban_valid(compact)) return std::nullopt;
  return value.substr(0, end);
}

bool confirmed_ipv6(std::string_view line, size_t offset, std::string_view value) {
  // Not part of a longer run of hex groups, nor of a word ("std::abs", "Foo::Bar").
  auto joins = [](char c) {
    return c == ':' || c == '_' || std::isalnum(static_cast<unsigned char>(c)) != 0;
  };
  size_t end = offset + value.size();
  return (offset == 0 || !joins(line[offset - 1])) && (end == line.size() || !joins(line[end])) &&
         ipv6_valid(value);
}

}  // namespace

std::vector<PiiMatch> PiiScanner::scan(std::string_view line) const {
  std::vector<PiiMatch> matches;
  std::vector<int> hits;
  re2::StringPiece text(line.data(), line.size());
  if (!impl_->set.Match(text, &hits)) return matches;
  std::sort(hits.begin(), hits.end());
  for (int index : hits) {
    const Pattern& shape = impl_->shapes[static_cast<size_t>(index)];
    PiiKind kind = shape.kind;
    const RE2& re = *impl_->patterns[static_cast<size_t>(index)];
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
          ok = bounded(line, offset, value.size(), true) &&
               (shape.national ? stands_apart(line, offset, value.size()) &&
                                     national_phone_valid(value, impl_->regions)
                               : international_phone_valid(value));
          break;
        case PiiKind::payment_card: {
          std::string digits = digits_of(value);
          ok = bounded(line, offset, value.size(), true) && digits.size() >= 13 &&
               card_prefix(digits) && card_grouping(value) && luhn_valid(digits);
          break;
        }
        case PiiKind::iban:
          if (auto iban = confirmed_iban(line, offset, value)) {
            ok = true;
            value = *iban;
          }
          break;
        case PiiKind::us_ssn:
          ok = bounded(line, offset, value.size(), false) && ssn_valid(value);
          break;
        case PiiKind::ipv4:
          ok = bounded(line, offset, value.size(), true) && ipv4_valid(value) &&
               !follows_version_word(line, offset);
          break;
        case PiiKind::ipv6:
          ok = confirmed_ipv6(line, offset, value);
          break;
      }
      if (ok) matches.push_back({kind, offset, std::string(value)});
    }
  }
  // A payment card or an SSN is also a run of digits that other shapes may claim: one finding a
  // span, the most specific.
  std::sort(matches.begin(), matches.end(), [](const PiiMatch& a, const PiiMatch& b) {
    return a.offset != b.offset ? a.offset < b.offset : specificity(a.kind) < specificity(b.kind);
  });
  std::vector<PiiMatch> kept;
  for (auto& m : matches) {
    if (!kept.empty() && m.offset < kept.back().offset + kept.back().value.size()) {
      if (specificity(m.kind) < specificity(kept.back().kind)) kept.back() = std::move(m);
      continue;
    }
    kept.push_back(std::move(m));
  }
  return kept;
}

}  // namespace gate::data
