// One WebSocket connection: reads frames into its WsHandler, writes queued frames.
// Owned by its event loop (see net/README.md); every member is touched only there.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <optional>

#include "net/corked_socket.hpp"
#include "net/frame_queue.hpp"
#include "net/outbox.hpp"
#include "net/server.hpp"

namespace juttu::net {

class WsSession final : public WsConnection,
                        public Closable,
                        public std::enable_shared_from_this<WsSession> {
public:
    WsSession(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
              ConnectionRegistry& registry);
    ~WsSession() override;

    // Completes the handshake for `upgrade`, then reads until the peer goes away.
    void run(Request upgrade, WsHandlerFactory& factory);

    void send(Frame frame) override;
    void close(std::uint16_t code, std::string reason) override;
    void pause_reading() override;
    void resume_reading() override;
    void quiesce() override;
    void shutdown() override;

private:
    friend class Outbox;  // calls enqueue() on the loop

    void on_accept(boost::beast::error_code ec, WsHandlerFactory& factory);
    void read_next();
    void on_read(boost::beast::error_code ec);
    // Queues a frame; starts writing at once unless `write` is false (the outbox starts
    // writing after its whole burst is queued, so that the frames leave together).
    void enqueue(Frame frame, bool write = true);
    void start_writing();
    // Frames go from the queue straight into the socket's buffer as WebSocket frames
    // while it has room (see corked_socket.hpp), and leave in one send.
    void write_queued();
    void on_room();
    void begin_close(std::uint16_t code, std::string reason);
    // Aborts the socket if the close has not finished within ws_close_deadline.
    void arm_close_deadline();
    void finish();

    // A plain socket underneath (the WebSocket's own timeout option covers the handshake
    // and idle timeouts; beast::tcp_stream would add a timer to every connection), with a
    // write buffer so that the frames queued at one moment leave in one send.
    boost::beast::websocket::stream<CorkedSocket> ws_;
    boost::beast::flat_buffer buffer_;
    FrameQueue queue_;
    Outbox& outbox_;  // of this connection's loop
    std::shared_ptr<WsHandler> handler_;
    Request upgrade_;
    const ServerOptions& options_;
    ConnectionRegistry& registry_;
    std::uint64_t registry_id_ = 0;
    std::unique_ptr<boost::asio::steady_timer> close_deadline_;  // while closing only
    // Set by pause_reading() on any thread; read on the loop after each frame.
    std::atomic<bool> read_paused_{false};
    bool reading_ = false;           // a read is in progress
    bool quiesced_ = false;          // shutting down: frames read from now on are dropped
    bool waiting_for_room_ = false;  // frames queued, the socket's buffer full
    bool closing_ = false;           // no more frames are queued once a close is requested
    bool close_sent_ = false;
    bool finished_ = false;
    std::optional<boost::beast::websocket::close_reason> pending_close_;
};

}  // namespace juttu::net
