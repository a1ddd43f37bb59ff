// Serves the web assets (widget, console, demo shop) from a directory.
//
// Every request target is resolved to a path under the web root before anything is
// opened: `web_path` accepts only plain segments ([A-Za-z0-9._-], no empty, dot or
// hidden ones), and `serve` then opens a file only when its canonical path (symlinks
// followed) still lies under the root's canonical path.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "net/server.hpp"

namespace juttu::net {

// The relative path a request target names under the web root, or nullopt when it
// names nothing that may be served: not starting with one '/', an empty segment ("//"),
// "." or ".." or a hidden (".x") segment, a percent-encoding, a backslash, NUL or any
// other byte outside [A-Za-z0-9._-/]. The query and fragment are ignored. "/" and a
// trailing slash give a path that ends in a directory ("" for the root).
std::optional<std::filesystem::path> web_path(std::string_view target);

class StaticFiles {
public:
    explicit StaticFiles(std::filesystem::path root);

    // The file for a GET/HEAD request, or nullopt when there is none (see above).
    std::optional<Response> serve(const Request& request) const;

    static std::string_view content_type(const std::filesystem::path& file);

private:
    // `file` when it exists as a regular file whose canonical path is under the root.
    std::optional<std::filesystem::path> inside_root(const std::filesystem::path& file) const;

    std::filesystem::path root_;  // canonical when it exists
};

}  // namespace juttu::net
