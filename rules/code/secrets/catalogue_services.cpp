// Built-in formats: chat, SaaS, package registries and AI providers. The secret is capture
// group 1 of each pattern.
#include "rules/code/secrets/catalogue.hpp"

namespace gate::secrets {

std::vector<SecretRuleSpec> service_formats() {
  return {
      // Chat and webhooks.
      builtin_format("slack-bot-token", "Slack bot token (xoxb-)",
                     R"re(\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})\b)re"),
      builtin_format(
          "slack-user-token", "Slack user or enterprise token (xoxp-/xoxe-)",
          R"re(\b(xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34})\b)re"),
      builtin_format("slack-app-token", "Slack app-level token (xapp-)",
                     R"re(\b(xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64})\b)re"),
      builtin_format(
          "slack-webhook-url", "Slack incoming webhook or workflow URL (hooks.slack.com)",
          R"re(hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/]{43,56}))re"),
      builtin_format(
          "discord-webhook-url", "Discord webhook URL (discord.com/api/webhooks)",
          R"re(discord(?:app)?\.com/api/webhooks/([0-9]{17,20}/[A-Za-z0-9_\-]{60,68}))re"),
      builtin_format(
          "microsoft-teams-webhook-url",
          "Microsoft Teams incoming webhook URL (webhook.office.com)",
          R"re(\.webhook\.office\.com/webhookb2/([a-z0-9\-]{36}@[a-z0-9\-]{36}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9\-]{36}))re"),
      builtin_format("telegram-bot-token", "Telegram bot API token (digits:A...)",
                     R"re(\b([0-9]{5,16}:A[0-9A-Za-z_\-]{34})(?:[^0-9A-Za-z_\-]|$))re"),

      // Payments and SaaS.
      builtin_format("stripe-secret-key", "Stripe secret API key (sk_live_/sk_test_/sk_prod_)",
                     R"re(\b(sk_(?:live|test|prod)_[0-9A-Za-z]{10,99})\b)re"),
      builtin_format("stripe-restricted-key",
                     "Stripe restricted API key (rk_live_/rk_test_/rk_prod_)",
                     R"re(\b(rk_(?:live|test|prod)_[0-9A-Za-z]{10,99})\b)re"),
      builtin_format("stripe-webhook-secret", "Stripe webhook signing secret (whsec_)",
                     R"re(\b(whsec_[A-Za-z0-9]{32,64})\b)re"),
      builtin_format("twilio-api-key", "Twilio API key SID (SK + 32 hex)",
                     R"re(\b(SK[0-9a-fA-F]{32})\b)re"),
      builtin_format(
          "sendgrid-api-key", "SendGrid API key (SG.)",
          R"re(\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}|SG\.[A-Za-z0-9=_\-.]{66})(?:[^A-Za-z0-9_\-.=]|$))re"),
      builtin_format("mailgun-api-key", "Mailgun private API key (key-)",
                     R"re(\b(key-[0-9a-f]{32})\b)re"),
      builtin_format("mailchimp-api-key", "Mailchimp API key (32 hex + -usN)",
                     R"re(\b([0-9a-f]{32}-us[0-9]{1,2})(?:[\x60'"\s;,]|\\[nrt]|$))re"),
      builtin_format("shopify-access-token", "Shopify Admin API access token (shpat_)",
                     R"re(\b(shpat_[a-fA-F0-9]{32})\b)re"),
      builtin_format("shopify-custom-app-token", "Shopify custom app access token (shpca_)",
                     R"re(\b(shpca_[a-fA-F0-9]{32})\b)re"),
      builtin_format("shopify-private-app-token", "Shopify private app access token (shppa_)",
                     R"re(\b(shppa_[a-fA-F0-9]{32})\b)re"),
      builtin_format("shopify-shared-secret", "Shopify app shared secret (shpss_)",
                     R"re(\b(shpss_[a-fA-F0-9]{32})\b)re"),
      builtin_format("square-access-token", "Square access token (sq0atp-, EAAA)",
                     R"re(\b((?:sq0atp-|EAAA)[0-9A-Za-z_\-]{22,60})(?:[^0-9A-Za-z_\-]|$))re"),
      builtin_format("square-oauth-secret", "Square OAuth secret (sq0csp-)",
                     R"re(\b(sq0csp-[0-9A-Za-z_\-]{43})(?:[^0-9A-Za-z_\-]|$))re"),
      builtin_format("braintree-access-token", "PayPal Braintree production access token",
                     R"re(\b(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})\b)re"),
      builtin_format("new-relic-user-api-key", "New Relic user API key (NRAK-)",
                     R"re(\b(NRAK-[A-Z0-9]{27})\b)re"),
      builtin_format("sentry-user-token", "Sentry user auth token (sntryu_)",
                     R"re(\b(sntryu_[a-f0-9]{64})\b)re"),
      // The payload is base64 JSON with iat and region_url; the signature 43 characters.
      builtin_format(
          "sentry-org-token", "Sentry organization auth token (sntrys_)",
          R"re(\b(sntrys_eyJpYXQiO[A-Za-z0-9+/]{10,200}(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[A-Za-z0-9+/]{10,200}={0,2}_[A-Za-z0-9+/]{43})(?:[^A-Za-z0-9+/]|$))re",
          4.5),
      builtin_format("linear-api-key", "Linear API key (lin_api_)",
                     R"re(\b(lin_api_[A-Za-z0-9]{40})\b)re"),
      builtin_format("postman-api-key", "Postman API key (PMAK-)",
                     R"re(\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b)re"),
      builtin_format("grafana-service-account-token", "Grafana service account token (glsa_)",
                     R"re(\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b)re"),
      builtin_format("dynatrace-api-token", "Dynatrace API token (dt0c01.)",
                     R"re(\b(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})\b)re"),
      builtin_format("facebook-access-token", "Facebook (Meta) user access token (EAACEdEose0cBA)",
                     R"re(\b(EAACEdEose0cBA[0-9A-Za-z]{20,}))re"),
      builtin_format("mapbox-secret-token", "Mapbox secret access token (sk.eyJ)",
                     R"re(\b(sk\.eyJ[A-Za-z0-9_\-]{50,}\.[A-Za-z0-9_\-]{20,}))re"),
      builtin_format("easypost-api-key", "EasyPost production API key (EZAK)",
                     R"re(\b(EZAK[A-Za-z0-9]{54})\b)re"),
      builtin_format("shippo-api-token", "Shippo API token (shippo_live_/shippo_test_)",
                     R"re(\b(shippo_(?:live|test)_[a-f0-9]{40})\b)re"),
      builtin_format("onepassword-service-account-token",
                     "1Password service account token (ops_eyJ)",
                     R"re(\b(ops_eyJ[A-Za-z0-9+/]{250,}={0,3}))re"),

      // Package registries.
      builtin_format("npm-access-token", "npm access token (npm_)",
                     R"re(\b(npm_[A-Za-z0-9]{36})\b)re"),
      builtin_format("pypi-upload-token", "PyPI upload token (pypi-AgEIcHlwaS5vcmc)",
                     R"re(\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}))re"),
      builtin_format("dockerhub-pat", "Docker Hub personal access token (dckr_pat_)",
                     R"re(\b(dckr_pat_[A-Za-z0-9_\-]{27})(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format("nuget-api-key", "NuGet.org API key (oy2 + 43 chars)",
                     R"re(\b(oy2[a-z0-9]{43})\b)re"),
      builtin_format("rubygems-api-key", "RubyGems API key (rubygems_)",
                     R"re(\b(rubygems_[a-f0-9]{48})\b)re"),
      builtin_format("clojars-api-token", "Clojars deploy token (CLOJARS_)",
                     R"re(\b(CLOJARS_[a-z0-9]{60})\b)re"),
      builtin_format("artifactory-api-key", "JFrog Artifactory API key (AKCp)",
                     R"re(\b(AKCp[A-Za-z0-9]{69})\b)re"),
      builtin_format("cratesio-api-token", "crates.io API token (cio + 32 chars)",
                     R"re(\b(cio[A-Za-z0-9]{32})\b)re"),

      // AI providers.
      builtin_format(
          "openai-api-key", "OpenAI API key (sk-, sk-proj-, sk-svcacct-, sk-admin- with T3BlbkFJ)",
          R"re(\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200})(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format("anthropic-api-key", "Anthropic API key (sk-ant-api03-)",
                     R"re(\b(sk-ant-api03-[A-Za-z0-9_\-]{93}AA)(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format("anthropic-admin-key", "Anthropic admin API key (sk-ant-admin01-)",
                     R"re(\b(sk-ant-admin01-[A-Za-z0-9_\-]{93}AA)(?:[^A-Za-z0-9_\-]|$))re"),
      builtin_format("huggingface-access-token", "Hugging Face user access token (hf_)",
                     R"re(\b(hf_[A-Za-z]{34})\b)re"),
      builtin_format("huggingface-org-token", "Hugging Face organization API token (api_org_)",
                     R"re(\b(api_org_[A-Za-z]{34})\b)re"),
      builtin_format("groq-api-key", "Groq API key (gsk_)", R"re(\b(gsk_[A-Za-z0-9]{52})\b)re"),
      builtin_format("replicate-api-token", "Replicate API token (r8_)",
                     R"re(\b(r8_[A-Za-z0-9]{37})\b)re"),
      builtin_format("perplexity-api-key", "Perplexity API key (pplx-)",
                     R"re(\b(pplx-[A-Za-z0-9]{48})\b)re"),
  };
}

}  // namespace gate::secrets
