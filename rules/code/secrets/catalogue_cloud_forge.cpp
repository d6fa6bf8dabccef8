// Built-in formats: cloud providers and code forges. Each pattern is RE2 syntax that Vectorscan
// also compiles (checked by the tests); the secret is capture group 1.
#include "rules/code/secrets/catalogue.hpp"

namespace gate::secrets {

std::vector<SecretRuleSpec> cloud_and_forge_formats() {
  return {
      // Cloud providers.
      builtin_format("aws-access-key-id", "AWS access key id (AKIA/ASIA/ABIA/ACCA/A3T)",
                     R"re(\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b)re"),
      builtin_format(
          "aws-secret-access-key",
          "AWS secret access key assigned to an aws_secret_access_key name",
          R"re((?i)aws_?(?:secret)?_?(?:access)?_?key['"]?\s*(?::|=>|=)\s*['"]?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$))re",
          4.0),
      [] {
        SecretRuleSpec spec =
            builtin_format("gcp-api-key", "Google Cloud / Firebase API key (AIza...)",
                           R"re(\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$))re", 4.0);
        // Browser keys Google and widely used SDKs publish in their own code and samples
        // (restricted to their apps, not credentials of the repository under review).
        spec.allowlists.push_back(builtin_allowlist(
            "published browser keys",
            {"AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
             "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM", "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
             "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
             "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c", "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
             "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY", "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
             "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ", "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
             "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU", "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
             "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
             "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY"}));
        return spec;
      }(),
      [] {
        SecretRuleSpec spec = builtin_format(
            "gcp-service-account-key",
            "private key inside a Google Cloud service-account JSON file (\"private_key\")",
            R"re("private_key"\s*:\s*"-----BEGIN (?:RSA )?PRIVATE KEY-----\\n([A-Za-z0-9+/=\\]{64,}))re");
        spec.skip_placeholders = false;  // DER encodes runs of zero bytes as AAAAAAAA...
        return spec;
      }(),
      builtin_format("gcp-oauth-client-secret", "Google OAuth client secret (GOCSPX-...)",
                     R"re(\b(GOCSPX-[A-Za-z0-9_\-]{28})(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format("google-oauth-access-token", "Google OAuth access token (ya29....)",
                     R"re(\b(ya29\.[0-9A-Za-z_\-]{30,}))re"),
      builtin_format("azure-storage-account-key",
                     "Azure storage account key in a connection string (AccountKey=...)",
                     R"re((?i)AccountKey=([A-Za-z0-9+/]{86}==))re"),
      builtin_format(
          "azure-sas-connection-string",
          "Azure Service Bus / Event Hubs / IoT connection string key (SharedAccessKey=...)",
          R"re((?i)SharedAccessKey=([A-Za-z0-9+/]{42,43}=))re"),
      builtin_format("azure-sas-token", "Azure shared access signature in a URL (sig=...%3D)",
                     R"re([?&]sig=([A-Za-z0-9%+/]{40,100}(?:%3D|=)))re"),
      builtin_format(
          "azure-ad-client-secret", "Microsoft Entra ID (Azure AD) application client secret",
          R"re((?:^|[\s'"=:>(,\\])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:$|[\s'"<),;\\]))re"),
      builtin_format("digitalocean-pat", "DigitalOcean personal access token (dop_v1_)",
                     R"re(\b(dop_v1_[a-f0-9]{64})\b)re"),
      builtin_format("digitalocean-oauth-token", "DigitalOcean OAuth token (doo_v1_)",
                     R"re(\b(doo_v1_[a-f0-9]{64})\b)re"),
      builtin_format("alibaba-access-key-id", "Alibaba Cloud access key id (LTAI...)",
                     R"re(\b(LTAI[A-Za-z0-9]{20})\b)re"),
      builtin_format("heroku-api-key", "Heroku API key (HRKU-AA...)",
                     R"re(\b(HRKU-AA[0-9A-Za-z_\-]{58})(?:[^0-9A-Za-z_\-]|$))re"),
      builtin_format(
          "hashicorp-vault-token", "HashiCorp Vault service or batch token (hvs./hvb.)",
          R"re(\b(hvs\.[A-Za-z0-9_\-]{90,130}|hvb\.[A-Za-z0-9_\-]{90,300})(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format(
          "terraform-cloud-token", "Terraform Cloud / Enterprise API token (....atlasv1....)",
          R"re(\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})(?:[^A-Za-z0-9_=\-]|$))re"),
      builtin_format("pulumi-access-token", "Pulumi access token (pul-)",
                     R"re(\b(pul-[a-f0-9]{40})\b)re"),
      builtin_format("databricks-token", "Databricks personal access token (dapi...)",
                     R"re(\b(dapi[a-f0-9]{32}(?:-[0-9])?)\b)re"),
      builtin_format(
          "flyio-access-token", "Fly.io access token (fo1_, fm1a_, fm1r_, fm2_)",
          R"re(\b(fo1_[A-Za-z0-9_\-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3})(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format("age-secret-key", "age encryption secret key (AGE-SECRET-KEY-1...)",
                     R"re(\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b)re"),
      builtin_format("doppler-token", "Doppler personal token (dp.pt.)",
                     R"re(\b(dp\.pt\.[A-Za-z0-9]{43})\b)re"),
      builtin_format("planetscale-password", "PlanetScale database password (pscale_pw_)",
                     R"re(\b(pscale_pw_[A-Za-z0-9_.\-]{43})(?:[^A-Za-z0-9_.\-]|$))re"),
      builtin_format("supabase-access-token", "Supabase personal access token (sbp_)",
                     R"re(\b(sbp_[a-f0-9]{40})\b)re"),

      // Code forges.
      builtin_format("github-classic-pat", "GitHub personal access token, classic (ghp_)",
                     R"re(\b(ghp_[A-Za-z0-9]{36})\b)re"),
      builtin_format("github-fine-grained-pat",
                     "GitHub fine-grained personal access token (github_pat_)",
                     R"re(\b(github_pat_[A-Za-z0-9_]{82})\b)re"),
      builtin_format("github-oauth-token", "GitHub OAuth access token (gho_)",
                     R"re(\b(gho_[A-Za-z0-9]{36})\b)re"),
      builtin_format("github-app-token",
                     "GitHub App user-to-server or installation token (ghu_/ghs_)",
                     R"re(\b((?:ghu|ghs)_[A-Za-z0-9]{36})\b)re"),
      builtin_format("github-refresh-token", "GitHub refresh token (ghr_)",
                     R"re(\b(ghr_[A-Za-z0-9]{36})\b)re"),
      builtin_format("gitlab-pat", "GitLab personal, project or group access token (glpat-)",
                     R"re(\b(glpat-[A-Za-z0-9_\-]{20,}))re"),
      builtin_format("gitlab-pipeline-trigger-token", "GitLab pipeline trigger token (glptt-)",
                     R"re(\b(glptt-[0-9a-f]{40})\b)re"),
      builtin_format("gitlab-runner-token", "GitLab runner authentication token (glrt-)",
                     R"re(\b(glrt-[A-Za-z0-9_\-]{20,}))re"),
      builtin_format("gitlab-deploy-token", "GitLab deploy token (gldt-)",
                     R"re(\b(gldt-[A-Za-z0-9_\-]{20,}))re"),
      builtin_format("bitbucket-app-password", "Bitbucket app password (ATBB...)",
                     R"re(\b(ATBB[A-Za-z0-9_=.\-]{28,40})(?:[^A-Za-z0-9_=.\-]|$))re"),
      builtin_format("bitbucket-access-token",
                     "Bitbucket repository, project or workspace access token (ATCTT3xFfGN0...)",
                     R"re(\b(ATCTT3xFfGN0[A-Za-z0-9_\-=]{150,250}))re"),
      builtin_format("atlassian-api-token", "Atlassian (Jira, Confluence) API token (ATATT3...)",
                     R"re(\b(ATATT3[A-Za-z0-9_\-=]{186})(?:[^A-Za-z0-9_\-=]|$))re"),
  };
}

}  // namespace gate::secrets
