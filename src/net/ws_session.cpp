#include "net/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace juttu::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

WsSession::WsSession(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
                     ConnectionRegistry& registry)
    : ws_(std::move(socket)),
      outbox_(Outbox::of(ws_.get_executor())),
      options_(options),
      registry_(registry) {}

WsSession::~WsSession() {
    if (registry_id_ != 0) registry_.remove(registry_id_, true);
}

void WsSession::run(Request upgrade, WsHandlerFactory& factory) {
    registry_id_ = registry_.add(weak_from_this(), true);
    ws_.next_layer().set_owner(weak_from_this());
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(10);
    timeout.idle_timeout = options_.ws_idle_timeout;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.read_message_max(options_.ws_max_frame_bytes);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "juttu"); }));
    upgrade_ = std::move(upgrade);
    ws_.async_accept(upgrade_, [self = shared_from_this(), &factory](beast::error_code ec) {
        self->on_accept(ec, factory);
    });
}

void WsSession::on_accept(beast::error_code ec, WsHandlerFactory& factory) {
    if (ec) return finish();
    ws_.text(true);
    handler_ = factory.make(shared_from_this(), upgrade_);
    upgrade_ = {};
    read_next();
}

void WsSession::read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->on_read(ec);
    });
}

void WsSession::on_read(beast::error_code ec) {
    // Any read error ends the connection: the peer closed, the idle timeout fired, or
    // the frame broke a limit (Beast has then sent the close frame, e.g. 1009).
    if (ec) return finish();
    if (!ws_.got_text()) {
        buffer_.consume(buffer_.size());
        begin_close(websocket::close_code::bad_payload, "binary frames are not supported");
        return;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();  // an idle connection keeps no read buffer
    if (handler_) handler_->on_text(std::move(text));
    read_next();
}

void WsSession::send(Frame frame) {
    outbox_.push(ws_.get_executor(), shared_from_this(), std::move(frame));
}

void WsSession::enqueue(Frame frame, bool write) {
    if (closing_ || finished_) return;
    if (queue_.size() >= options_.ws_queue_limit) {
        // A slow consumer: drop it rather than grow without bound; it resumes with sync.
        // Only the frame being written stays, so the close frame can follow it.
        queue_.keep_oldest(writing_ ? 1 : 0);
        begin_close(websocket::close_code::try_again_later, "slow consumer");
        return;
    }
    queue_.push(std::move(frame));
    if (write) start_writing();
}

void WsSession::start_writing() {
    if (!writing_ && !close_sent_ && !finished_ && !queue_.empty()) write_next();
}

void WsSession::write_next() {
    writing_ = true;
    // More frames wait behind this one: send them together, after the last.
    if (queue_.size() > 1) ws_.next_layer().cork();
    ws_.async_write(
        boost::asio::buffer(*queue_.front()),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

void WsSession::on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) return finish();
    queue_.pop();
    if (!queue_.empty()) return write_next();
    ws_.next_layer().uncork();
    if (pending_close_) {
        auto reason = *pending_close_;
        pending_close_.reset();
        close_sent_ = true;
        ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {});
    }
}

void WsSession::close(std::uint16_t code, std::string reason) {
    boost::asio::post(ws_.get_executor(),
                      [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
                          self->begin_close(code, std::move(reason));
                      });
}

void WsSession::shutdown() { close(websocket::close_code::going_away, "server shutting down"); }

void WsSession::begin_close(std::uint16_t code, std::string reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    websocket::close_reason close_reason;
    close_reason.code = code;
    close_reason.reason = reason;
    if (writing_) {
        pending_close_ = close_reason;  // after the queued frames
        return;
    }
    close_sent_ = true;
    ws_.async_close(close_reason, [self = shared_from_this()](beast::error_code) {});
}

void WsSession::finish() {
    if (finished_) return;
    finished_ = true;
    queue_.clear();
    if (handler_) {
        handler_->on_closed();
        handler_.reset();
    }
    beast::error_code ignored;
    ws_.next_layer().next_layer().close(ignored);
}

}  // namespace juttu::net
