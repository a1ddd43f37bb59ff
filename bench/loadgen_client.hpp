// One WebSocket client connection of the load generator.
//
// Connects from a chosen 127.0.0.x source address (so that many connections do not
// exhaust one address's ephemeral ports), opens /ws with an Origin header, then reads
// frames until closed and hands each to its Listener. Frames to send are queued and
// written one at a time. Everything runs on the io_context given at construction: a
// client is touched by one thread only and needs no lock.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Where the clients connect.
struct Target {
    tcp::endpoint server;  // a 127.0.0.0/8 address
    std::string origin;    // the Origin header of the WebSocket handshake
};

// The n-th source address of a pool starting at 127.0.0.`first`: .first .. .first+count-1.
asio::ip::address_v4 source_address(std::size_t n, unsigned first, unsigned count);

class WsClient;

class Listener {
public:
    virtual ~Listener() = default;
    // The handshake completed; frames may be sent.
    virtual void on_open(WsClient& client) = 0;
    // One text frame; the view is valid during the call only.
    virtual void on_frame(WsClient& client, std::string_view frame) = 0;
    // The connection failed or closed; `stage` says where ("connect", "handshake", "read"...).
    virtual void on_closed(WsClient& client, const char* stage, beast::error_code ec) = 0;
};

class WsClient : public std::enable_shared_from_this<WsClient> {
public:
    WsClient(asio::io_context& io, const Target& target, asio::ip::address_v4 source,
             Listener& listener);

    void start();
    void send(std::string frame);
    // Sends a close frame (1000); the listener then hears on_closed.
    void close();
    // Drops the TCP connection at once, without a close frame.
    void abort();

    bool is_open() const { return open_; }
    std::size_t queued() const { return queue_.size(); }

private:
    void on_connect(beast::error_code ec);
    void on_handshake(beast::error_code ec);
    void read_next();
    void on_read(beast::error_code ec);
    void write_next();
    void fail(const char* stage, beast::error_code ec);

    beast::websocket::stream<tcp::socket> ws_;
    const Target& target_;
    asio::ip::address_v4 source_;
    Listener& listener_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_;
    bool open_ = false;
    bool writing_ = false;
    bool done_ = false;
};

}  // namespace bench
