#include "loadgen_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace bench {

namespace websocket = beast::websocket;

asio::ip::address_v4 source_address(std::size_t n, unsigned first, unsigned count) {
    const auto last_octet = first + static_cast<unsigned>(n % count);
    return asio::ip::address_v4((127U << 24) | (last_octet & 0xFFU));
}

WsClient::WsClient(asio::io_context& io, const Target& target, asio::ip::address_v4 source,
                   Listener& listener)
    : ws_(io), target_(target), source_(source), listener_(listener) {}

void WsClient::start() {
    auto& socket = ws_.next_layer();
    beast::error_code ec;
    socket.open(tcp::v4(), ec);
    if (ec) return fail("socket", ec);
    // Choose the port at connect time, per destination, not at bind time: otherwise
    // one source address gives out at most ~28,000 ports in all.
    int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(source_, 0), ec);
    if (ec) return fail("bind", ec);
    socket.async_connect(target_.server, [self = shared_from_this()](beast::error_code error) {
        self->on_connect(error);
    });
}

void WsClient::on_connect(beast::error_code ec) {
    if (ec) return fail("connect", ec);
    ws_.next_layer().set_option(tcp::no_delay(true), ec);
    // Masking keys need not be unpredictable here; the fast generator saves CPU.
    ws_.secure_prng(false);
    ws_.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
        request.set(beast::http::field::origin, target_.origin);
        request.set(beast::http::field::user_agent, "juttu-loadgen");
    }));
    const auto host =
        target_.server.address().to_string() + ":" + std::to_string(target_.server.port());
    ws_.async_handshake(host, "/ws", [self = shared_from_this()](beast::error_code error) {
        self->on_handshake(error);
    });
}

void WsClient::on_handshake(beast::error_code ec) {
    if (ec) return fail("handshake", ec);
    ws_.text(true);
    open_ = true;
    listener_.on_open(*this);
    read_next();
}

void WsClient::read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->on_read(ec);
    });
}

void WsClient::on_read(beast::error_code ec) {
    if (ec) return fail("read", ec);
    const auto data = buffer_.data();
    listener_.on_frame(*this, std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (!done_) read_next();
}

void WsClient::send(std::string frame) {
    if (!open_) return;
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
}

void WsClient::write_next() {
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) return self->fail("write", ec);
                        self->queue_.pop_front();
                        if (!self->queue_.empty() && self->open_) self->write_next();
                    });
}

void WsClient::close() {
    if (!open_) return;
    open_ = false;
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](beast::error_code) {});
}

void WsClient::abort() {
    open_ = false;
    done_ = true;
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
}

void WsClient::fail(const char* stage, beast::error_code ec) {
    const bool was_done = done_;
    open_ = false;
    done_ = true;
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
    if (!was_done) listener_.on_closed(*this, stage, ec);
}

}  // namespace bench
