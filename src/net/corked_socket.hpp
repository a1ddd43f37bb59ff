// The socket under a WebSocket, with a write buffer that lets several frames leave in
// one send.
//
// The owner appends its data frames to the buffer itself (`make_room`, then `flush`):
// Beast's websocket::stream would cost a composed write operation per frame. Beast
// still writes its own frames (pings, pongs, the close handshake) through
// `async_write_some`, which this layer accepts into the same buffer whole and completes
// at once, so frames never interleave. At most one async_write to the kernel is in
// flight; what arrives meanwhile leaves with the next one.
//
// Back-pressure: once `max_buffered` bytes wait, `has_room()` is false and the owner
// keeps its frames in its own bounded queue until `when_room` calls back; a write of
// Beast's does not complete until the kernel has taken them. Teardown (the end of the
// close handshake) sends what is buffered first.
//
// Single-threaded: used only on its socket's loop, like the stream above it.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace juttu::net {

class CorkedSocket {
public:
    using socket_type = boost::asio::ip::tcp::socket;
    using executor_type = socket_type::executor_type;
    using next_layer_type = socket_type;
    using Handler =
        boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
    using TeardownHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

    static constexpr std::size_t max_buffered = 64 * 1024;

    explicit CorkedSocket(socket_type socket) : socket_(std::move(socket)) {}

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    socket_type& next_layer() noexcept { return socket_; }
    const socket_type& next_layer() const noexcept { return socket_; }

    template <class MutableBufferSequence, class ReadToken>
    auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
        return socket_.async_read_some(buffers, std::forward<ReadToken>(token));
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
        return boost::asio::async_initiate<WriteToken,
                                           void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const ConstBufferSequence& data) {
                const std::size_t size = boost::asio::buffer_size(data);
                boost::asio::buffer_copy(boost::asio::buffer(make_room(size), size), data);
                accept(Handler(std::move(handler)), size);
            },
            token, buffers);
    }

    // Kept alive by every write in flight: the owner of this socket (its session).
    void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

    // Whether the owner may append more now.
    bool has_room() const { return pending_.size() + flushing_.size() < max_buffered; }
    // Where the next `size` bytes to send go; they leave with the next flush().
    char* make_room(std::size_t size);
    // Hands what is buffered to the kernel unless a send is in flight (then it follows).
    void flush();
    // Calls `waiter` once, when there is room again (or the socket failed).
    void when_room(std::function<void()> waiter) { room_waiter_ = std::move(waiter); }
    bool failed() const { return static_cast<bool>(error_); }

    // For beast::websocket: sends what is buffered, then shuts the socket down.
    friend void teardown(boost::beast::role_type role, CorkedSocket& socket,
                         boost::system::error_code& ec) {
        boost::beast::websocket::teardown(role, socket.socket_, ec);
    }
    template <class TeardownToken>
    friend void async_teardown(boost::beast::role_type role, CorkedSocket& socket,
                               TeardownToken&& handler) {
        socket.teardown_role_ = role;
        TeardownHandler erased(std::forward<TeardownToken>(handler));
        socket.teardown_.swap(erased);
        socket.flush();
    }

private:
    void accept(Handler handler, std::size_t size);
    void complete(Handler handler, boost::system::error_code ec, std::size_t size);
    void on_flushed(boost::system::error_code ec);
    void finish_teardown();

    socket_type socket_;
    std::weak_ptr<void> owner_;
    std::string pending_;   // accepted, not yet handed to the kernel
    std::string flushing_;  // in the kernel's hands (the one async_write in flight)
    bool writing_ = false;
    std::function<void()> room_waiter_;
    boost::system::error_code error_;  // the first write error: every later write fails
    Handler held_;                     // a write waiting for room
    std::size_t held_size_ = 0;
    std::optional<boost::beast::role_type> teardown_role_;
    TeardownHandler teardown_;
};

}  // namespace juttu::net
