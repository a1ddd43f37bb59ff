#include "api/cors.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>

#include "core/validation.hpp"

namespace juttu::api::cors {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view allowed_methods = "GET, POST, OPTIONS";
constexpr std::string_view allowed_headers = "Authorization, Content-Type, Idempotency-Key";
constexpr std::string_view exposed_headers = "Retry-After";
// Browsers cap it (Chromium at 2 h); 10 min keeps a changed allow-list from lingering.
constexpr std::string_view max_age_seconds = "600";

void vary_on_origin(net::Response& response) {
    const std::string_view vary = response[http::field::vary];
    if (vary.empty()) {
        response.set(http::field::vary, "Origin");
    } else if (vary.find("Origin") == std::string_view::npos) {
        response.set(http::field::vary, std::string(vary) + ", Origin");
    }
}

}  // namespace

std::optional<std::string> allowed_origin(const net::Request& request,
                                          std::span<const std::string> allowed) {
    const std::string_view origin = request[http::field::origin];
    if (origin.empty()) return std::nullopt;
    const auto normalized = core::normalize_origin(origin);
    if (!normalized || std::find(allowed.begin(), allowed.end(), *normalized) == allowed.end()) {
        return std::nullopt;
    }
    // Echoed as sent: the browser compares it byte for byte with its own serialisation.
    return std::string(origin);
}

net::Response preflight(const net::Request& request, std::span<const std::string> allowed) {
    const auto origin = allowed_origin(request, allowed);
    net::Response response{origin ? http::status::no_content : http::status::forbidden,
                           request.version()};
    vary_on_origin(response);
    response.set(http::field::cache_control, "no-store");
    if (origin) {
        response.set(http::field::access_control_allow_origin, *origin);
        response.set(http::field::access_control_allow_methods, allowed_methods);
        response.set(http::field::access_control_allow_headers, allowed_headers);
        response.set(http::field::access_control_max_age, max_age_seconds);
    } else {
        response.set(http::field::content_type, "application/json");
        response.body() =
            R"({"error":{"code":"origin_not_allowed","message":"this page's origin is not allowed for the site"}})";
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

bool allow_origin(net::Response& response, const net::Request& request,
                  std::span<const std::string> allowed) {
    vary_on_origin(response);
    const auto origin = allowed_origin(request, allowed);
    if (!origin) return false;
    response.set(http::field::access_control_allow_origin, *origin);
    response.set(http::field::access_control_expose_headers, exposed_headers);
    return true;
}

std::vector<std::string> own_origin(const net::Request& request) {
    auto origin = core::normalize_origin(request[http::field::origin]);
    if (!origin) return {};
    return {std::move(*origin)};
}

}  // namespace juttu::api::cors
