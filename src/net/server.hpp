// The network edge: one port serving HTTP/1.1 and WebSocket (see net/README.md).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/client_address.hpp"

namespace juttu::net {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Frame = std::shared_ptr<const std::string>;

// Answers HTTP requests. `respond` may be called once, from any thread.
class HttpHandler {
public:
    virtual ~HttpHandler() = default;
    virtual void handle(Request request, std::function<void(Response)> respond) = 0;
};

// The network side of one WebSocket, as the protocol layer sees it. Thread-safe.
class WsConnection {
public:
    virtual ~WsConnection() = default;
    // Queues a text frame; a full queue closes the connection with 1013.
    virtual void send(Frame frame) = 0;
    // Sends what is queued, then a close frame.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    // Back-pressure on the peer: no more frames are read from it until resume_reading()
    // (the frame being handled is the last one for now). Callable from any thread.
    virtual void pause_reading() = 0;
    virtual void resume_reading() = 0;
};

// The protocol side of one WebSocket. Called on the connection's loop, in order.
class WsHandler {
public:
    virtual ~WsHandler() = default;
    virtual void on_text(std::string frame) = 0;
    virtual void on_closed() = 0;
};

class WsHandlerFactory {
public:
    virtual ~WsHandlerFactory() = default;
    // `upgrade` is the HTTP request that opened the socket (its Origin, User-Agent ...).
    virtual std::shared_ptr<WsHandler> make(std::shared_ptr<WsConnection> connection,
                                            const Request& upgrade) = 0;
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t threads = 0;  // 0: default_threads()
    // A silent peer is pinged after half of it and dropped at its end (docs/security.md).
    std::chrono::seconds ws_idle_timeout{30};
    std::size_t ws_max_frame_bytes = 64 * 1024;
    std::size_t ws_queue_limit = 1024;
    // The same bound in bytes: a few big frames (history pages) fill it before 1024 do.
    // A frame larger than this still goes out alone when nothing else is queued.
    std::size_t ws_queue_bytes = 8 * 1024 * 1024;
    // How long a close may take (the close frame written, the peer's answered): then the
    // socket is aborted, so a peer that never reads cannot keep it and its buffers.
    std::chrono::seconds ws_close_deadline{5};
    std::size_t http_body_limit = 64 * 1024;
    // The one route that takes more (POST of a file's raw bytes) and its limit.
    std::string upload_path = "/api/v1/files";
    std::size_t upload_body_limit = 20 * 1024 * 1024;
    std::chrono::seconds shutdown_deadline{5};
    TrustedProxies trusted_proxies;  // whose X-Forwarded-For is believed
};

// Something the server must close on shutdown.
class Closable {
public:
    virtual ~Closable() = default;
    // The first step of a graceful stop: read nothing more from the peer (what was read
    // is still answered). By default nothing: an HTTP request is answered whole.
    virtual void quiesce() {}
    virtual void shutdown() = 0;
};

// Live connections, for shutdown and the connection gauges. Thread-safe.
class ConnectionRegistry {
public:
    std::uint64_t add(std::weak_ptr<Closable> connection, bool websocket);
    void remove(std::uint64_t id, bool websocket);
    void quiesce_all();
    void shutdown_all();
    std::size_t websockets() const { return websockets_.load(); }
    std::size_t total() const;
    // WebSockets closed with 1013 because they did not read their events (a counter).
    void count_slow_consumer() { slow_consumers_.fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t slow_consumers() const { return slow_consumers_.load(); }

private:
    std::vector<std::shared_ptr<Closable>> live() const;

    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> connections_;
    std::atomic<std::size_t> websockets_{0};
    std::atomic<std::uint64_t> slow_consumers_{0};
};

class Server {
public:
    Server(ServerOptions options, HttpHandler& http, WsHandlerFactory& ws);
    ~Server();

    // Binds and listens; throws on failure. Returns the bound port (for port 0).
    std::uint16_t listen();
    // Event loops when not configured: one per core but one (at least one).
    static std::size_t default_threads();
    // Starts the event-loop threads; returns at once.
    void start();
    // The first half of a graceful stop: no new connections, and no more frames read
    // from the WebSockets, so that what they sent can be answered before they close.
    void quiesce();
    // Graceful stop (see net/README.md); blocks until the loops have ended.
    void stop();

    const ConnectionRegistry& connections() const { return registry_; }

private:
    void accept_next();
    boost::asio::io_context& next_loop();

    ServerOptions options_;
    HttpHandler& http_;
    WsHandlerFactory& ws_;
    // Before loops_: handlers still queued in a loop own sessions that deregister here.
    ConnectionRegistry registry_;
    std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
    std::vector<std::thread> threads_;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
    std::size_t next_loop_ = 0;
    bool quiesced_ = false;
    bool stopped_ = false;
};

}  // namespace juttu::net
