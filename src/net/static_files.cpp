#include "net/static_files.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <fstream>
#include <sstream>

namespace juttu::net {

namespace http = boost::beast::http;

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

std::optional<Response> StaticFiles::serve(const Request& request) const {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        return std::nullopt;
    }
    std::string_view target = request.target();
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/' || target.find("..") != std::string_view::npos ||
        target.find('%') != std::string_view::npos || target.find('\\') != std::string_view::npos) {
        return std::nullopt;
    }
    auto file = root_ / std::filesystem::path(target.substr(1));
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        if (!target.ends_with('/')) {
            // "/console" -> "/console/", so that the page's relative URLs resolve inside it.
            Response redirect{http::status::moved_permanently, request.version()};
            redirect.set(http::field::location, std::string(target) + "/");
            redirect.keep_alive(request.keep_alive());
            redirect.prepare_payload();
            return redirect;
        }
        file /= "index.html";
    }
    if (!std::filesystem::is_regular_file(file, ec)) {
        // "/console" serves "/console.html" when there is no such directory.
        file.replace_extension(".html");
        if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();

    Response response{http::status::ok, request.version()};
    response.set(http::field::content_type, content_type(file));
    response.set(http::field::cache_control, "no-cache");
    response.set("X-Content-Type-Options", "nosniff");
    response.body() = content.str();
    response.prepare_payload();
    if (request.method() == http::verb::head) response.body().clear();
    response.keep_alive(request.keep_alive());
    return response;
}

}  // namespace juttu::net
