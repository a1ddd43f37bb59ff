#include "api/poll_front.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "api/cors.hpp"
#include "core/validation.hpp"
#include "net/security_headers.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view session_prefix = "ps_";
constexpr std::size_t session_id_max = 64;

struct Parsed {
    std::string path;
    std::string session;
    std::optional<std::uint64_t> ack;
};

std::optional<Parsed> parse_target(const net::Request& request) {
    auto target = boost::urls::parse_origin_form(request.target());
    if (!target) return std::nullopt;
    Parsed parsed{std::string(target->path()), {}, std::nullopt};
    for (const auto& param : target->params()) {
        if (param.key == "session" && param.value.size() <= session_id_max) {
            parsed.session = param.value;
        } else if (param.key == "ack") {
            std::uint64_t ack = 0;
            const auto* end = param.value.data() + param.value.size();
            const auto [ptr, ec] = std::from_chars(param.value.data(), end, ack);
            if (ec == std::errc() && ptr == end && !param.value.empty()) parsed.ack = ack;
        }
    }
    return parsed;
}

net::Response reply(const net::Request& request, http::status status, std::string body) {
    net::Response response{status, request.version()};
    if (!body.empty()) {
        response.set(http::field::content_type, "application/json");
        response.body() = std::move(body);
    }
    response.set(http::field::cache_control, "no-store");
    cors::allow_origin(response, request, cors::own_origin(request));
    net::add_security_headers(response, net::AnswerKind::data);
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

net::Response error(const net::Request& request, http::status status, std::string_view code,
                    std::string_view message) {
    boost::json::object body{{"error", {{"code", code}, {"message", message}}}};
    auto response = reply(request, status, boost::json::serialize(body));
    if (status == http::status::too_many_requests) response.set(http::field::retry_after, "5");
    return response;
}

net::Response status_error(const net::Request& request, net::PollStatus status) {
    using S = net::PollStatus;
    switch (status) {
        case S::unknown_session:
            return error(request, http::status::not_found, "unknown_session",
                         "no such session: open a new one");
        case S::wrong_peer: {
            // Not readable by the other page: no Allow-Origin for it.
            auto refused = error(request, http::status::forbidden, "origin_not_allowed",
                                 "this session belongs to another page or address");
            refused.erase(http::field::access_control_allow_origin);
            refused.erase(http::field::access_control_expose_headers);
            return refused;
        }
        case S::bad_cursor:
            return error(request, http::status::bad_request, "bad_cursor",
                         "ack is before the frames kept or past the last one sent");
        case S::busy:
            return error(request, http::status::too_many_requests, "rate_limited",
                         "too many frames wait to be handled; send them again later");
        case S::too_many_sessions:
            return error(request, http::status::too_many_requests, "rate_limited",
                         "too many sessions from this address");
        case S::ok:
            break;
    }
    return reply(request, http::status::no_content, {});
}

std::string batch_json(const net::PollBatch& batch) {
    std::string body = R"({"cursor":)" + std::to_string(batch.cursor) + R"(,"frames":[)";
    for (std::size_t i = 0; i < batch.frames.size(); ++i) {
        if (i > 0) body += ',';
        body += *batch.frames[i];  // each one a JSON object, as a socket would send it
    }
    body += ']';
    if (batch.close) {
        body += R"(,"close":{"code":)" + std::to_string(batch.close->first) + R"(,"reason":)" +
                boost::json::serialize(boost::json::string(batch.close->second)) + "}";
    }
    body += '}';
    return body;
}

// One frame per line, as each would be one WebSocket text frame.
std::optional<std::vector<std::string>> split_frames(std::string_view body, std::size_t max_frames,
                                                     std::size_t max_bytes) {
    std::vector<std::string> frames;
    while (!body.empty()) {
        const auto end = body.find('\n');
        auto line = body.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) {
            if (frames.size() == max_frames || line.size() > max_bytes) return std::nullopt;
            frames.emplace_back(line);
        }
        if (end == std::string_view::npos) break;
        body.remove_prefix(end + 1);
    }
    return frames;
}

}  // namespace

void PollFront::handle(net::Request request, std::function<void(net::Response)> respond) {
    const auto parsed = parse_target(request);
    if (!parsed)
        return respond(error(request, http::status::bad_request, "bad_request", "malformed URL"));
    if (request.method() == http::verb::options) {
        auto response = cors::preflight(request, cors::own_origin(request));
        net::add_security_headers(response, net::AnswerKind::data);
        return respond(std::move(response));
    }
    if (request.method() != http::verb::post) {
        return respond(error(request, http::status::method_not_allowed, "method_not_allowed",
                             "the HTTP transport takes POST"));
    }
    const std::string_view origin = request[http::field::origin];
    net::PollPeer peer{std::string(origin), std::string(request[net::client_address_header])};
    if (parsed->path == "/rt/open") {
        auto id = services::random_token(session_prefix, 24);
        const auto opened = hub_.open(id, std::move(peer), request);
        if (opened != net::PollStatus::ok) return respond(status_error(request, opened));
        boost::json::object body{
            {"session", id},
            {"poll_wait_ms", hub_.options().poll_wait.count()},
        };
        return respond(reply(request, http::status::ok, boost::json::serialize(body)));
    }
    if (parsed->path != "/rt/poll" && parsed->path != "/rt/send") {
        return respond(
            error(request, http::status::not_found, "not_found", "no such transport route"));
    }
    if (parsed->session.empty()) {
        return respond(error(request, http::status::bad_request, "bad_request",
                             "the session parameter is required"));
    }
    if (parsed->path == "/rt/poll") {
        if (!parsed->ack) {
            return respond(error(request, http::status::bad_request, "bad_request",
                                 "ack must be a non-negative integer"));
        }
        return hub_.poll(parsed->session, peer, *parsed->ack,
                         [request = std::move(request), respond = std::move(respond)](
                             net::PollStatus status, net::PollBatch batch) {
                             if (status != net::PollStatus::ok) {
                                 return respond(status_error(request, status));
                             }
                             respond(reply(request, http::status::ok, batch_json(batch)));
                         });
    }
    if (parsed->path == "/rt/send") {
        const auto& options = hub_.options();
        auto frames = split_frames(request.body(), options.inbox_limit, options.frame_bytes);
        if (!frames) {
            return respond(error(request, http::status::payload_too_large, "payload_too_large",
                                 "at most 64 frames of 64 KiB each, one per line"));
        }
        return hub_.post(parsed->session, peer, std::move(*frames),
                         [request = std::move(request), respond = std::move(respond)](
                             net::PollStatus status) { respond(status_error(request, status)); });
    }
    respond(error(request, http::status::not_found, "not_found", "no such transport route"));
}

}  // namespace juttu::api
