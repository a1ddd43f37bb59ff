#include "net/http_session.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "net/security_headers.hpp"
#include "net/ws_session.hpp"

namespace juttu::net {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);

// `max_bytes` (when not 0) tells a client the upload limit it went over.
Response plain_error(http::status status, std::string_view code, std::string_view message,
                     unsigned version, std::uint64_t max_bytes = 0) {
    Response res{status, version};
    res.set(http::field::content_type, "application/json");
    boost::json::object error{{"code", code}, {"message", message}};
    if (max_bytes > 0) error["max_bytes"] = max_bytes;
    res.body() = boost::json::serialize(boost::json::object{{"error", std::move(error)}});
    add_security_headers(res, AnswerKind::data);
    res.keep_alive(false);
    res.prepare_payload();
    return res;
}

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
                         ConnectionRegistry& registry, HttpHandler& http, WsHandlerFactory& ws)
    : stream_(std::move(socket)), options_(options), registry_(registry), http_(http), ws_(ws) {}

HttpSession::~HttpSession() {
    if (registry_id_ != 0) registry_.remove(registry_id_, false);
}

void HttpSession::run() {
    registry_id_ = registry_.add(weak_from_this(), false);
    read_next();
}

void HttpSession::shutdown() {
    boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
        self->shutting_down_ = true;
        if (!self->busy_) self->close_socket();  // idle keep-alive: close now
    });
}

void HttpSession::read_next() {
    if (shutting_down_) return close_socket();
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // Beast checks a Content-Length against the limit while it parses the header, before
    // the target is known: the largest limit there, the route's own in read_body.
    parser_->body_limit(std::max(options_.upload_body_limit, options_.http_body_limit));
    stream_.expires_after(request_timeout);
    // The header first: its target chooses the body limit.
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->on_read(ec);
                                self->read_body();
                            });
}

bool HttpSession::is_upload() const {
    const auto& header = parser_->get();
    const std::string_view target = header.target();
    return header.method() == http::verb::post &&
           target.substr(0, target.find('?')) == options_.upload_path;
}

void HttpSession::read_body() {
    const std::uint64_t limit = is_upload() ? options_.upload_body_limit : options_.http_body_limit;
    parser_->body_limit(limit);  // a chunked body is counted as it comes
    if (const auto length = parser_->content_length(); length && *length > limit) {
        return on_read(http::error::body_limit);
    }
    // A big upload on a slow line needs more than the usual half minute.
    if (is_upload()) stream_.expires_after(request_timeout * 10);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void HttpSession::on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
        if (is_upload()) {
            const std::uint64_t limit = options_.upload_body_limit;
            auto refused =
                plain_error(http::status::payload_too_large, "file_too_large",
                            "the file is larger than " +
                                std::to_string((limit + 1024 * 1024 - 1) / (1024 * 1024)) + " MB",
                            11, limit);
            // The widget uploads from the shop's page: it may read why, as it may read the
            // upload's own answers (api/files_api: the caller's origin, tokens in headers).
            const auto origin = parser_->get()[http::field::origin];
            if (!origin.empty()) {
                refused.set(http::field::access_control_allow_origin, origin);
                refused.set(http::field::vary, "Origin");
            }
            return write(std::move(refused));
        }
        return write(plain_error(http::status::payload_too_large, "payload_too_large",
                                 "the request body is larger than 64 KiB", 11));
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset) {
        return close_socket();
    }
    if (ec) {
        return write(plain_error(http::status::bad_request, "bad_request",
                                 "the HTTP request is malformed", 11));
    }
    Request request = parser_->release();
    stamp_client_address(request);
    if (beast::websocket::is_upgrade(request)) {
        if (request.target() != "/ws") {
            return write(plain_error(http::status::not_found, "not_found",
                                     "WebSocket connections go to /ws", request.version()));
        }
        stream_.expires_never();
        auto ws = std::make_shared<WsSession>(stream_.release_socket(), options_, registry_);
        ws->run(std::move(request), ws_);
        return;  // the socket now belongs to the WebSocket session
    }
    busy_ = true;
    stream_.expires_never();  // the handler may take a while; the answer resets it
    http_.handle(std::move(request), [self = shared_from_this()](Response response) {
        boost::asio::post(
            self->stream_.get_executor(),
            [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
    });
}

void HttpSession::stamp_client_address(Request& request) {
    boost::system::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    const auto address =
        ec ? std::string()
           : options_.trusted_proxies.client_address(peer.address(), request["X-Forwarded-For"]);
    request.erase(client_address_header);
    request.set(client_address_header, address);
}

void HttpSession::write(Response response) {
    busy_ = true;
    if (shutting_down_) response.keep_alive(false);
    response_ = std::make_shared<Response>(std::move(response));
    const bool keep_alive = response_->keep_alive();
    stream_.expires_after(request_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                          self->on_write(ec, keep_alive);
                      });
}

void HttpSession::on_write(beast::error_code ec, bool keep_alive) {
    busy_ = false;
    response_.reset();
    if (ec || !keep_alive) return close_socket();
    read_next();
}

void HttpSession::close_socket() {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
}

}  // namespace juttu::net
