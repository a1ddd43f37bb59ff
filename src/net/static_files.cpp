#include "net/static_files.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <fstream>
#include <sstream>

namespace juttu::net {

namespace http = boost::beast::http;

namespace {

bool plain_segment_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

std::filesystem::path canonical_or_self(const std::filesystem::path& path) {
    std::error_code ec;
    auto canonical = std::filesystem::canonical(path, ec);
    return ec ? path : canonical;
}

}  // namespace

std::optional<std::filesystem::path> web_path(std::string_view target) {
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/') return std::nullopt;
    std::filesystem::path relative;
    std::string_view rest = target.substr(1);
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        // Empty ("//"), dot, dot-dot and hidden segments all start or are empty here.
        if (segment.empty() || segment.front() == '.') return std::nullopt;
        for (char c : segment) {
            if (!plain_segment_char(c)) return std::nullopt;
        }
        relative /= std::filesystem::path(segment);
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    return relative;
}

StaticFiles::StaticFiles(std::filesystem::path root) : root_(canonical_or_self(root)) {}

std::string_view StaticFiles::content_type(const std::filesystem::path& file) {
    const auto ext = file.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".map") return "application/json";
    return "application/octet-stream";
}

std::optional<std::filesystem::path> StaticFiles::inside_root(
    const std::filesystem::path& file) const {
    std::error_code ec;
    const auto canonical = std::filesystem::canonical(file, ec);
    if (ec || !std::filesystem::is_regular_file(canonical, ec)) return std::nullopt;
    // Compare whole components, so that "/srv/web-other" is not "under" "/srv/web".
    auto [root_end, unused] =
        std::mismatch(root_.begin(), root_.end(), canonical.begin(), canonical.end());
    if (root_end != root_.end()) return std::nullopt;
    return canonical;
}

std::optional<Response> StaticFiles::serve(const Request& request) const {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        return std::nullopt;
    }
    const auto relative = web_path(request.target());
    if (!relative) return std::nullopt;
    const std::string_view target = request.target();
    const auto path_part = target.substr(0, target.find_first_of("?#"));
    auto file = root_ / *relative;
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        if (!path_part.ends_with('/')) {
            // "/console" -> "/console/", so that the page's relative URLs resolve inside it.
            Response redirect{http::status::moved_permanently, request.version()};
            redirect.set(http::field::location, std::string(path_part) + "/");
            redirect.keep_alive(request.keep_alive());
            redirect.prepare_payload();
            return redirect;
        }
        file /= "index.html";
    }
    auto found = inside_root(file);
    if (!found && !relative->empty()) {
        // "/console" serves "/console.html" when there is no such directory.
        found = inside_root(file.replace_extension(".html"));
    }
    if (!found) return std::nullopt;
    std::ifstream in(*found, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();

    Response response{http::status::ok, request.version()};
    response.set(http::field::content_type, content_type(*found));
    response.set(http::field::cache_control, "no-cache");
    response.body() = content.str();
    response.prepare_payload();
    if (request.method() == http::verb::head) response.body().clear();
    response.keep_alive(request.keep_alive());
    return response;
}

}  // namespace juttu::net
