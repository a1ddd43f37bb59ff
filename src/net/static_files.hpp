// Serves the web assets (widget, console, demo shop) from a directory.
#pragma once

#include <filesystem>
#include <optional>

#include "net/server.hpp"

namespace juttu::net {

class StaticFiles {
public:
    explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

    // The file for a GET/HEAD request, or nullopt when there is none. A path that
    // tries to leave the root (.., encoded slashes) finds nothing.
    std::optional<Response> serve(const Request& request) const;

    static std::string_view content_type(const std::filesystem::path& file);

private:
    std::filesystem::path root_;
};

}  // namespace juttu::net
