// The replies every REST handler file builds: success with a body, created, no content,
// a validation error, or a service's Result serialised.
#pragma once

#include "api/rest_api.hpp"

namespace juttu::api::replies {

inline Reply ok(json::value body) { return Reply{boost::beast::http::status::ok, std::move(body)}; }
inline Reply created(json::value body) {
    return Reply{boost::beast::http::status::created, std::move(body)};
}
inline Reply no_content() { return Reply{boost::beast::http::status::no_content, nullptr}; }

inline Reply invalid(std::string_view message) {
    return error_reply(boost::beast::http::status::bad_request, "validation_failed", message);
}

// The error as it is, or `serialise(value)` with `status` (200 unless given).
template <class T, class F>
Reply reply_with(const core::Result<T>& result, F&& serialise,
                 boost::beast::http::status status = boost::beast::http::status::ok) {
    if (!result.ok()) return error_reply(result.error());
    return Reply{status, serialise(result.value())};
}

}  // namespace juttu::api::replies
