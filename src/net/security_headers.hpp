// The headers that tell browsers what an answer may do: every answer gets `nosniff`, a
// Referrer-Policy and a Content-Security-Policy chosen by its kind (docs/security.md,
// "Headers and Content-Security-Policy"). No policy allows inline script or style.
#pragma once

#include <string_view>

#include "net/server.hpp"

namespace juttu::net {

enum class AnswerKind {
    data,          // API JSON, errors, redirects, /healthz, /metrics, assets: nothing runs
    console_page,  // the agent console: no page may frame it
    page,          // the landing page and the demo shop: only our own pages may frame them
    widget,        // widget.js, which shops load from their own origins
    file,          // an attachment under /files/: sandboxed, shown in shops' pages (<img>)
};

// The kind of an answer, by the path it was asked for (without the query) and its content
// type: HTML is a console page or another page, /widget.js the widget, the rest data.
AnswerKind answer_kind(std::string_view path, std::string_view content_type);

// The Content-Security-Policy of each kind.
std::string_view content_security_policy(AnswerKind kind);

// Sets the headers of `kind` on `response`, replacing any set before.
void add_security_headers(Response& response, AnswerKind kind);

}  // namespace juttu::net
