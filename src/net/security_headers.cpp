#include "net/security_headers.hpp"

namespace juttu::net {

namespace {

// Our own files only, nothing inline; data: for the pages' inline SVG favicons. 'self' in
// connect-src also matches ws: and wss: to the same host (CSP Level 3), for /ws.
constexpr std::string_view console_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
// The same, except that our own pages may frame these.
constexpr std::string_view page_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'";
// Nothing in JSON, text or an asset opened on its own may load or run anything.
constexpr std::string_view data_policy = "default-src 'none'; frame-ancestors 'none'";
// An attachment opened on its own is a sandboxed document that may load and run nothing,
// whatever its bytes are.
constexpr std::string_view file_policy = "default-src 'none'; sandbox; frame-ancestors 'none'";

}  // namespace

AnswerKind answer_kind(std::string_view path, std::string_view content_type) {
    if (path == "/widget.js") return AnswerKind::widget;
    if (path.starts_with("/files/")) return AnswerKind::file;
    if (!content_type.starts_with("text/html")) return AnswerKind::data;
    const bool console = path == "/console" || path.starts_with("/console/");
    return console ? AnswerKind::console_page : AnswerKind::page;
}

std::string_view content_security_policy(AnswerKind kind) {
    switch (kind) {
        case AnswerKind::console_page:
            return console_policy;
        case AnswerKind::page:
            return page_policy;
        case AnswerKind::file:
            return file_policy;
        case AnswerKind::data:
        case AnswerKind::widget:
            break;
    }
    return data_policy;
}

void add_security_headers(Response& response, AnswerKind kind) {
    response.set("Content-Security-Policy", content_security_policy(kind));
    response.set("X-Content-Type-Options", "nosniff");
    // X-Frame-Options for browsers that do not know frame-ancestors.
    response.set("X-Frame-Options", kind == AnswerKind::page ? "SAMEORIGIN" : "DENY");
    // The demo shop behaves as a shop's pages do: the widget reports the page's referrer.
    response.set("Referrer-Policy",
                 kind == AnswerKind::page ? "strict-origin-when-cross-origin" : "no-referrer");
    // Other origins may embed widget.js and nothing else (no cross-origin reads of JSON).
    response.set(
        "Cross-Origin-Resource-Policy",
        kind == AnswerKind::widget || kind == AnswerKind::file ? "cross-origin" : "same-origin");
}

}  // namespace juttu::net
