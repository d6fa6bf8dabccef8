// Built-in formats: private key blocks, JWTs, URLs with credentials and generic assignments.
#include <re2/re2.h>

#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/regex_util.hpp"

#include <string>

namespace gate::secrets {

namespace {

// A PEM-style block: BEGIN line, a body of at least 64 characters, END line. The secret is the
// body, so the redacted form shows neither armour line.
SecretRuleSpec key_block(std::string id, std::string description, const std::string& label) {
  SecretRuleSpec spec = builtin_format(
      std::move(id), std::move(description),
      "-----BEGIN " + label + "-----\\s*([\\s\\S]{64,}?)\\s*-----END " + label + "-----");
  spec.multiline = true;
  spec.skip_placeholders = false;  // DER encodes runs of zero bytes as AAAAAAAA...
  return spec;
}

// Values that are references or documentation placeholders, never credentials.
Allowlist placeholder_values() {
  return builtin_allowlist(
      "placeholders and references",
      {R"re((?i)^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|%\(.*\)s?|%s|<[^>]*>|\{\{.*\}\}|\*+|x+|\.+|(?:my|your|the)?[_-]?(?:password|passwd|pass|secret|token|changeme|example|placeholder|redacted|dummy)s?)$)re"});
}

// A UUID names a resource (a credentials id, a tenant, an object) far more often than it is one.
Allowlist uuid_values() {
  return builtin_allowlist(
      "UUIDs",
      {R"re(^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$)re"});
}

// Names that hold a key's metadata or a public value, not a secret: `public_key`, `primaryKey`
// (a database column), `keyPressed`, `key_length`, `credentialId`, `LLM_SECRET_NAME`,
// `csrf-token`, and words that merely contain "key" (`monkeys`, `keyword`). Matched against the
// start of the match, i.e. the assigned name.
Allowlist non_secret_names() {
  const std::string name_start = R"re((?i)^[^\w.\-]?[\w.\-]*?)re";
  return builtin_allowlist(
      "names of metadata and public values",
      {name_start +
           R"re((?:pub(?:lic)?|primary|foreign|schema|sort|partition|row|hash|csrf|xsrf|idempotency|cache|jsonweb)[_.\-]?(?:key|token))re",
       name_start + R"re((?:keyword|keying|monkey|turkey|hockey|jockey|donkey|whiskey|keyboard))re",
       name_start +
           R"re((?:key|token|secret|credentials?|creds)s?[_.\-]?(?:ids?|names?|urls?|uris?|length|len|size|type|hash|event|file|path|chars|str|pair|pressed|vault\w*|signatures?|meshing|format|field|alias|index|count|prefix|down|up|store|ring|chain|code|map|stroke|bindings?|spec|ttl|version|usage|algorithm|algo|bits|mode|label|header|param|column|policy|rotation|endpoint|location|provider|ref|reference|arn|kind|expir\w*)(?:[^a-z0-9]|$))re"},
      AllowTarget::match);
}

// Values that are code, not credentials: a member access (`X25519.key_length`,
// `kVK_Return.u16`), an expression (`default_rc==0`), a file name (`s_rsa1024_priv.pem`), or a
// name that itself says key or token (`chain_Anvil2_Key`, `NEXUS-GPT4-API-KEY`).
Allowlist code_values() {
  return builtin_allowlist(
      "code and names as values",
      {R"re(^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$)re", R"re(^[A-Za-z_]\w*==)re",
       R"re((?i)\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|xml|png|jpe?g|gif|svg|html?|js|ts|py|rb|go|java)$)re",
       R"re((?i)(?:^|[_.\-])(?:key|token|secret|passw(?:or)?d)(?:$|[_.\-]))re"});
}

SecretRuleSpec with_placeholders(SecretRuleSpec spec) {
  spec.allowlists.push_back(placeholder_values());
  return spec;
}

// After the operator of a generic assignment at `end`: the rest of the operator, blanks, at
// most one line break, a quote, then a run of value characters; its length when it holds a
// digit, else 0.
size_t value_after_operator(std::string_view text, size_t end) {
  size_t at = end;
  auto skip = [&](std::string_view chars) {
    while (at < text.size() && chars.find(text[at]) != std::string_view::npos) ++at;
  };
  skip("=:>|");
  skip(" \t");
  if (at < text.size() && text[at] == '\r') ++at;
  if (at < text.size() && text[at] == '\n') {
    ++at;
    skip(" \t");
  }
  if (at < text.size() && (text[at] == '"' || text[at] == '\'' || text[at] == '`')) ++at;
  constexpr std::string_view kValue =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=!@#%^&*~.:";
  size_t length = 0;
  bool digit = false;
  for (; at < text.size() && kValue.find(text[at]) != std::string_view::npos; ++at, ++length) {
    digit = digit || (text[at] >= '0' && text[at] <= '9');
  }
  return digit ? length : 0;
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_name_char(char c) {
  return is_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// At a secret word's end (where the prefilter, which looks for the words alone, hit): the rest
// of the name, an optional type (`var x string =`), quotes and blanks, an operator, then a value
// as above; its length. A necessary condition of the full pattern, checked in a few
// nanoseconds, so most lines of keyword-dense code (`key_id: record`, `password: ${VAR}`) never
// reach RE2.
size_t assignment_value_length(std::string_view text, size_t end) {
  size_t at = end;
  while (at < text.size() && is_name_char(text[at])) ++at;
  size_t typed = at;
  while (typed < text.size() && (text[typed] == ' ' || text[typed] == '\t')) ++typed;
  if (typed > at && typed < text.size() && is_letter(text[typed])) {
    while (typed < text.size() && is_letter(text[typed])) ++typed;
    at = typed;
  }
  constexpr std::string_view kFiller = " \t\"'`?.";
  while (at < text.size() && kFiller.find(text[at]) != std::string_view::npos) ++at;
  if (at >= text.size() || std::string_view("=:>,|").find(text[at]) == std::string_view::npos) {
    return 0;
  }
  return value_after_operator(text, at + 1);
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
          R"re(\b(ey[A-Za-z0-9_\-]{17,}\.ey[A-Za-z0-9_\-/\\]{17,}\.(?:[A-Za-z0-9_\-/\\]{10,}={0,2})?))re"),
      with_placeholders(builtin_format(
          "database-url-with-password",
          "database URL with an inline password (postgres, mysql, mongodb, redis, amqp, ...)",
          R"re((?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]+)://[^:/\s'"@]+:([^@/\s'"]{3,})@)re")),
      with_placeholders(builtin_format(
          "url-with-credentials", "http(s), ftp, smtp or ldap URL with an inline password",
          R"re((?i)\b(?:https?|ftps?|smtps?|ldaps?)://[^:/\s'"@]+:([^@/\s'"]{3,})@)re")),
  };

  // Generic assignments: the name says secret, the value looks random. Gated by Shannon entropy
  // and by the presence of a digit so identifiers and words (get_password_from_vault) pass. The
  // name is a word that contains the keyword anywhere (adafruitToken, ETSY_TOKEN, api.key); a
  // name right after '/' is a path (registry/secret-store:tag), so it is not an assignment.
  // Assignment forms: = := ::= :::= ?= .= => : , || and '>' (an XML element), with the name
  // optionally quoted (JSON, setProperty("K", "v")) or followed by a type (Go `var x string =`);
  // the value optionally quoted with " ' or a backtick, or on the next line (XML), and ending at
  // a quote, space, ; , < ) or a literal \n (JSON strings holding a file).
  for (bool password : {true, false}) {
    const std::string keyword =
        password ? "(?:passw(?:or)?d|passwd|pwd|passphrase)"
                 : "(?:secret|token|api[_.\\-]?key|apikey|access[_.\\-]?key|auth[_.\\-]?key|"
                   "client[_.\\-]?secret|private[_.\\-]?key|credential|creds|key)";
    const std::string value = password ? R"re(([A-Za-z0-9_\-+/=!@#%^&*~.:]{8,128}))re"
                                       : R"re(([A-Za-z0-9_\-+/=~.@]{10,256}))re";
    const std::string regex =
        R"re((?i)(?:^|[^/\w.\-])[\w.\-]{0,50}?)re" + keyword +
        R"re([\w.\-]{0,20}(?:[ \t]+(?:string|str|const))?["'\x60]?[ \t]*(?:=|:{1,3}=|\?=|\.=|=>|:|,|\|\||>)[ \t]*(?:\r?\n[ \t]*)?["'\x60]?)re" +
        value + R"re((?:["'\x60\s;,<)\]}]|\\[nrt]|$))re";
    SecretRuleSpec spec = with_placeholders(builtin_format(
        password ? "generic-password-assignment" : "generic-secret-assignment",
        password ? "password assigned a literal value (password=, passwd:, pwd =>), entropy >= 3.0"
                 : "secret, token, api key or client secret assigned a literal value, entropy "
                   ">= 3.5",
        regex, password ? 3.0 : 3.5));
    spec.require_digit = true;
    spec.value_length_at = &assignment_value_length;
    spec.min_value_length = password ? 8 : 10;
    spec.next_line = true;  // an XML element's value may sit on the next line
    // The shortest words the keywords of both contain (api_key has key, client_secret has
    // secret): one expression, scanned once for the two rules.
    const std::string stem = "(?:secret|token|key|cred|passw|pwd|passphrase)";
    spec.prefilter = "(?i)" + stem;
    if (!password) {
      spec.allowlists.push_back(uuid_values());
      spec.allowlists.push_back(non_secret_names());
      spec.allowlists.push_back(code_values());
    }
    formats.push_back(std::move(spec));
  }
  return formats;
}

}  // namespace gate::secrets
