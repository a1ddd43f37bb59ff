// The HTTP edge of attachments (docs/api.md, "Files"): POST /api/v1/files takes the raw
// bytes of one file, GET /files/{workspace}/{file}/{variant} serves them back. Answered on
// the blocking pool by the HTTP front; authorisation here, rules in services/files.
#pragma once

#include <optional>
#include <string_view>

#include "net/server.hpp"
#include "services/auth/auth_service.hpp"
#include "services/files/files_service.hpp"
#include "services/limits/rate_limiter.hpp"

namespace juttu::api {

class FilesApi {
public:
    FilesApi(services::FilesService& files, services::AuthService& auth,
             services::RateLimiter& limits)
        : files_(files), auth_(auth), limits_(limits) {}

    static constexpr std::string_view upload_path = "/api/v1/files";
    static constexpr std::string_view download_prefix = "/files/";

    // nullopt: not a files path.
    std::optional<net::Response> serve(const net::Request& request, std::string_view path);

private:
    std::optional<net::Response> route(const net::Request& request, std::string_view path);
    net::Response upload(const net::Request& request);
    net::Response download(const net::Request& request, std::string_view path);
    // Who the Authorization header names: "Bearer <session>" or "Contact <site key>:<token>".
    core::Result<services::FileActor> actor(const net::Request& request);

    services::FilesService& files_;
    services::AuthService& auth_;
    services::RateLimiter& limits_;
};

}  // namespace juttu::api
