#include "api/files_api.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "api/cors.hpp"
#include "api/json_codec.hpp"
#include "api/rest_api.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

namespace {

net::Response error_answer(const net::Request& request, const core::Error& error) {
    return json_response(request, error_reply(error));
}

// RFC 6266 with RFC 5987's filename*: the name percent-encoded as UTF-8, and an ASCII
// stand-in for old clients with every character that could end or bend the header replaced.
std::string content_disposition(bool inline_ok, const std::string& name) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string ascii;
    std::string encoded;
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        // One stand-in per character, not per byte of it.
        if ((byte & 0xc0) != 0x80) ascii += plain || c == ' ' ? c : '_';
        if (plain) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += hex[byte >> 4];
            encoded += hex[byte & 0xf];
        }
    }
    return std::string(inline_ok ? "inline" : "attachment") + "; filename=\"" + ascii +
           "\"; filename*=UTF-8''" + encoded;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::vector<std::string_view> path_parts(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

}  // namespace

std::optional<net::Response> FilesApi::serve(const net::Request& request, std::string_view path) {
    auto answer = route(request, path);
    // The widget uploads and reads from the shop's origin, with a token in a header.
    if (answer) cors::allow_origin(*answer, request, cors::own_origin(request));
    return answer;
}

std::optional<net::Response> FilesApi::route(const net::Request& request, std::string_view path) {
    const bool ours = path == upload_path || path.starts_with(download_prefix);
    if (ours && request.method() == http::verb::options) {
        return cors::preflight(request, cors::own_origin(request));
    }
    if (path == upload_path) {
        if (request.method() != http::verb::post) {
            return json_response(request,
                                 error_reply(http::status::method_not_allowed, "method_not_allowed",
                                             "files are uploaded with POST"));
        }
        return upload(request);
    }
    if (path.starts_with(download_prefix)) {
        if (request.method() != http::verb::get && request.method() != http::verb::head) {
            return json_response(request,
                                 error_reply(http::status::method_not_allowed, "method_not_allowed",
                                             "files are read with GET"));
        }
        return download(request, path.substr(download_prefix.size()));
    }
    return std::nullopt;
}

core::Result<services::FileActor> FilesApi::actor(const net::Request& request) {
    const std::string_view header = request[http::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    constexpr std::string_view contact = "Contact ";
    if (header.starts_with(bearer)) {
        auto session = auth_.authenticate(header.substr(bearer.size()));
        if (!session.ok()) return session.error();
        const auto& agent = session.value().agent;
        return services::FileActor{core::AuthorKind::agent, agent.workspace_id, agent.id};
    }
    if (header.starts_with(contact)) {
        const auto credentials = header.substr(contact.size());
        const auto colon = credentials.find(':');
        if (colon != std::string_view::npos) {
            if (auto visitor =
                    files_.visitor(credentials.substr(0, colon), credentials.substr(colon + 1))) {
                return *visitor;
            }
        }
        return core::fail(core::ErrorCode::unauthorized, "the site key or contact token is wrong");
    }
    return core::fail(core::ErrorCode::unauthorized,
                      "Authorization: Bearer <session> or Contact <site key>:<contact token> "
                      "is required");
}

net::Response FilesApi::upload(const net::Request& request) {
    auto uploader = actor(request);
    if (!uploader.ok()) return error_answer(request, uploader.error());
    const auto& who = uploader.value();
    if (who.kind == core::AuthorKind::visitor) {
        if (auto refused =
                limits_.take(services::LimitKind::uploads_per_contact, std::to_string(who.id))) {
            return error_answer(request, *refused);
        }
    }
    auto target = boost::urls::parse_origin_form(request.target());
    if (!target) {
        return json_response(
            request, error_reply(http::status::bad_request, "bad_request", "malformed URL"));
    }
    const auto params = target->params();
    const auto name = params.find("name");
    if (name == params.end() || !(*name).has_value) {
        return error_answer(request, core::fail(core::ErrorCode::validation_failed,
                                                "the query parameter name is required"));
    }
    auto uploaded =
        files_.upload(who, (*name).value, std::string(request["Idempotency-Key"]), request.body());
    if (!uploaded.ok()) return error_answer(request, uploaded.error());
    return json_response(
        request, Reply{http::status::created, json::object{{"file", to_json(uploaded.value())}}});
}

// /files/{workspace}/{file id}/{variant}?exp=&sig=, or with an Authorization header.
net::Response FilesApi::download(const net::Request& request, std::string_view rest) {
    const auto parts = path_parts(rest);
    const auto workspace_id = parts.size() == 3 ? parse_int(parts[0]) : std::nullopt;
    if (!workspace_id || parts[1].empty() || parts[1].size() > 64) {
        return error_answer(request, core::fail(core::ErrorCode::not_found, "no such file"));
    }
    const std::string file_id(parts[1]);
    const std::string_view variant = parts[2];
    auto target = boost::urls::parse_origin_form(request.target());
    const auto params = target ? target->params() : boost::urls::params_view();
    const auto expires = params.find("exp");
    const auto signature = params.find("sig");
    core::Result<services::FileDownload> file =
        core::fail(core::ErrorCode::not_found, "no such file");
    if (expires != params.end() && signature != params.end()) {
        const auto expires_s = parse_int((*expires).value);
        if (expires_s) {
            file = files_.download_signed(*workspace_id, file_id, variant, *expires_s,
                                          (*signature).value);
        }
    } else {
        auto reader = actor(request);
        if (!reader.ok()) return error_answer(request, reader.error());
        file = files_.download_as(reader.value(), *workspace_id, file_id, variant);
    }
    if (!file.ok()) return error_answer(request, file.error());
    auto& found = file.value();
    net::Response response{http::status::ok, request.version()};
    // Markup and anything unknown never reach a browser as what they are.
    const bool markup = found.type == "text/html" || found.type == "image/svg+xml" ||
                        found.type == "application/xml";
    response.set(http::field::content_type, markup ? "application/octet-stream" : found.type);
    response.set(http::field::content_disposition,
                 content_disposition(found.inline_ok, found.name));
    response.set(http::field::cache_control, "private, max-age=3600");
    response.body() = std::move(found.bytes);
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

}  // namespace juttu::api
