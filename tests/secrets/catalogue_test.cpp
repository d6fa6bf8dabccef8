// Every built-in format: a true positive and a near-miss true negative.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "rules/code/secrets/catalogue.hpp"
#include "secrets_test_support.hpp"

namespace gate::secrets::test {

const Scanner& builtin() {
  static const Scanner scanner(builtin_catalogue(), {});
  return scanner;
}

namespace {

struct Case {
  std::string id;
  std::string positive;   // contains exactly one secret of format `id`
  std::string near_miss;  // looks alike, must not be reported as `id`
};

std::string call(const std::string& value) { return "configure(\"" + value + "\");"; }

std::string uuid() {
  return token(8, kHex) + "-" + token(4, kHex) + "-" + token(4, kHex) + "-" + token(4, kHex) + "-" +
         token(12, kHex);
}

std::string key_block(const std::string& label, const std::string& other_label) {
  (void)other_label;
  return "-----BEGIN " + label + "-----\n" + token(64, kBase64) + "\n" + token(64, kBase64) + "\n" +
         token(40, kBase64) + "=\n-----END " + label + "-----";
}

std::vector<Case> cases() {
  auto same = [](const std::string& id, const std::string& prefix, size_t length,
                 std::string_view alphabet) {
    return Case{id, call(prefix + token(length, alphabet)),
                call(prefix + token(length - 1, alphabet))};
  };
  std::vector<Case> c = {
      same("aws-access-key-id", "AKIA", 16, kBase32),
      {"aws-secret-access-key", "aws_secret_access_key = \"" + token(40, kBase64) + "\"",
       "aws_secret_access_key = \"" + token(39, kBase64) + "\""},
      same("gcp-api-key", "AIza", 35, kUrlSafe),
      {"gcp-service-account-key",
       "  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMII" + token(90, kBase64) +
           "\\n-----END PRIVATE KEY-----\\n\",",
       "  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMII" + token(20, kBase64) + "\","},
      same("gcp-oauth-client-secret", "GOCSPX-", 28, kUrlSafe),
      {"google-oauth-access-token", call("ya29." + token(60, kUrlSafe)),
       call("ya29." + token(20, kUrlSafe))},
      {"azure-storage-account-key",
       "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + token(86, kBase64) +
           "==;EndpointSuffix=core.windows.net",
       "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + token(40, kBase64) + "=="},
      {"azure-sas-connection-string",
       "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=" +
           token(43, kBase64) + "=",
       "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abc="},
      {"azure-sas-token",
       "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sr=b&sig=" + token(43, kAlnum) + "%3D",
       "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sr=b&sig=abc%3D"},
      {"azure-ad-client-secret",
       "azure: \"" + token(3, kAlnum) + "8Q~" + token(34, kUrlSafe) + "\"",
       "azure: \"" + token(3, kAlnum) + "8Qx" + token(34, kUrlSafe) + "\""},
      same("digitalocean-pat", "dop_v1_", 64, kHex),
      same("digitalocean-oauth-token", "doo_v1_", 64, kHex),
      same("alibaba-access-key-id", "LTAI", 20, kAlnum),
      same("heroku-api-key", "HRKU-AA", 58, kUrlSafe),
      {"hashicorp-vault-token", call("hvs." + token(95, kUrlSafe)),
       call("hvs." + token(24, kUrlSafe))},
      {"terraform-cloud-token", call(token(14, kAlnum) + ".atlasv1." + token(67, kUrlSafe)),
       call(token(14, kAlnum) + ".atlasv2." + token(67, kUrlSafe))},
      same("pulumi-access-token", "pul-", 40, kHex),
      same("databricks-token", "dapi", 32, kHex),
      same("flyio-access-token", "fo1_", 43, kUrlSafe),
      same("age-secret-key", "AGE-SECRET-KEY-1", 58, kBech32),
      same("doppler-token", "dp.pt.", 43, kAlnum),
      same("planetscale-password", "pscale_pw_", 43, kAlnum),
      same("supabase-access-token", "sbp_", 40, kHex),
      same("github-classic-pat", "ghp_", 36, kAlnum),
      same("github-fine-grained-pat", "github_pat_", 82, kAlnum),
      same("github-oauth-token", "gho_", 36, kAlnum),
      same("github-app-token", "ghs_", 36, kAlnum),
      same("github-refresh-token", "ghr_", 36, kAlnum),
      same("gitlab-pat", "glpat-", 20, kUrlSafe),
      same("gitlab-pipeline-trigger-token", "glptt-", 40, kHex),
      same("gitlab-runner-token", "glrt-", 20, kUrlSafe),
      same("gitlab-deploy-token", "gldt-", 20, kUrlSafe),
      {"bitbucket-app-password", call("ATBB" + token(32, kAlnum)),
       call("ATBB" + token(20, kAlnum))},
      {"bitbucket-access-token", call("ATCTT3xFfGN0" + token(180, kUrlSafe)),
       call("ATCTT3xFfGN0" + token(40, kUrlSafe))},
      {"atlassian-api-token", call("ATATT3" + token(186, kUrlSafe)),
       call("ATATT3" + token(150, kUrlSafe))},
      {"slack-bot-token",
       call("xoxb-" + token(12, kDigits) + "-" + token(12, kDigits) + "-" + token(24, kAlnum)),
       call("xoxb-" + token(12, kDigits) + "-" + token(12, kDigits) + "-" + token(23, kAlnum))},
      {"slack-user-token",
       call("xoxp-" + token(12, kDigits) + "-" + token(12, kDigits) + "-" + token(12, kDigits) +
            "-" + token(32, kAlnum)),
       call("xoxp-" + token(12, kDigits) + "-" + token(12, kDigits) + "-" + token(32, kAlnum))},
      {"slack-app-token",
       call("xapp-1-" + token(11, kUpperDigits) + "-" + token(13, kDigits) + "-" + token(64, kHex)),
       call("xapp-1-" + token(11, kUpperDigits) + "-" + token(13, kDigits) + "-" +
            token(63, kHex))},
      {"slack-webhook-url",
       call("https://hooks.slack.com/services/T" + token(8, kUpperDigits) + "/B" +
            token(8, kUpperDigits) + "/" + token(24, kAlnum)),
       call("https://hooks.slack.com/services/T" + token(8, kUpperDigits))},
      {"discord-webhook-url",
       call("https://discord.com/api/webhooks/" + token(18, kDigits) + "/" + token(68, kUrlSafe)),
       call("https://discord.com/api/webhooks/" + token(18, kDigits) + "/" + token(30, kUrlSafe))},
      {"microsoft-teams-webhook-url",
       call("https://contoso.webhook.office.com/webhookb2/" + uuid() + "@" + uuid() +
            "/IncomingWebhook/" + token(32, kHex) + "/" + uuid()),
       call("https://contoso.webhook.office.com/webhookb2/" + uuid())},
      {"telegram-bot-token", call(token(10, kDigits) + ":AA" + token(33, kUrlSafe)),
       call(token(10, kDigits) + ":BA" + token(33, kUrlSafe))},
      {"stripe-secret-key", call("sk_live_" + token(24, kAlnum)),
       call("sk_live_" + token(8, kAlnum))},
      {"stripe-restricted-key", call("rk_live_" + token(24, kAlnum)),
       call("rk_beta_" + token(24, kAlnum))},
      same("stripe-webhook-secret", "whsec_", 32, kAlnum),
      same("twilio-api-key", "SK", 32, kHex),
      {"sendgrid-api-key", call("SG." + token(22, kUrlSafe) + "." + token(43, kUrlSafe)),
       call("SG." + token(22, kUrlSafe) + "." + token(42, kUrlSafe))},
      same("mailgun-api-key", "key-", 32, kHex),
      {"mailchimp-api-key", call(token(32, kHex) + "-us14"), call(token(32, kHex) + "-eu14")},
      same("shopify-access-token", "shpat_", 32, kHexMixed),
      same("shopify-custom-app-token", "shpca_", 32, kHexMixed),
      same("shopify-private-app-token", "shppa_", 32, kHexMixed),
      same("shopify-shared-secret", "shpss_", 32, kHexMixed),
      same("square-access-token", "sq0atp-", 22, kUrlSafe),
      same("square-oauth-secret", "sq0csp-", 43, kUrlSafe),
      {"braintree-access-token",
       call("access_token$production$" + token(16, kLowerDigits) + "$" + token(32, kHex)),
       call("access_token$sandbox$" + token(16, kLowerDigits) + "$" + token(32, kHex))},
      same("new-relic-user-api-key", "NRAK-", 27, kUpperDigits),
      same("sentry-user-token", "sntryu_", 64, kHex),
      {"sentry-org-token",
       call("sntrys_eyJpYXQiO" + token(24, kBase64) + "LCJyZWdpb25fdXJs" + token(24, kBase64) +
            "_" + token(43, kBase64)),
       call("sntrys_" + token(20, kAlnum))},
      same("linear-api-key", "lin_api_", 40, kAlnum),
      {"postman-api-key", call("PMAK-" + token(24, kHex) + "-" + token(34, kHex)),
       call("PMAK-" + token(24, kHex) + "-" + token(33, kHex))},
      {"grafana-service-account-token", call("glsa_" + token(32, kAlnum) + "_" + token(8, kHex)),
       call("glsa_" + token(32, kAlnum) + "_" + token(7, kHex))},
      {"dynatrace-api-token",
       call("dt0c01." + token(24, kUpperDigits) + "." + token(64, kUpperDigits)),
       call("dt0c01." + token(24, kUpperDigits) + "." + token(63, kUpperDigits))},
      {"facebook-access-token", call("EAACEdEose0cBA" + token(40, kAlnum)),
       call("EAACEdEose0cBA" + token(10, kAlnum))},
      {"mapbox-secret-token", call("sk.eyJ" + token(60, kUrlSafe) + "." + token(22, kUrlSafe)),
       call("pk.eyJ" + token(60, kUrlSafe) + "." + token(22, kUrlSafe))},
      same("easypost-api-key", "EZAK", 54, kLowerDigits),
      same("shippo-api-token", "shippo_live_", 40, kHex),
      {"onepassword-service-account-token", call("ops_eyJ" + token(260, kBase64)),
       call("ops_eyJ" + token(100, kBase64))},
      same("npm-access-token", "npm_", 36, kAlnum),
      {"pypi-upload-token", call("pypi-AgEIcHlwaS5vcmc" + token(60, kUrlSafe)),
       call("pypi-AgEIcHlwaS5vcmc" + token(20, kUrlSafe))},
      same("dockerhub-pat", "dckr_pat_", 27, kUrlSafe),
      same("nuget-api-key", "oy2", 43, kLowerDigits),
      same("rubygems-api-key", "rubygems_", 48, kHex),
      same("clojars-api-token", "CLOJARS_", 60, kLowerDigits),
      same("artifactory-api-key", "AKCp", 69, kAlnum),
      same("cratesio-api-token", "cio", 32, kAlnum),
      {"openai-api-key", call("sk-proj-" + token(74, kUrlSafe) + "T3BlbkFJ" + token(74, kUrlSafe)),
       call("sk-proj-" + token(156, kUrlSafe))},
      {"anthropic-api-key", call("sk-ant-api03-" + token(93, kUrlSafe) + "AA"),
       call("sk-ant-api03-" + token(92, kUrlSafe) + "AA")},
      {"anthropic-admin-key", call("sk-ant-admin01-" + token(93, kUrlSafe) + "AA"),
       call("sk-ant-admin01-" + token(92, kUrlSafe) + "AA")},
      same("huggingface-access-token", "hf_", 34, kLetters),
      same("huggingface-org-token", "api_org_", 34, kLetters),
      same("groq-api-key", "gsk_", 52, kAlnum),
      same("replicate-api-token", "r8_", 37, kAlnum),
      same("perplexity-api-key", "pplx-", 48, kAlnum),
      {"private-key-rsa", key_block("RSA PRIVATE KEY", ""), key_block("RSA PUBLIC KEY", "")},
      {"private-key-dsa", key_block("DSA PRIVATE KEY", ""),
       "-----BEGIN DSA PRIVATE KEY-----\n" + token(30, kBase64) +
           "\n-----END DSA PRIVATE KEY-----"},
      {"private-key-ec", key_block("EC PRIVATE KEY", ""), key_block("EC PARAMETERS", "")},
      {"private-key-openssh", key_block("OPENSSH PRIVATE KEY", ""),
       "-----BEGIN OPENSSH PRIVATE KEY-----\n" + token(64, kBase64)},
      {"private-key-pkcs8", key_block("PRIVATE KEY", ""), key_block("PUBLIC KEY", "")},
      {"private-key-pkcs8-encrypted", key_block("ENCRYPTED PRIVATE KEY", ""),
       key_block("CERTIFICATE", "")},
      {"private-key-pgp", key_block("PGP PRIVATE KEY BLOCK", ""),
       key_block("PGP PUBLIC KEY BLOCK", "")},
      {"jwt",
       call("eyJ" + token(20, kUrlSafe) + ".eyJ" + token(40, kUrlSafe) + "." + token(43, kUrlSafe)),
       call("eyJ" + token(20, kUrlSafe) + ".eyJ" + token(40, kUrlSafe))},
      {"database-url-with-password",
       "DATABASE_URL=postgres://app:" + token(16, kAlnum) + "@db.internal:5432/app",
       "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app"},
      {"url-with-credentials",
       "url = https://deploy:" + token(16, kAlnum) + "@git.example.com/r.git",
       "url = https://deploy@git.example.com/r.git"},
      // Prefixed formats (catalogue_prefixed.cpp).
      same("gitlab-cicd-job-token", "glcbt-64_", 20, kUrlSafe),
      same("gitlab-feature-flag-client-token", "glffct-", 20, kUrlSafe),
      same("gitlab-feed-token", "glft-", 20, kUrlSafe),
      same("gitlab-incoming-mail-token", "glimt-", 25, kUrlSafe),
      same("gitlab-kubernetes-agent-token", "glagent-", 50, kUrlSafe),
      same("gitlab-oauth-app-secret", "gloas-", 64, kUrlSafe),
      same("gitlab-scim-token", "glsoat-", 20, kUrlSafe),
      same("gitlab-runner-registration-token", "GR1348941", 20, kUrlSafe),
      {"gitlab-session-cookie", "Cookie: _gitlab_session=" + token(32, kLowerDigits),
       "Cookie: _gitlab_session=" + token(20, kLowerDigits)},
      {"harness-api-key",
       call("pat." + token(22, kUrlSafe) + "." + token(24, kAlnum) + "." + token(20, kAlnum)),
       call("pat." + token(22, kUrlSafe) + "." + token(24, kAlnum) + "." + token(19, kAlnum))},
      same("sourcegraph-access-token", "sgp_", 40, kHex),
      same("infracost-api-token", "ico-", 32, kAlnum),
      same("prefect-api-token", "pnu_", 36, kAlnum),
      same("scalingo-api-token", "tk-us-", 48, kUrlSafe),
      same("readme-api-token", "rdme_", 70, kLowerDigits),
      same("octopus-deploy-api-key", "API-", 26, kUpperDigits),
      same("openshift-user-token", "sha256~", 43, kUrlSafe),
      {"aws-bedrock-api-key", call("ABSK" + token(120, kBase64)),
       call("ABSK" + token(60, kBase64))},
      {"aws-bedrock-short-lived-key",
       call("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t" + token(40, kBase64)),
       call("bedrock-api-key-" + token(40, kBase64))},
      same("digitalocean-refresh-token", "dor_v1_", 64, kHex),
      {"cloudflare-origin-ca-key", call("v1.0-" + token(24, kHex) + "-" + token(146, kHex)),
       call("v1.0-" + token(24, kHex) + "-" + token(100, kHex))},
      same("clickhouse-cloud-api-secret", "4b1d", 38, kAlnum),
      {"planetscale-api-token", call("pscale_tkn_" + token(43, kAlnum)),
       call("pscale_tkn_" + token(20, kAlnum))},
      same("vault-legacy-service-token", "s.", 24, kAlnum),
      {"authress-access-key",
       call("sc_" + token(10, kLowerDigits) + "." + token(5, kLowerDigits) + ".acc_" +
            token(20, kLowerDigits) + "." + token(60, kBase64)),
       call("sc_" + token(10, kLowerDigits) + "." + token(5, kLowerDigits) + ".acx_" +
            token(20, kLowerDigits) + "." + token(60, kBase64))},
      same("settlemint-access-token", "sm_pat_", 16, kAlnum),
      {"airtable-personal-access-token", call("pat" + token(14, kAlnum) + "." + token(64, kHex)),
       call("pat" + token(14, kAlnum) + "." + token(63, kHex))},
      {"maxmind-license-key", call(token(6, kAlnum) + "_" + token(29, kAlnum) + "_mmk"),
       call(token(6, kAlnum) + "_" + token(29, kAlnum) + "_mmx")},
      same("artifactory-reference-token", "cmVmd", 59, kAlnum),
      {"slack-legacy-bot-token", call("xoxb-" + token(10, kDigits) + "-" + token(24, kAlnum)),
       call("xoxb-" + token(10, kDigits) + "-" + token(12, kAlnum))},
      {"slack-legacy-workspace-token", call("xoxa-2-" + token(40, kAlnum)),
       call("xoxa-2-" + token(5, kAlnum))},
      {"slack-legacy-token",
       call("xoxs-" + token(10, kDigits) + "-" + token(10, kDigits) + "-" + token(10, kDigits) +
            "-" + token(64, kHex)),
       call("xoxs-" + token(10, kDigits) + "-" + token(10, kDigits) + "-" + token(64, kHex))},
      same("slack-config-token", "xoxe-1-", 146, kUpperDigits),
      same("notion-api-token", "ntn_" + token(11, kDigits), 35, kAlnum),
      {"1password-secret-key",
       call("A3-" + token(6, kUpperDigits) + "-" + token(11, kUpperDigits) + "-" +
            token(5, kUpperDigits) + "-" + token(5, kUpperDigits) + "-" + token(5, kUpperDigits)),
       call("A3-" + token(6, kUpperDigits) + "-" + token(11, kUpperDigits) + "-" +
            token(5, kUpperDigits) + "-" + token(5, kUpperDigits))},
      same("duffel-api-token", "duffel_test_", 43, kAlnum),
      same("frameio-api-token", "fio-u-", 64, kAlnum),
      {"flutterwave-key", call("FLWSECK_TEST-" + token(32, "abcdef0123456789") + "-X"),
       call("FLWSECK_TEST-" + token(10, "abcdef0123456789"))},
      same("easypost-test-api-key", "EZTK", 54, kLowerDigits),
      {"sendinblue-api-token", call("xkeysib-" + token(64, kHex) + "-" + token(16, kAlnum)),
       call("xkeysib-" + token(64, kHex) + "-" + token(15, kAlnum))},
      {"grafana-cloud-api-token", call("glc_" + token(40, kAlnum)),
       call("glc_" + token(20, kAlnum))},
      {"grafana-api-key", call("eyJrIjoi" + token(80, kAlnum)),
       call("eyJrIjoi" + token(30, kAlnum))},
      {"facebook-page-access-token", call("EAAM" + token(110, kAlnum)),
       call("EAAM" + token(50, kAlnum))},
      same("intra42-client-secret", "s-s4t2ud-", 64, kHex),
      same("adobe-client-secret", "p8e-", 32, kAlnum),
      {"sidekiq-sensitive-url",
       "source \"https://" + token(8, kHex) + ":" + token(8, kHex) + "@gems.contribsys.com/\"",
       "source \"https://" + token(8, kHex) + "@gems.contribsys.com/\""},
      {"curl-basic-auth", "curl -u deploy:" + token(16, kAlnum) + " https://api.example.com",
       "curl -u deploy https://api.example.com"},
      {"curl-auth-header",
       "curl -H \"Authorization: Bearer " + token(30, kAlnum) + "\" https://api.example.com",
       "curl -H \"Accept: " + token(30, kAlnum) + "\" https://api.example.com"},
      {"kubernetes-secret-yaml",
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: " +
           token(24, kBase64) + "\n",
       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\ndata:\n  mode: " +
           token(24, kBase64) + "\n"},
      {"jwt-base64", call("ZXlKaGJHY2lPaUpJVXpJMU5pSjkuZXlK" + token(40, kAlnum)),
       call("ZXlK" + token(10, kAlnum))},
      {"generic-password-assignment", "db_password = \"" + token(15, kAlnum) + "7\"",
       "db_password = \"aaaaaaaa1\""},
      {"generic-secret-assignment", "client_secret: \"" + token(31, kAlnum) + "7\"",
       "client_secret: \"0000000000000000000000\""},
  };
  // Credentials without a prefix, known by the vendor's name in the variable.
  auto named = [](const std::string& id, const std::string& name, const std::string& value,
                  const std::string& near_value) {
    return Case{id, name + " = \"" + value + "\"", name + " = \"" + near_value + "\""};
  };
  const std::string id = uuid();
  for (const auto& [format, vendor] : std::vector<std::pair<std::string, std::string>>{
           {"heroku-api-key-legacy", "heroku"},
           {"hubspot-api-key", "hubspot"},
           {"kucoin-secret-key", "kucoin"},
           {"messagebird-client-id", "messagebird"},
           {"sendbird-access-id", "sendbird"},
           {"squarespace-access-token", "squarespace"}}) {
    c.push_back(named(format, vendor + "_value", id, id.substr(1)));
  }
  const std::string forty = token(40, kLowerDigits);
  c.insert(
      c.end(),
      {{"snyk-api-token", "SNYK_TOKEN=" + id, "SNYK_VERSION=" + id},
       named("asana-client-id", "asana_value", token(16, kDigits), token(15, kDigits)),
       named("discord-client-id", "discord_value", token(18, kDigits), token(17, kDigits)),
       named("discord-client-secret", "discord_value", token(32, kLowerDigits),
             token(31, kLowerDigits)),
       {"sidekiq-secret", "BUNDLE_GEMS__CONTRIBSYS__COM=" + token(8, kHex) + ":" + token(8, kHex),
        "BUNDLE_GEMS__CONTRIBSYS__COM=" + token(8, kHex) + ":" + token(7, kHex)},
       {"sonar-api-token", "SONAR_TOKEN=" + forty, "SONAR_HOST=" + forty},
       {"sumologic-access-id", "SUMO_ID=su" + token(12, kAlnum), "SUMO_ID=su" + token(11, kAlnum)},
       named("launchdarkly-access-token", "launchdarkly_value", forty, forty.substr(1)),
       {"defined-networking-api-token",
        "dnkey_value = dnkey-" + token(26, kLowerDigits) + "-" + token(52, kLowerDigits),
        "DN_VALUE = dnkey-" + token(26, kLowerDigits) + "-" + token(52, kLowerDigits)},
       {"mailgun-public-key", "mailgun_value: pubkey-" + token(32, kHex),
        "mailgun_value: pubkey-" + token(31, kHex)},
       named("jfrog-identity-token", "artifactory_value", token(64, kLowerDigits),
             token(63, kLowerDigits)),
       {"sourcegraph-legacy-token", "sourcegraph_value: " + token(40, kHex),
        "sourcegraph_value: " + token(39, kHex)},
       named("twitter-bearer-token", "twitter_value",
             std::string(22, 'A') + token(90, kLowerDigits),
             std::string(22, 'A') + token(60, kLowerDigits)),
       {"facebook-app-access-token", "facebook: " + token(15, kDigits) + "|" + token(30, kUrlSafe),
        "facebook: " + token(15, kDigits) + "|" + token(20, kUrlSafe)}});
  return c;
}

std::vector<std::string> ids_of(const std::vector<SecretMatch>& matches) {
  std::vector<std::string> ids;
  for (const auto& m : matches) ids.push_back(builtin().rules()[m.rule].spec.id);
  return ids;
}

TEST(SecretsCatalogue, HasAtLeastSixtyUniqueDocumentedFormats) {
  const auto& catalogue = builtin_catalogue();
  EXPECT_GE(catalogue.size(), 60u);
  std::set<std::string> ids;
  for (const auto& spec : catalogue) {
    EXPECT_TRUE(ids.insert(spec.id).second) << spec.id;
    EXPECT_FALSE(spec.description.empty()) << spec.id;
  }
}

TEST(SecretsCatalogue, EveryFormatCompilesInVectorscanWithoutFallback) {
  for (const auto& rule : builtin().rules()) {
    if (rule.spec.regex.empty()) continue;  // path-only
    EXPECT_TRUE(rule.prefiltered) << rule.spec.id << ": " << rule.fallback_reason;
  }
}

TEST(SecretsCatalogue, EveryFormatIsCoveredByThisTable) {
  std::set<std::string> tested;
  for (const auto& c : cases()) tested.insert(c.id);
  tested.insert("pkcs12-file");            // a path rule: PathOnlyFormatFlagsKeyStores
  tested.insert("freemius-secret-key");    // PHP files only: FreemiusKeyOnlyInPhpFiles
  tested.insert("nuget-config-password");  // NuGet.config only: NugetPasswordOnlyInNugetConfig
  for (const auto& spec : builtin_catalogue()) EXPECT_TRUE(tested.count(spec.id)) << spec.id;
  EXPECT_EQ(tested.size(), builtin_catalogue().size());
}

TEST(SecretsCatalogue, PathOnlyFormatFlagsKeyStores) {
  Scanner::Session session(builtin());
  for (std::string path : {"certs/client.p12", "App_TemporaryKey.PFX"}) {
    std::vector<SecretMatch> matches;
    session.scan_path(path, {}, matches);
    ASSERT_EQ(ids_of(matches), std::vector<std::string>{"pkcs12-file"}) << path;
    EXPECT_EQ(matches[0].line, 0u);
  }
  std::vector<SecretMatch> matches;
  session.scan_path("docs/type.P126.html", {}, matches);
  EXPECT_TRUE(matches.empty());
}

TEST(SecretsCatalogue, FreemiusKeyOnlyInPhpFiles) {
  const std::string line = "  \"secret_key\" => \"sk_" + token(29, kUrlSafe) + "\",";
  EXPECT_EQ(ids_of(scan_text(builtin(), line, {}, "wp/freemius.php")),
            std::vector<std::string>{"freemius-secret-key"});
  auto elsewhere = ids_of(scan_text(builtin(), line, {}, "wp/freemius.html"));
  EXPECT_EQ(std::count(elsewhere.begin(), elsewhere.end(), "freemius-secret-key"), 0);
}

TEST(SecretsCatalogue, NugetPasswordOnlyInNugetConfig) {
  const std::string line = "<add key=\"ClearTextPassword\" value=\"" + token(12, kAlnum) + "\" />";
  EXPECT_EQ(ids_of(scan_text(builtin(), line, {}, "src/NuGet.Config")),
            std::vector<std::string>{"nuget-config-password"});
  for (const std::string& text :
       {line, std::string("<add key=\"ClearTextPassword\" value=\"%FEED_PASSWORD%\" />"),
        std::string("<add key=\"Username\" value=\"") + token(12, kAlnum) + "\" />"}) {
    const std::string path = text == line ? "src/app.xml" : "NuGet.config";
    auto ids = ids_of(scan_text(builtin(), text, {}, path));
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "nuget-config-password"), 0) << text;
  }
}

TEST(SecretsCatalogue, GenericAssignmentsSkipMetadataNamesAndCodeValues) {
  for (const std::string& text : std::vector<std::string>{
           "public_key = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\"",
           "primaryKey=3YY2KQkU6qswaq-CnHKkQmY9mNVSNf", "key_length = XSalsa20.key_length",
           "\"credentialId\": \"B9mTcFSck2LzJO2S3ols63\",",
           "LLM_SECRET_NAME = \"NEXUS-GPT4-API-KEY\"", "IceSSL.KeyFile=s_rsa1024_priv.pem",
           "csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7"}) {
    EXPECT_TRUE(ids_of(scan_text(builtin(), text)).empty()) << text;
  }
  // Every assignment form the words-only prefilter must let through to RE2: PHP's `.=`, a Go
  // type, an XML element whose value is on the next line, a JSON key.
  const std::string value = "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB";
  for (const std::string& text : std::vector<std::string>{
           "$apiToken .= \"" + value + "\"", "var apiToken string = \"" + value + "\"",
           "<apiToken>\n    " + value + "\n</apiToken>", "{\"api_token\": \"" + value + "\"}"}) {
    EXPECT_EQ(ids_of(scan_text(builtin(), text)),
              std::vector<std::string>{"generic-secret-assignment"})
        << text;
  }
  // The same shapes under a secret's name are reported.
  EXPECT_EQ(
      ids_of(scan_text(builtin(), "api_key = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\"")),
      std::vector<std::string>{"generic-secret-assignment"});
}

TEST(SecretsCatalogue, DocumentationPlaceholdersAreNotSecrets) {
  for (const std::string& text : std::vector<std::string>{
           "token = ghp_" + std::string(36, 'x'), "VAULT_TOKEN=hvs." + std::string(95, 'X'),
           "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
           "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
           "STRIPE_KEY=sk_live_" + std::string(24, '0'), "AGE-SECRET-KEY-1" + std::string(58, 'Q'),
           "sk_live_abcdefghijklmnopqrstuvwx"}) {
    EXPECT_TRUE(ids_of(scan_text(builtin(), text)).empty()) << text;
  }
  // One repeated character too few for a placeholder: a token.
  EXPECT_EQ(ids_of(scan_text(builtin(), "ghp_xxxxxxx" + token(29, kAlnum))),
            std::vector<std::string>{"github-classic-pat"});
}

TEST(SecretsCatalogue, DocumentationListsEveryFormat) {
  std::ifstream in(std::string(GATE_SOURCE_DIR) + "/docs/rules/secrets.md");
  ASSERT_TRUE(in) << "docs/rules/secrets.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& spec : builtin_catalogue()) {
    EXPECT_NE(doc.str().find("| `" + spec.id + "` | " + spec.description), std::string::npos)
        << "missing row: | `" << spec.id << "` | " << spec.description << " |";
  }
}

TEST(SecretsCatalogue, TruePositiveAndNearMissForEveryFormat) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.id);
    auto found = scan_text(builtin(), c.positive);
    ASSERT_EQ(ids_of(found), std::vector<std::string>{c.id}) << c.positive;
    // The secret is part of the line and the column points at it.
    const auto& match = found.front();
    EXPECT_NE(c.positive.find(match.secret), std::string::npos);
    EXPECT_GE(match.line, 1u);
    EXPECT_GE(match.column, 1u);
    auto near = ids_of(scan_text(builtin(), c.near_miss));
    EXPECT_EQ(std::count(near.begin(), near.end(), c.id), 0) << c.near_miss;
  }
}

TEST(SecretsCatalogue, NearMissesAreSilentAltogether) {
  // Beyond "not this format": no other format mistakes the near miss for a secret either,
  // except where a generic rule rightly sees a random value assigned to a secret-like name.
  for (const auto& c : cases()) {
    if (c.id == "aws-secret-access-key" || c.id == "azure-storage-account-key") continue;
    auto near = ids_of(scan_text(builtin(), c.near_miss));
    EXPECT_TRUE(near.empty()) << c.id << ": " << c.near_miss << " -> " << near.front();
  }
}

}  // namespace
}  // namespace gate::secrets::test
