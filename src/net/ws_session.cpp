#include "net/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <cstring>

namespace juttu::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// A final, unmasked text frame (RFC 6455, 5.2): what a server sends.
void append_text_frame(CorkedSocket& socket, const std::string& text) {
    const std::uint64_t size = text.size();
    unsigned char header[10];
    std::size_t header_size = 2;
    header[0] = 0x81;  // FIN, text
    if (size < 126) {
        header[1] = static_cast<unsigned char>(size);
    } else if (size <= 0xffff) {
        header[1] = 126;
        header_size = 4;
    } else {
        header[1] = 127;
        header_size = 10;
    }
    // The length, big-endian, in the bytes after the first two.
    for (std::size_t i = 2; i < header_size; ++i) {
        header[i] = static_cast<unsigned char>(size >> (8 * (header_size - 1 - i)));
    }
    char* out = socket.make_room(header_size + text.size());
    std::memcpy(out, header, header_size);
    std::memcpy(out + header_size, text.data(), text.size());
}

}  // namespace

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
    handler_ = factory.make(shared_from_this(), upgrade_);
    upgrade_ = {};
    read_next();
}

void WsSession::read_next() {
    reading_ = true;
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->reading_ = false;
        self->on_read(ec);
    });
}

void WsSession::pause_reading() { read_paused_.store(true, std::memory_order_release); }

void WsSession::quiesce() {
    pause_reading();
    boost::asio::post(ws_.get_executor(), [self = shared_from_this()] { self->quiesced_ = true; });
}

void WsSession::resume_reading() {
    read_paused_.store(false, std::memory_order_release);
    boost::asio::post(ws_.get_executor(), [self = shared_from_this()] {
        if (!self->reading_ && !self->finished_ && !self->quiesced_ && !self->read_paused_) {
            self->read_next();
        }
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
    if (quiesced_) {
        // Read after the server began to stop: neither handled nor acknowledged, so the
        // client sends it again after reconnecting.
        buffer_.consume(buffer_.size());
        return;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();  // an idle connection keeps no read buffer
    if (handler_) handler_->on_text(std::move(text));
    // Paused (too many sends await their acks, or a shutdown): resume_reading() goes on.
    if (!read_paused_.load(std::memory_order_acquire)) read_next();
}

void WsSession::send(Frame frame) {
    outbox_.push(ws_.get_executor(), shared_from_this(), std::move(frame));
}

void WsSession::enqueue(Frame frame, bool write) {
    if (closing_ || finished_) return;
    const bool over_bytes =
        !queue_.empty() && queue_.bytes() + frame->size() > options_.ws_queue_bytes;
    if (queue_.size() >= options_.ws_queue_limit || over_bytes) {
        // A slow consumer: drop it rather than grow without bound; it resumes with sync.
        // What is already in the socket's buffer leaves first, then the close frame.
        queue_.clear();
        registry_.count_slow_consumer();
        begin_close(websocket::close_code::try_again_later, "slow consumer");
        return;
    }
    queue_.push(std::move(frame));
    if (write) start_writing();
}

void WsSession::start_writing() {
    if (!waiting_for_room_ && !close_sent_ && !finished_ && !queue_.empty()) write_queued();
}

void WsSession::write_queued() {
    auto& socket = ws_.next_layer();
    if (socket.failed()) return finish();
    // A close frame was received (Beast answers it) or the stream failed: nothing may
    // follow the close frame.
    if (!ws_.is_open()) return queue_.clear();
    while (!queue_.empty() && socket.has_room()) {
        append_text_frame(socket, *queue_.front());
        queue_.pop();
    }
    socket.flush();
    if (!queue_.empty()) {
        waiting_for_room_ = true;
        socket.when_room([weak = weak_from_this()] {
            if (auto self = weak.lock()) self->on_room();
        });
        return;
    }
    if (pending_close_) {
        auto reason = *pending_close_;
        pending_close_.reset();
        close_sent_ = true;
        ws_.async_close(reason, [self = shared_from_this()](beast::error_code) { self->finish(); });
    }
}

void WsSession::on_room() {
    waiting_for_room_ = false;
    if (!finished_ && !close_sent_) write_queued();
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
    arm_close_deadline();
    websocket::close_reason close_reason;
    close_reason.code = code;
    close_reason.reason = reason;
    if (waiting_for_room_) {
        pending_close_ = close_reason;  // after the queued frames
        return;
    }
    close_sent_ = true;
    ws_.async_close(close_reason,
                    [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void WsSession::arm_close_deadline() {
    close_deadline_ = std::make_unique<boost::asio::steady_timer>(ws_.get_executor());
    close_deadline_->expires_after(options_.ws_close_deadline);
    close_deadline_->async_wait([weak = weak_from_this()](beast::error_code ec) {
        if (ec) return;  // cancelled: the close finished in time
        if (auto self = weak.lock()) self->finish();
    });
}

void WsSession::finish() {
    if (finished_) return;
    finished_ = true;
    if (close_deadline_) close_deadline_->cancel();
    queue_.clear();
    if (handler_) {
        handler_->on_closed();
        handler_.reset();
    }
    beast::error_code ignored;
    ws_.next_layer().next_layer().close(ignored);
}

}  // namespace juttu::net
