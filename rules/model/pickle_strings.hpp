#pragma once

#include <string>

namespace gate::rules::model {

// Decodes the argument of the protocol 0 STRING opcode: a Python repr such as 'os' or "\x6fs".
// Returns the text between the quotes with escapes resolved (as pickle's escape_decode does).
std::string decode_python_string_literal(const std::string& literal);

// Decodes the argument of the UNICODE opcode (raw-unicode-escape: \uXXXX and \UXXXXXXXX) to UTF-8.
std::string decode_raw_unicode_escape(const std::string& text);

// The module name the unpickler imports for protocol 0-2 pickles written by Python 2
// (_compat_pickle's mapping, for the modules that matter to a verdict).
std::string python3_module_name(const std::string& module);

}  // namespace gate::rules::model
