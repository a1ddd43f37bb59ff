// CORS for the visitor's HTTP routes (docs/security.md): the widget runs on the shop's
// origin, so its HTTP calls to Juttu are cross-origin. A browser lets the page read an
// answer only when the answer names the page's origin; Juttu names it only when the site
// allows that origin (core::Site::allowed_origins, the same list the WebSocket hello
// checks). Credentials are bearer tokens in headers, never cookies, so no
// Access-Control-Allow-Credentials.
//
// The pair: preflight() answers an OPTIONS; allow_origin() marks the actual answer.
// Both add `Vary: Origin`, so a cache never hands one origin's answer to another.
// Pure functions of the request and the allowed list; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/server.hpp"

namespace juttu::api::cors {

// The request's Origin header as sent, when it normalises to one of `allowed`
// (normalised origins, e.g. "https://shop.example"); nullopt otherwise.
std::optional<std::string> allowed_origin(const net::Request& request,
                                          std::span<const std::string> allowed);

// The answer to a preflight OPTIONS: 204 with Allow-Origin (the request's origin),
// Allow-Methods, Allow-Headers (Authorization, Content-Type, Idempotency-Key) and
// Max-Age when the origin is allowed; 403 origin_not_allowed (JSON) otherwise.
net::Response preflight(const net::Request& request, std::span<const std::string> allowed);

// Adds Access-Control-Allow-Origin to `response` when the request's origin is allowed
// (and `Vary: Origin` always). Returns whether it was allowed.
bool allow_origin(net::Response& response, const net::Request& request,
                  std::span<const std::string> allowed);

// The request's own origin, normalised, as a one-element list (none when it has no
// well-formed Origin): for routes whose credentials are tokens in headers, which another
// origin cannot read or send by itself (the HTTP transport, whose hello then checks the
// site's origins as the socket's does, and uploads of attachments).
std::vector<std::string> own_origin(const net::Request& request);

}  // namespace juttu::api::cors
