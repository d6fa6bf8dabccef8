#include "server/web/html.hpp"

#include <array>
#include <utility>

namespace gate::server::web {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || byte == '-' || byte == '_' || byte == '.' || byte == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  bool formula =
      !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@');
  bool quoted = text.find_first_of(",\"\r\n") != std::string_view::npos;
  std::string out;
  if (quoted) out += '"';
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quoted) out += '"';
  return out;
}

namespace {

constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{background:#20303f;color:#fff;padding:.6em 1.2em}
header a{color:#fff;margin-right:1.2em}
header a[aria-current]{font-weight:bold;text-decoration:underline 3px}
main{padding:1em 1.2em;max-width:72em}
a{color:#0b57a4}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0a000;outline-offset:1px}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.time{white-space:nowrap}
table.inventory{font-size:.9em}
code,pre{font:13px/1.35 ui-monospace,monospace}
pre{background:#f4f4f4;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(14em,1fr));gap:.5em 1em}
form.filters label{display:flex;flex-direction:column;font-size:.9em}
.verdict-pass{color:#185c1c;font-weight:bold}
.verdict-fail{color:#a4161a;font-weight:bold}
.verdict-pass::before{content:"\2713  "}
.verdict-fail::before{content:"\2717  "}
.result{padding:.6em;border:2px solid #555;margin:.6em 0}
.result.ok{border-color:#185c1c;background:#eaf6ea}
.result.bad{border-color:#a4161a;background:#fbeaea}
.chart{display:flex;gap:1.5em;flex-wrap:wrap;align-items:flex-start}
.error{border:2px solid #a4161a;padding:.6em;background:#fbeaea}
)";

constexpr std::array<std::pair<const char*, const char*>, 4> kNavigation = {
    {{"search", "/ui/"},
     {"dashboard", "/ui/dashboard"},
     {"inventory", "/ui/inventory"},
     {"health", "/ui/health"}}};

}  // namespace

std::string page(std::string_view title, std::string_view current, const std::string& body,
                 const std::vector<std::string>& scripts) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<link rel=\"icon\" href=\"data:,\"><title>" +
      escape(title) + " · Gate audit log</title><style>" + kStyle +
      "</style></head><body><header><nav aria-label=\"pages\"><strong>Gate audit log</strong> ";
  for (const auto& [name, href] : kNavigation) {
    out += std::string("<a href=\"") + href + "\"" +
           (current == name ? " aria-current=\"page\"" : "") + ">" + name + "</a>";
  }
  out += "</nav></header><main><h1>" + escape(title) + "</h1>\n" + body + "</main>";
  for (const auto& script : scripts) out += "<script src=\"" + escape(script) + "\"></script>";
  return out + "</body></html>\n";
}

std::string error_body(int status, std::string_view message) {
  return "<div class=\"error\" role=\"alert\"><p><strong>" + std::to_string(status) +
         "</strong>: " + escape(message) +
         "</p><p>See docs/audit-service.md, \"For auditors\".</p></div>";
}

}  // namespace gate::server::web
