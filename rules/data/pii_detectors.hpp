#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/data/pii_checks.hpp"

namespace gate::data {

enum class PiiKind { email, phone, payment_card, iban, us_ssn, ipv4, ipv6 };
std::string_view to_string(PiiKind kind);  // "email", "payment-card", ...
std::string_view describe(PiiKind kind);   // "e-mail address", "payment card number", ...

struct PiiMatch {
  PiiKind kind;
  size_t offset = 0;  // byte offset in the scanned text
  std::string value;  // as found (only ever shown redacted)
};

// Finds personal data in one line of text. Candidates come from RE2 (linear time; a RE2::Set
// pass first, so clean lines cost one scan) and are then confirmed: Luhn and issuer ranges for
// payment cards, ISO 13616 country length and mod-97 for IBANs, SSA rules for SSNs, octet ranges
// (and no version word before) for IPv4, inet_pton for IPv6, libphonenumber for phone numbers, and
// word boundaries for all. National phone forms are looked for only in `phone_regions` (ISO
// 3166-1 alpha-2 codes: a number without country code means something only in a region).
// Thread-safe after construction.
class PiiScanner {
 public:
  explicit PiiScanner(std::vector<std::string> phone_regions = {});
  ~PiiScanner();
  std::vector<PiiMatch> scan(std::string_view line) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gate::data
