// Built-in formats: private key blocks, JWTs, URLs with credentials and generic assignments.
#include <re2/re2.h>

#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/regex_util.hpp"

namespace gate::secrets {

namespace {

// A PEM-style block: BEGIN line, a body of at least 64 characters, END line. The secret is the
// body, so the redacted form shows neither armour line.
SecretRuleSpec key_block(std::string id, std::string description, const std::string& label) {
  SecretRuleSpec spec = builtin_format(
      std::move(id), std::move(description),
      "-----BEGIN " + label + "-----\\s*([\\s\\S]{64,}?)\\s*-----END " + label + "-----");
  spec.multiline = true;
  return spec;
}

// Values that are references or documentation placeholders, never credentials.
Allowlist placeholder_values() {
  Allowlist list;
  list.description = "placeholders and references";
  list.origin = "built-in";
  list.regexes.push_back(compile_builtin_regex(
      R"re((?i)^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|%\(.*\)s?|%s|<[^>]*>|\{\{.*\}\}|\*+|x+|\.+|(?:my|your|the)?[_-]?(?:password|passwd|pass|secret|token|changeme|example|placeholder|redacted|dummy)s?)$)re"));
  return list;
}

SecretRuleSpec with_placeholders(SecretRuleSpec spec) {
  spec.allowlists.push_back(placeholder_values());
  return spec;
}

}  // namespace

std::vector<SecretRuleSpec> key_and_generic_formats() {
  std::vector<SecretRuleSpec> formats = {
      key_block("private-key-rsa", "RSA private key block (PKCS#1)", "RSA PRIVATE KEY"),
      key_block("private-key-dsa", "DSA private key block", "DSA PRIVATE KEY"),
      key_block("private-key-ec", "EC private key block (SEC 1)", "EC PRIVATE KEY"),
      key_block("private-key-openssh", "OpenSSH private key block", "OPENSSH PRIVATE KEY"),
      key_block("private-key-pkcs8", "PKCS#8 private key block", "PRIVATE KEY"),
      key_block("private-key-pkcs8-encrypted", "encrypted PKCS#8 private key block",
                "ENCRYPTED PRIVATE KEY"),
      key_block("private-key-pgp", "PGP private key block", "PGP PRIVATE KEY BLOCK"),
      builtin_format(
          "jwt", "JSON Web Token (three base64url segments, eyJ header and payload)",
          R"re(\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}))re"),
      with_placeholders(builtin_format(
          "database-url-with-password",
          "database URL with an inline password (postgres, mysql, mongodb, redis, amqp, ...)",
          R"re((?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]+)://[^:/\s'"@]+:([^@/\s'"]{3,})@)re")),
      with_placeholders(builtin_format(
          "url-with-credentials", "http(s), ftp, smtp or ldap URL with an inline password",
          R"re((?i)\b(?:https?|ftps?|smtps?|ldaps?)://[^:/\s'"@]+:([^@/\s'"]{3,})@)re")),
  };

  // Generic assignments: the name says secret, the value looks random. Gated by Shannon entropy
  // and by the presence of a digit so identifiers and words (get_password_from_vault) pass. A
  // name right after '/' is a path (registry/secret-store:tag), and an unquoted value after ':'
  // needs a space (YAML), so image tags and URLs are not assignments.
  SecretRuleSpec password = with_placeholders(builtin_format(
      "generic-password-assignment",
      "password assigned a literal value (password=, passwd:, pwd =>), entropy >= 3.0",
      R"re((?i)(?:^|[^/])(?:password|passwd|pwd|passphrase)[A-Za-z0-9_\-]{0,20}['"]?[ \t]*(?:(?::=|=>|=)[ \t]*(?:"([^"\s]{8,128})"|'([^'\s]{8,128})'|([A-Za-z0-9_\-+/=!@#%^&*~]{8,128})(?:[\s;,]|$))|:[ \t]*(?:"([^"\s]{8,128})"|'([^'\s]{8,128})')|:[ \t]+([A-Za-z0-9_\-+/=!@#%^&*~]{8,128})(?:[\s;,]|$)))re",
      3.0));
  password.require_digit = true;
  formats.push_back(std::move(password));

  SecretRuleSpec secret = with_placeholders(builtin_format(
      "generic-secret-assignment",
      "secret, token, api key or client secret assigned a literal value, entropy >= 3.5",
      R"re((?i)(?:^|[^/])(?:secret|token|api[_\-]?key|access[_\-]?key|auth[_\-]?key|client[_\-]?secret|private[_\-]?key|credential)[A-Za-z0-9_\-]{0,20}['"]?[ \t]*(?:(?::=|=>|=)[ \t]*(?:"([^"\s]{16,256})"|'([^'\s]{16,256})'|([A-Za-z0-9_\-+/=.~]{16,256})(?:[\s;,]|$))|:[ \t]*(?:"([^"\s]{16,256})"|'([^'\s]{16,256})')|:[ \t]+([A-Za-z0-9_\-+/=.~]{16,256})(?:[\s;,]|$)))re",
      3.5));
  secret.require_digit = true;
  formats.push_back(std::move(secret));
  return formats;
}

}  // namespace gate::secrets
