#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// data-pii: added rows of data files are scanned for personal data (e-mail, phone, payment card,
// IBAN, US SSN, IPv4, IPv6). Findings are redacted; a dataset that declares `pii: {basis: ...}`
// in its descriptor gets notices instead of errors.
RuleType data_pii_type();

}  // namespace gate::rules
