#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
// pass first, so clean lines cost one scan) and are then confirmed: Luhn for payment cards,
// ISO 13616 mod-97 for IBANs, SSA rules for SSNs, octet ranges for IPv4, inet_pton for IPv6, and
// word boundaries for all. Thread-safe after construction.
class PiiScanner {
 public:
  PiiScanner();
  ~PiiScanner();
  std::vector<PiiMatch> scan(std::string_view line) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

bool luhn_valid(std::string_view digits);
bool iban_valid(std::string_view iban);  // without spaces
bool ssn_valid(std::string_view ssn);    // ddd-dd-dddd

}  // namespace gate::data
