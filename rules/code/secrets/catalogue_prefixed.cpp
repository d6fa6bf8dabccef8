// Built-in formats: more services whose tokens carry a recognisable prefix (GitLab's newer
// token kinds, Slack's legacy and configuration tokens, AWS Bedrock, Notion, Sourcegraph, ...).
// The secret is capture group 1 of each pattern.
#include "rules/code/secrets/catalogue.hpp"

namespace gate::secrets {

namespace {

// The token ends where its alphabet ends (not inside a longer word).
constexpr const char* kEnd = R"re((?:[^A-Za-z0-9_\-]|$))re";
// A token followed by a quote, blank, `;` or `,`, an escaped newline, or the end of the line
// (not by `.png` in a file name).
constexpr const char* kTokenEnd = R"re((?:[\x60'"\s;,]|\\[nrt]|$))re";

SecretRuleSpec prefixed(std::string id, std::string description, const std::string& token) {
  return builtin_format(std::move(id), std::move(description), "\\b(" + token + ")" + kEnd);
}

}  // namespace

std::vector<SecretRuleSpec> prefixed_formats() {
  return {
      // Code forges and CI.
      prefixed("gitlab-cicd-job-token", "GitLab CI/CD job token (glcbt-)",
               R"re(glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_\-]{20})re"),
      prefixed("gitlab-feature-flag-client-token", "GitLab feature flag client token (glffct-)",
               R"re(glffct-[0-9A-Za-z_\-]{20})re"),
      prefixed("gitlab-feed-token", "GitLab feed token (glft-)", R"re(glft-[0-9A-Za-z_\-]{20})re"),
      prefixed("gitlab-incoming-mail-token", "GitLab incoming mail token (glimt-)",
               R"re(glimt-[0-9A-Za-z_\-]{25})re"),
      prefixed("gitlab-kubernetes-agent-token", "GitLab agent for Kubernetes token (glagent-)",
               R"re(glagent-[0-9A-Za-z_\-]{50})re"),
      prefixed("gitlab-oauth-app-secret", "GitLab OAuth application secret (gloas-)",
               R"re(gloas-[0-9A-Za-z_\-]{64})re"),
      prefixed("gitlab-scim-token", "GitLab SCIM OAuth token (glsoat-)",
               R"re(glsoat-[0-9A-Za-z_\-]{20})re"),
      builtin_format("gitlab-runner-registration-token",
                     "GitLab runner registration token (GR1348941)",
                     R"re((GR1348941[0-9A-Za-z_\-]{20}))re", 3.0),
      builtin_format("gitlab-session-cookie", "GitLab session cookie (_gitlab_session=)",
                     R"re(_gitlab_session=([0-9a-z]{32}))re"),
      prefixed("harness-api-key", "Harness platform or service account token (pat./sat.)",
               R"re((?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20})re"),
      [] {
        SecretRuleSpec spec =
            prefixed("sourcegraph-access-token", "Sourcegraph access token (sgp_)",
                     R"re(sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})re");
        spec.entropy = 3.0;
        return spec;
      }(),
      builtin_format("infracost-api-token", "Infracost API token (ico-)",
                     std::string(R"re(\b(ico-[A-Za-z0-9]{32}))re") + kTokenEnd),
      prefixed("prefect-api-token", "Prefect API token (pnu_)", R"re(pnu_[A-Za-z0-9]{36})re"),
      prefixed("scalingo-api-token", "Scalingo API token (tk-us-)",
               R"re(tk-us-[A-Za-z0-9_\-]{48})re"),
      prefixed("readme-api-token", "ReadMe API token (rdme_)", R"re(rdme_[a-z0-9]{70})re"),
      prefixed("octopus-deploy-api-key", "Octopus Deploy API key (API-)",
               R"re(API-[A-Z0-9]{26})re"),
      prefixed("openshift-user-token", "OpenShift user token (sha256~)",
               R"re(sha256~[A-Za-z0-9_\-]{43})re"),

      // Cloud.
      prefixed("aws-bedrock-api-key", "Amazon Bedrock long-lived API key (ABSK)",
               R"re(ABSK[A-Za-z0-9+/]{109,269}={0,2})re"),
      builtin_format("aws-bedrock-short-lived-key",
                     "Amazon Bedrock short-lived API key (bedrock-api-key-...)",
                     R"re(\b(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]*))re"),
      prefixed("digitalocean-refresh-token", "DigitalOcean OAuth refresh token (dor_v1_)",
               R"re(dor_v1_[a-f0-9]{64})re"),
      prefixed("cloudflare-origin-ca-key", "Cloudflare Origin CA key (v1.0-)",
               R"re(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})re"),
      prefixed("clickhouse-cloud-api-secret", "ClickHouse Cloud API secret key (4b1d)",
               R"re(4b1d[A-Za-z0-9]{38})re"),
      prefixed("planetscale-api-token", "PlanetScale API or OAuth token (pscale_tkn_/oauth_)",
               R"re(pscale_(?:tkn|oauth)_[A-Za-z0-9_=.\-]{32,64})re"),
      [] {
        SecretRuleSpec spec =
            prefixed("vault-legacy-service-token", "HashiCorp Vault legacy service token (s.)",
                     R"re(s\.[A-Za-z0-9]{24})re");
        spec.entropy = 3.5;
        // Letters only: a member access (`s.AcceptanceTimeoutSeconds`), not a token.
        spec.allowlists.push_back(builtin_allowlist("identifiers", {R"re(^s\.[A-Za-z]{24}$)re"}));
        return spec;
      }(),
      prefixed(
          "authress-access-key", "Authress service client access key",
          R"re((?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_\-][a-z0-9\-]{10,32}\.[A-Za-z0-9+/_=\-]{30,120})re"),
      prefixed("settlemint-access-token", "SettleMint access token (sm_aat_/sm_pat_/sm_sat_)",
               R"re(sm_(?:aat|pat|sat)_[A-Za-z0-9]{16})re"),
      prefixed("airtable-personal-access-token", "Airtable personal access token (pat....)",
               R"re(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})re"),
      prefixed("maxmind-license-key", "MaxMind license key (..._mmk)",
               R"re([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)re"),
      prefixed("artifactory-reference-token", "JFrog Artifactory reference token (cmVmd)",
               R"re(cmVmd[A-Za-z0-9]{59})re"),

      // Chat, productivity and SaaS.
      prefixed("slack-legacy-bot-token", "Slack legacy bot token (xoxb-, two parts)",
               R"re(xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26})re"),
      prefixed("slack-legacy-workspace-token", "Slack legacy workspace token (xoxa-/xoxr-)",
               R"re(xox[ar]-(?:[0-9]-)?[0-9A-Za-z]{8,48}(?:-[0-9A-Za-z]{1,48}){0,4})re"),
      prefixed("slack-legacy-token", "Slack legacy token (xoxo-/xoxs-)",
               R"re(xox[os]-[0-9]+-[0-9]+-[0-9]+-[a-fA-F0-9]+)re"),
      prefixed("slack-config-token", "Slack configuration access or refresh token (xoxe.)",
               R"re((?:xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{163,166}|xoxe-[0-9]-[A-Za-z0-9]{146}))re"),
      prefixed("notion-api-token", "Notion integration token (ntn_)",
               R"re(ntn_[0-9]{11}[A-Za-z0-9]{35})re"),
      prefixed(
          "1password-secret-key", "1Password account secret key (A3-)",
          R"re(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})re"),
      prefixed("duffel-api-token", "Duffel API token (duffel_test_/duffel_live_)",
               R"re(duffel_(?:test|live)_[A-Za-z0-9_\-=]{43})re"),
      prefixed("frameio-api-token", "Frame.io API token (fio-u-)",
               R"re(fio-u-[A-Za-z0-9_\-=]{64})re"),
      prefixed("flutterwave-key", "Flutterwave test key (FLWPUBK_TEST-/FLWSECK_TEST-)",
               R"re(FLW(?:PUBK|SECK)_TEST-[A-Ha-h0-9]{12}(?:[A-Ha-h0-9]{20}-X)?)re"),
      prefixed("easypost-test-api-key", "EasyPost test API key (EZTK)",
               R"re(EZTK[A-Za-z0-9]{54})re"),
      prefixed("sendinblue-api-token", "Brevo (Sendinblue) API key (xkeysib-)",
               R"re(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})re"),
      prefixed("grafana-cloud-api-token", "Grafana Cloud API token (glc_)",
               R"re(glc_[A-Za-z0-9+/]{32,400}={0,3})re"),
      prefixed("grafana-api-key", "Grafana API key (eyJrIjoi)",
               R"re(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})re"),
      prefixed("facebook-page-access-token", "Facebook (Meta) page access token (EAAM/EAAC)",
               R"re(EAA[MC][A-Za-z0-9]{100,})re"),
      prefixed("intra42-client-secret", "42 intranet client secret (s-s4t2ud-/s-s4t2af-)",
               R"re(s-s4t2(?:ud|af)-[a-fA-F0-9]{64})re"),
      prefixed("adobe-client-secret", "Adobe client secret (p8e-)", R"re(p8e-[A-Za-z0-9]{32})re"),
      builtin_format(
          "sidekiq-sensitive-url", "Sidekiq Enterprise gem source URL with credentials",
          R"re((?i)\bhttps?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com)re"),
      [] {
        SecretRuleSpec spec = builtin_format(
            "nuget-config-password", "password in a NuGet.config <add key=\"Password\">",
            R"re((?i)<add key="(?:ClearText)?Password"\s*value="([^"]{8,})"\s*/>)re");
        spec.path_regex = R"re((?i)(?:^|/)nuget\.config$)re";
        // `%VAR%` reads the environment; the other two are the examples of NuGet's own docs.
        spec.allowlists.push_back(builtin_allowlist(
            "references and documented examples",
            {R"re(^%\S.*%$)re", R"re(^33f!!lloppa$)re", R"re(^hal\+9ooo_da!sY$)re"}));
        return spec;
      }(),
      [] {
        SecretRuleSpec spec = builtin_format(
            "curl-basic-auth", "user:password given to curl -u / --user",
            R"re(\bcurl\b[^\n]*?[ \t](?:-u|--user)(?:=|[ \t]{1,5})["']?([^\s"':$]{2,}:[^\s"']{3,}))re");
        // `user:pass`, `username:token`, `<user:password>`, `xxx:yyy`: words, not passwords.
        spec.require_digit = true;
        spec.allowlists.push_back(builtin_allowlist(
            "placeholder passwords", {R"re(:(?:\[[^\]]*\]|<[^>]*>|\$\{?\w+\}?|\*+)$)re"}));
        return spec;
      }(),
      builtin_format(
          "curl-auth-header", "credential in a curl -H Authorization / X-API-Key header",
          R"re(\bcurl\b[^\n]*?[ \t](?:-H|--header)(?:=|[ \t]{0,5})["'](?i:authorization:[ \t]*(?:basic|bearer|token|api-token)?[ \t]*|x-[a-z\-]*(?:key|token|auth)[a-z\-]*:[ \t]*)([A-Za-z0-9+/=~@._\-]{8,}))re"),
      [] {
        // The first value under `data:` of a manifest of kind Secret (either order of keys).
        const std::string value =
            R"re(\bdata:[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*[ \t]+[\w.\-]+:[ \t]*(?:[|>][\-+]?\s+)?["']?([A-Za-z0-9+/]{10,}={0,3}))re";
        const std::string kind = R"re(\bkind:[ \t]*["']?secret\b)re";
        SecretRuleSpec spec = builtin_format("kubernetes-secret-yaml",
                                             "value in the data of a Kubernetes Secret manifest",
                                             "(?i)(?:" + kind + "[\\s\\S]{0,200}?" + value + "|" +
                                                 value + "[\\s\\S]{0,200}?" + kind + ")");
        spec.multiline = true;
        return spec;
      }(),
      [] {
        SecretRuleSpec spec = builtin_format(
            "pkcs12-file", "PKCS #12 key store (.p12, .pfx), which bundles private keys", "");
        spec.path_regex = R"re((?i)(?:^|/)[^/]+\.p(?:12|fx)$)re";
        return spec;
      }(),
      builtin_format(
          "jwt-base64", "base64-encoded JSON Web Token (ZXlK..., the encoding of eyJ)",
          R"re(\b(ZXlK[A-Za-z0-9+/]{10,}(?:LmV5S|5leU|uZXlK)[A-Za-z0-9+/]{20,}={0,2}))re"),
  };
}

}  // namespace gate::secrets
