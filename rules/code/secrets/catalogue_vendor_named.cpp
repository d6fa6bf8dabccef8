// Built-in formats: credentials without a prefix of their own (UUIDs, digit strings, plain hex),
// recognised by the vendor's name in the variable they are assigned to (`HEROKU_TOKEN=...`,
// `discordToken := "..."`, `<sendbirdToken>...`). The value must have the vendor's exact shape,
// so a UUID or a long number is reported here although the generic assignments skip them.
#include "rules/code/secrets/catalogue.hpp"

namespace gate::secrets {

namespace {

constexpr const char* kUuid = R"re([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})re";

// `<name containing vendor> <assignment> <value>`, case-insensitive. The value may sit on the
// next line (an XML element).
SecretRuleSpec vendor_assignment(std::string id, std::string description, const std::string& name,
                                 const std::string& value, double entropy,
                                 std::vector<std::string> keywords) {
  SecretRuleSpec spec = builtin_format(
      std::move(id), std::move(description),
      R"re((?i)(?:^|[^/\w.\-])[\w.\-]{0,50}?)re" + name +
          R"re([ \t\w.\-]{0,20}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}()re" +
          value + R"re()(?:[\x60'"\s;<]|\\[nrt]|$))re",
      entropy);
  spec.keywords = std::move(keywords);
  // Vectorscan looks for the vendor's name alone (rare in code, so cheap); RE2 confirms the
  // line it is on and the next one.
  spec.prefilter = "(?i)" + name;
  spec.next_line = true;
  return spec;
}

}  // namespace

std::vector<SecretRuleSpec> vendor_named_formats() {
  std::vector<SecretRuleSpec> formats = {
      vendor_assignment("heroku-api-key-legacy", "Heroku API key, legacy UUID form (heroku...=)",
                        "heroku", kUuid, 0, {"heroku"}),
      vendor_assignment("hubspot-api-key", "HubSpot API key (UUID assigned to a hubspot name)",
                        "hubspot", kUuid, 0, {"hubspot"}),
      vendor_assignment("kucoin-secret-key", "KuCoin secret key (UUID assigned to a kucoin name)",
                        "kucoin", kUuid, 0, {"kucoin"}),
      vendor_assignment(
          "messagebird-client-id", "MessageBird client id (UUID assigned to a messagebird name)",
          "message[_\\-]?bird", kUuid, 0, {"messagebird", "message-bird", "message_bird"}),
      vendor_assignment("sendbird-access-id",
                        "Sendbird application id (UUID assigned to a sendbird name)", "sendbird",
                        kUuid, 0, {"sendbird"}),
      vendor_assignment("snyk-api-token", "Snyk API token (UUID assigned to a snyk key or token)",
                        "snyk[_.\\-]?(?:(?:api|oauth)[_.\\-]?)?(?:key|token)", kUuid, 0, {"snyk"}),
      vendor_assignment("squarespace-access-token",
                        "Squarespace access token (UUID assigned to a squarespace name)",
                        "squarespace", kUuid, 0, {"squarespace"}),
      vendor_assignment("asana-client-id", "Asana client id (16 digits assigned to an asana name)",
                        "asana", "[0-9]{16}", 0, {"asana"}),
      vendor_assignment("discord-client-id",
                        "Discord client id (18 digits assigned to a discord name)", "discord",
                        "[0-9]{18}", 2, {"discord"}),
      vendor_assignment("discord-client-secret",
                        "Discord client secret (32 characters assigned to a discord name)",
                        "discord", "[a-z0-9=_\\-]{32}", 2, {"discord"}),
      vendor_assignment("sidekiq-secret",
                        "Sidekiq Enterprise or Pro credentials (BUNDLE_*__CONTRIBSYS__COM)",
                        "BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM", "[a-f0-9]{8}:[a-f0-9]{8}", 0,
                        {"bundle_enterprise__contribsys__com", "bundle_gems__contribsys__com"}),
      vendor_assignment("sonar-api-token", "SonarQube / SonarCloud token (sonar login or token)",
                        "sonar[_.\\-]?(?:login|token)", "(?:squ_|sqp_|sqa_)?[a-z0-9=_\\-]{40}", 0,
                        {"sonar"}),
      vendor_assignment("sumologic-access-id",
                        "Sumo Logic access id (su... assigned to a sumo name)",
                        "(?-i:[Ss]umo|SUMO)", "(?-i:su[a-zA-Z0-9]{12})", 3, {"sumo"}),
      vendor_assignment("launchdarkly-access-token",
                        "LaunchDarkly access token (40 characters assigned to a launchdarkly name)",
                        "launchdarkly", "[a-z0-9=_\\-]{40}", 0, {"launchdarkly"}),
      vendor_assignment("defined-networking-api-token", "Defined Networking API token (dnkey-)",
                        "dnkey", "dnkey-[a-z0-9=_\\-]{26}-[a-z0-9=_\\-]{52}", 0, {"dnkey"}),
      vendor_assignment("mailgun-public-key", "Mailgun public validation key (pubkey-)", "mailgun",
                        "pubkey-[a-f0-9]{32}", 0, {"mailgun"}),
      vendor_assignment(
          "jfrog-identity-token",
          "JFrog identity token (64 characters assigned to a jfrog or artifactory name)",
          "(?:jfrog|artifactory|bintray|xray)", "[a-z0-9]{64}", 0,
          {"jfrog", "artifactory", "bintray", "xray"}),
      vendor_assignment("sourcegraph-legacy-token",
                        "Sourcegraph access token, legacy 40 hex (assigned to a sourcegraph name)",
                        "sourcegraph", "[a-f0-9]{40}", 3, {"sourcegraph"}),
      vendor_assignment("twitter-bearer-token", "Twitter (X) API bearer token (AAAA...)", "twitter",
                        "(?-i:A{22}[a-zA-Z0-9%]{80,100})", 0, {"twitter"}),
  };
  // The bearer token's 22 A are its format, not a documentation placeholder.
  formats.back().skip_placeholders = false;
  SecretRuleSpec facebook = builtin_format(
      "facebook-app-access-token", "Facebook (Meta) app access token (app id and secret)",
      R"re((?i)\b(\d{15,16}(?:\||%)[0-9a-z\-_]{27,40})(?:[\x60'"\s;,}]|\\[nrt]|$))re", 3);
  facebook.keywords = {"facebook"};
  formats.push_back(std::move(facebook));
  SecretRuleSpec freemius = builtin_format(
      "freemius-secret-key", "Freemius secret key (sk_ in a PHP \"secret_key\" => entry)",
      R"re((?i)["']secret_key["']\s*=>\s*["'](sk_\S{29})["'])re");
  freemius.path_regex = R"re((?i)\.php$)re";
  freemius.keywords = {"secret_key"};
  formats.push_back(std::move(freemius));
  return formats;
}

}  // namespace gate::secrets
